import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Database } from "../../../db";
import { channels } from "../../../db/schema";
import { VkApiError } from "../../channels/vk/api";
import { getVkKeyCommunity, missingVkRights, type VkCommunity, type VkRight } from "../../channels/vk/permissions";
import { seal } from "../../crypto/secret-box";
import { DomainError } from "../../errors";
import { logger } from "../../log";
import type { ServiceContext } from "../context";
import { actorUserId, announceChannel, findCompanyLine, isUniqueViolation, recordChannelHistory, webhookUrlFor } from "./channel-records";
import { createLineInline, type LineChoice } from "./telegram-connection-rules";

export type ConnectVkInput = { communityId: string; confirmationCode: string; accessToken: string; secret: string; line: LineChoice };

export type ConnectVkResult = { status: "missing_rights"; missing: VkRight[] } | { status: "connected"; channelId: string; name: string; webhookUrl: string };

/** "229876543", "club229876543" or "public229876543" (what VK shows in the community's address) → "229876543". */
export function vkCommunityId(raw: string): string | undefined {
  return /^(?:club|public)?(\d{1,12})$/i.exec(raw.trim())?.[1];
}

/** VK errors that mean "VK did not answer properly" rather than "this key is wrong": network, 1, 6, 9, 10. */
const TRANSIENT_VK_CODES = new Set([1, 6, 9, 10]);

function keyRefusal(error: VkApiError): DomainError {
  const code = error.providerError.code;
  if (code === undefined || (typeof code === "number" && TRANSIENT_VK_CODES.has(code))) return new DomainError("unavailable", "channelsAdmin.error.vkUnreachable");
  return new DomainError("precondition_failed", "channelsAdmin.error.vkTokenInvalid");
}

/**
 * Connects a VK community to one line (F8, seed 003). The key must be the community's own (groups.getById) and
 * carry messages, photos and docs (groups.getTokenPermissions); missing rights are named, not guessed. The
 * channel then waits for VK's confirmation request — stopped, "awaiting_confirmation" — and turns active when it
 * arrives (record-vk-confirmation.ts). The key and the secret are sealed and never returned.
 */
export async function connectVkCommunity({ ctx, input }: { ctx: ServiceContext & { db: Database }; input: ConnectVkInput }): Promise<ConnectVkResult> {
  const communityId = vkCommunityId(input.communityId);
  if (!communityId) throw new DomainError("invalid", "channelsAdmin.error.vkCommunityIdInvalid");
  const accessToken = input.accessToken.trim();
  const secret = input.secret.trim();
  const confirmationCode = input.confirmationCode.trim();
  if (!accessToken) throw new DomainError("invalid", "channelsAdmin.error.vkTokenInvalid");
  if (!confirmationCode) throw new DomainError("invalid", "channelsAdmin.error.vkConfirmationRequired");
  if (!/^[A-Za-z0-9]{1,50}$/.test(secret)) throw new DomainError("invalid", "channelsAdmin.error.vkSecretInvalid");

  const [existing] = await ctx.db
    .select({ companyId: channels.companyId })
    .from(channels)
    .where(and(eq(channels.provider, "vk"), eq(channels.externalId, communityId)))
    .limit(1);
  if (existing) throw new DomainError("conflict", existing.companyId === ctx.companyId ? "channelsAdmin.error.vkAlreadyHere" : "channelsAdmin.error.vkElsewhere");
  if (input.line.kind === "existing") await findCompanyLine(ctx.db, ctx.companyId, input.line.lineId);

  let community: VkCommunity | undefined;
  let missing: VkRight[];
  try {
    community = await getVkKeyCommunity(accessToken);
    if (community?.id !== communityId) throw new DomainError("precondition_failed", "channelsAdmin.error.vkTokenOtherCommunity");
    missing = await missingVkRights(accessToken);
  } catch (error) {
    if (error instanceof VkApiError) throw keyRefusal(error);
    throw error;
  }
  if (missing.length > 0) return { status: "missing_rights", missing };

  const channelId = randomUUID();
  const now = new Date();
  try {
    await ctx.db.transaction(async (tx) => {
      const line = input.line.kind === "existing" ? await findCompanyLine(tx, ctx.companyId, input.line.lineId) : await createLineInline(tx, ctx.companyId, input.line.name);
      await tx.insert(channels).values({
        id: channelId,
        companyId: ctx.companyId,
        lineId: line.id,
        provider: "vk",
        name: community.name || `VK ${communityId}`,
        externalId: communityId,
        // Nothing arrives until the admin presses "Confirm" in VK: shown as waiting, not as Active.
        status: "stopped",
        statusReason: "awaiting_confirmation",
        statusSince: now,
        connectedAt: now,
        credentials: seal({ accessToken, secret }),
        settings: { vkConfirmationCode: confirmationCode, ...(community.screenName ? { username: community.screenName } : {}) },
      });
      await recordChannelHistory(tx, {
        companyId: ctx.companyId,
        channelId,
        actorUserId: actorUserId(ctx),
        action: "connected",
        detail: { line: line.name, community: communityId, lineCreated: input.line.kind === "new" },
      });
    });
  } catch (error) {
    if (isUniqueViolation(error, "channels_provider_external_unique")) throw new DomainError("conflict", "channelsAdmin.error.vkElsewhere");
    if (isUniqueViolation(error, "lines_company_name_unique")) throw new DomainError("conflict", "channelsAdmin.error.lineNameTaken");
    throw error;
  }
  logger.info("channels.connected", { companyId: ctx.companyId, channelId, provider: "vk", community: communityId });
  await announceChannel(ctx.companyId, { id: channelId, status: "stopped" });
  return { status: "connected", channelId, name: community.name || `VK ${communityId}`, webhookUrl: webhookUrlFor("vk", channelId) };
}
