import { and, eq, isNull, sql } from "drizzle-orm";
import type { Database } from "../../../db";
import { channelIncidents, channels } from "../../../db/schema";
import type { VkCredentials } from "../../channels/vk/credentials";
import { VkApiError } from "../../channels/vk/api";
import {
  addVkCallbackServer,
  editVkCallbackServer,
  getVkConfirmationCode,
  listVkCallbackServers,
  ourVkCallbackServer,
  setVkCallbackSettings,
  VK_SERVER_LIMIT_ERROR,
  type VkCallbackServer,
} from "../../channels/vk/callback-servers";
import { paceVkCall } from "../../channels/vk/pace";
import { getVkKeyCommunity, missingVkRights, type VkCommunity } from "../../channels/vk/permissions";
import { open, seal } from "../../crypto/secret-box";
import { DomainError } from "../../errors";
import { kickJobs } from "../../queue/kick-jobs";
import { logger } from "../../log";
import type { ServiceContext } from "../context";
import { actorUserId, announceChannel, webhookUrlFor, type Channel } from "./channel-records";
import { markChannelRestored } from "./mark-channel-restored";
import { startHistoryRecovery } from "./history-recovery";
import { forgetWebhookChannel } from "../../ingest/channel-cache";

export type ReconnectVkInput = {
  /** A new community access key (of the same community), when the old one was deleted. */
  accessToken?: string;
  /** A new confirmation string, when the admin set the server up again in VK. */
  confirmationCode?: string;
  /** A new secret key; our callback server is re-saved with it. */
  secret?: string;
};

export type ReconnectVkResult = {
  status: "active";
  reconnectedAt: Date;
  pendingUpdates: null;
  /** The history recovery queued for what customers wrote while the community was lost (its Details page shows it). */
  recoveryId: string;
};

/** How far before the incident opened the recovery looks: VK retries a failed event for about 1 h 43 min before giving up. */
export const VK_RECOVERY_MARGIN_MS = 2 * 3600_000;
/** VK history recovered after a reconnect (seed 003): the last 24 hours. */
export const VK_RECOVERY_WINDOW_MS = 24 * 3600_000;
/** Waiting for VK to confirm a (re-)saved server: a few checks, a short pause between. */
const CONFIRM_CHECKS = 10;
const CONFIRM_PAUSE_MS = 300;

const refused = (key: string, detail?: string) => new DomainError("precondition_failed", key, detail);
const unreachable = () => new DomainError("unavailable", "health.reconnect.vkUnreachable");

/** VK errors that say "VK did not answer properly" rather than "this key is wrong": network, 1, 6, 9, 10. */
const TRANSIENT_CODES = new Set([1, 6, 9, 10]);
const isTransient = (error: VkApiError) => {
  const code = error.providerError.code;
  return code === undefined || (typeof code === "number" && TRANSIENT_CODES.has(code));
};

/** A refusal while checking the key: VK down, or the key itself rejected (error 5, 27 invalid session, …). */
function keyRefusal(error: unknown): unknown {
  if (!(error instanceof VkApiError)) return error;
  return isTransient(error) ? unreachable() : refused("health.reconnect.vkTokenInvalid", `VK error ${String(error.providerError.code)}`);
}

/** A refusal while managing callback servers: the key may be valid but lack the right to manage the community. */
function serverRefusal(error: unknown): unknown {
  if (!(error instanceof VkApiError)) return error;
  if (isTransient(error)) return unreachable();
  const code = error.providerError.code;
  if (code === 5) return refused("health.reconnect.vkTokenInvalid", "VK error 5");
  if (code === VK_SERVER_LIMIT_ERROR) return refused("health.reconnect.vkServerLimit");
  return refused("health.reconnect.vkCannotManage", `VK error ${String(code)}`);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Reconnect of a VK community (F2, F8; protocols/telegram-vk.md §2.6, §2.7, §2.11): the key is checked again
 * (groups.getById: valid, the same community; groups.getTokenPermissions: messages, photos, docs), then our
 * callback server — the one whose url is this channel's webhook URL:
 * - missing: added (groups.addCallbackServer with our secret) and its events switched on (setCallbackSettings);
 * - `failed` (VK switched it off after failed deliveries), unconfirmed, or holding another secret: re-saved
 *   (groups.editCallbackServer), which has VK confirm it again.
 * VK's confirmation request is answered by our webhook with the code of groups.getCallbackConfirmationCode (the
 * code VK expects for servers set up through the API), stored before the server is saved. Then
 * getCallbackServers must show `ok`. The admin may replace the key, the confirmation string or the secret in
 * the same step; a replaced key must be of the same community. On success the channel is active again and the
 * messages customers wrote while it was down (the last 24 hours at most) are recovered from VK's history.
 */
export async function reconnectVkCommunity(ctx: ServiceContext & { db: Database }, channel: Channel, input: ReconnectVkInput): Promise<ReconnectVkResult> {
  const current = open<VkCredentials>(channel.credentials);
  const accessToken = input.accessToken?.trim() || current.accessToken;
  const secret = input.secret?.trim() || current.secret;
  const confirmationCode = input.confirmationCode?.trim() || channel.settings.vkConfirmationCode;
  if (!/^[A-Za-z0-9]{1,50}$/.test(secret)) throw new DomainError("invalid", "health.reconnect.vkSecretInvalid");
  const groupId = channel.externalId;
  const pace = () => paceVkCall(channel.id);

  let community: VkCommunity | undefined;
  try {
    await pace();
    community = await getVkKeyCommunity(accessToken);
  } catch (error) {
    throw keyRefusal(error);
  }
  if (!community || community.id !== groupId) {
    throw refused("health.reconnect.vkOtherCommunity", `key of community ${community?.id ?? "(none)"}, expected ${groupId}`);
  }
  try {
    await pace();
    const missing = await missingVkRights(accessToken);
    if (missing.length > 0) throw refused("health.reconnect.vkMissingRights", `missing ${missing.join(", ")}`);
  } catch (error) {
    throw keyRefusal(error);
  }

  const webhookUrl = webhookUrlFor("vk", channel.id);
  const servers = async () => {
    await pace();
    return listVkCallbackServers(accessToken, groupId);
  };
  let ours: VkCallbackServer | undefined;
  try {
    ours = ourVkCallbackServer(await servers(), webhookUrl);
  } catch (error) {
    throw serverRefusal(error);
  }
  const needsSave = !ours || ours.status !== "ok" || (ours.secretKey !== undefined && ours.secretKey !== secret);

  // For a server saved through the API VK expects the API's confirmation code, not the one its site shows.
  let code = confirmationCode;
  if (needsSave) {
    try {
      await pace();
      code = (await getVkConfirmationCode(accessToken, groupId)) ?? code;
    } catch (error) {
      if (!(error instanceof VkApiError)) throw error;
      logger.warn("channels.vk_confirmation_code_unavailable", {
        companyId: ctx.companyId,
        channelId: channel.id,
        code: error.providerError.code ?? null,
      });
    }
  }
  // Stored before the server is saved: the webhook answers VK's confirmation request from these.
  if (accessToken !== current.accessToken || secret !== current.secret || code !== channel.settings.vkConfirmationCode) {
    await ctx.db
      .update(channels)
      .set({
        credentials: seal({ accessToken, secret } satisfies VkCredentials),
        ...(code
          ? {
              settings: sql`${channels.settings} || ${JSON.stringify({ vkConfirmationCode: code })}::jsonb`,
            }
          : {}),
        updatedAt: new Date(),
      })
      .where(and(eq(channels.id, channel.id), eq(channels.companyId, ctx.companyId)));
    forgetWebhookChannel(channel.id); // the webhook checks the new secret and answers the new code from now on
  }

  if (needsSave) {
    try {
      await pace();
      const serverId = ours ? ours.id : await addVkCallbackServer(accessToken, groupId, webhookUrl, secret);
      if (ours) await editVkCallbackServer(accessToken, groupId, ours.id, webhookUrl, secret);
      await pace();
      await setVkCallbackSettings(accessToken, groupId, serverId);
      logger.info("channels.vk_callback_saved", {
        companyId: ctx.companyId,
        channelId: channel.id,
        serverId,
        added: !ours,
        was: ours?.status ?? "missing",
      });
      for (let check = 0; ; check++) {
        ours = ourVkCallbackServer(await servers(), webhookUrl);
        if (ours?.status === "ok") break;
        if (!ours || ours.status === "failed" || check + 1 >= CONFIRM_CHECKS) {
          throw refused("health.reconnect.vkNotConfirmed", `callback server status ${ours?.status ?? "missing"}`);
        }
        await pause(CONFIRM_PAUSE_MS);
      }
    } catch (error) {
      throw serverRefusal(error);
    }
  }

  const [incident] = await ctx.db
    .select({ openedAt: channelIncidents.openedAt })
    .from(channelIncidents)
    .where(and(eq(channelIncidents.channelId, channel.id), isNull(channelIncidents.resolvedAt)));
  const now = new Date();
  const { incidentId } = await ctx.db.transaction(async (tx) => {
    await tx
      .update(channels)
      .set({
        settings: sql`${channels.settings} || ${JSON.stringify(community.screenName ? { username: community.screenName } : {})}::jsonb`,
        updatedAt: now,
      })
      .where(and(eq(channels.id, channel.id), eq(channels.companyId, ctx.companyId)));
    return markChannelRestored(tx, channel.id, "reconnected", {
      byUserId: actorUserId(ctx),
      now,
      emailLater: true, // it counts what the history recovery below brings back
    });
  });
  await announceChannel(ctx.companyId, { id: channel.id, status: "active" });

  // What customers wrote while the server was off: back to the incident's start (less VK's retry span), 24 h at most.
  // Recovered by a durable job (history-recovery.ts), so the admin does not wait for it; its progress shows on Details.
  const since = Math.max(now.getTime() - VK_RECOVERY_WINDOW_MS, incident ? incident.openedAt.getTime() - VK_RECOVERY_MARGIN_MS : 0);
  const recoveryId = await startHistoryRecovery(ctx.db, { companyId: ctx.companyId, channelId: channel.id, incidentId, window: { since: new Date(since), until: now } });
  kickJobs(); // the replies that waited for this reconnect
  return {
    status: "active",
    reconnectedAt: now,
    pendingUpdates: null,
    recoveryId,
  };
}
