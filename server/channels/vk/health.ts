import type { ProviderError } from "../../../db/schema";
import type { ChannelAdapter, HealthReport } from "../types";
import type { VkCredentials } from "./credentials";
import { callVkApi, VkApiError } from "./api";
import { classifyVkError } from "./classify";

type HealthTarget = Parameters<NonNullable<ChannelAdapter<VkCredentials>["probeHealth"]>>[1];

/** groups_group_full, the fields read here. */
type VkGroup = { id?: unknown; name?: unknown; screen_name?: unknown };
/** groups_callback_server (VKCOM/vk-api-schema groups/objects.json). `secret_key` is never read or reported. */
type VkCallbackServer = { id?: unknown; title?: unknown; url?: unknown; status?: unknown };

const PROBE_TIMEOUT_MS = 10_000;

/**
 * A VK refusal during the probe, through the send path's classifier: a dead key (5, 27 "invalid session") or a
 * missing right (7, 15) stays connection_lost. Anything else (network, 6/9 rate limits, 1/10 VK's own failures,
 * a code the send path would call the message's fault) is `degraded` with the classifier's reason: it does not
 * show that the connection is gone, and the next probe asks again.
 */
function fromRefusal(providerError: ProviderError): HealthReport {
  const classified = classifyVkError(providerError);
  return { status: classified.class === "connection_lost" ? "connection_lost" : "degraded", reason: classified.reason, providerError };
}

/** groups.getById's answer: `{groups, profiles}` since API 5.139 (5.199 is pinned); a bare array before. */
function groupsOf(answer: unknown): VkGroup[] {
  if (Array.isArray(answer)) return answer as VkGroup[];
  const groups = typeof answer === "object" && answer !== null ? (answer as { groups?: unknown }).groups : undefined;
  return Array.isArray(groups) ? (groups as VkGroup[]) : [];
}

/** One server per URL is expected; if the admin has several with our URL, the best status decides (VK sends to each). */
const STATUS_RANK: Record<string, number> = { ok: 0, wait: 1, unconfigured: 2, failed: 3 };
const rank = (s: VkCallbackServer) => STATUS_RANK[String(s.status)] ?? 4;

const describeServer = (s: VkCallbackServer) => `callback server ${String(s.id)} "${typeof s.title === "string" ? s.title : ""}" has status ${String(s.status)}`;

/**
 * Is the community's connection working? groups.getById (no parameters: with a community key it answers the
 * key's own community) checks the key; groups.getCallbackServers that VK still sends events to our URL
 * (protocols/telegram-vk.md §2.2, §2.6, §2.7):
 * - no server with our URL: callback_missing, connection_lost (nothing reaches us).
 * - status "failed": callback_failed, connection_lost. VK documents the enum (unconfigured/failed/wait/ok) but
 *   not its meanings; reading "failed" as "VK stopped sending after repeated errors or a failed confirmation"
 *   is our inference, matching the documented "temporarily stops sending" after several errors in a row.
 * - "unconfigured" / "wait" (again inferred: not confirmed yet): degraded callback_missing.
 * - "ok": healthy.
 */
export async function probeVkHealth(credentials: VkCredentials, target: HealthTarget): Promise<HealthReport> {
  let group: VkGroup | undefined;
  let servers: VkCallbackServer[];
  try {
    group = groupsOf(await callVkApi<unknown>(credentials.accessToken, "groups.getById", {}, PROBE_TIMEOUT_MS))[0];
    if (!group || String(group.id) !== target.externalId) {
      // The key works but belongs to another community: events and sends for this one would be refused.
      return {
        status: "connection_lost",
        reason: "permission_missing",
        providerError: { description: `groups.getById: the access key belongs to community ${group ? String(group.id) : "(none)"}, not ${target.externalId}` },
      };
    }
    const answer = await callVkApi<{ items?: unknown }>(credentials.accessToken, "groups.getCallbackServers", { group_id: target.externalId }, PROBE_TIMEOUT_MS);
    servers = Array.isArray(answer?.items) ? (answer.items as VkCallbackServer[]) : [];
  } catch (error) {
    if (error instanceof VkApiError) return fromRefusal(error.providerError);
    throw error;
  }

  const ours = servers.filter((s) => typeof s === "object" && s !== null && s.url === target.webhookUrl).sort((a, b) => rank(a) - rank(b))[0];
  if (!ours) {
    return {
      status: "connection_lost",
      reason: "callback_missing",
      providerError: { description: `groups.getCallbackServers: no callback server with this address (${servers.length} registered)` },
    };
  }
  switch (ours.status) {
    case "ok":
      return {
        status: "healthy",
        account: { id: String(group.id), name: typeof group.name === "string" ? group.name : "", ...(typeof group.screen_name === "string" && group.screen_name ? { username: group.screen_name } : {}) },
      };
    case "failed":
      return { status: "connection_lost", reason: "callback_failed", providerError: { description: describeServer(ours) } };
    default:
      // "unconfigured", "wait", or a status VK added since the schema: events are not confirmed to flow.
      return { status: "degraded", reason: "callback_missing", providerError: { description: describeServer(ours) } };
  }
}
