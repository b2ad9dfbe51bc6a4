import { env } from "../../env.js";
import { callVkApi } from "./api";

/**
 * Managing a community's Callback API servers through the API (protocols/telegram-vk.md §2.6), with the
 * community's own key. `secret_key` is sent, and read back only to compare it with ours: never logged or returned.
 */

/** groups_callback_server. */
export type VkCallbackServer = {
  id: number;
  title: string;
  url: string;
  status: string;
  secretKey?: string;
};

/** The title VK shows for our server in the community's settings (VK allows at most 14 characters). */
export const VK_CALLBACK_SERVER_TITLE = "Switchboard";

/** VK's error when a community already has 10 servers (api_error_callback_api_servers_limit). */
export const VK_SERVER_LIMIT_ERROR = 2000;

/** The events Switchboard handles (server/channels/vk/parse.ts), switched on for our server. */
export const VK_CALLBACK_EVENTS = ["message_new", "message_reply", "message_edit", "message_allow", "message_deny", "group_leave", "message_event"] as const;

const TIMEOUT_MS = 10_000;

export async function listVkCallbackServers(token: string, groupId: string): Promise<VkCallbackServer[]> {
  const answer = await callVkApi<{ items?: unknown }>(token, "groups.getCallbackServers", { group_id: groupId }, TIMEOUT_MS);
  const items = Array.isArray(answer?.items) ? (answer.items as unknown[]) : [];
  return items.flatMap((raw) => {
    if (typeof raw !== "object" || raw === null) return [];
    const s = raw as {
      id?: unknown;
      title?: unknown;
      url?: unknown;
      status?: unknown;
      secret_key?: unknown;
    };
    if (typeof s.id !== "number" || typeof s.url !== "string") return [];
    return [
      {
        id: s.id,
        title: typeof s.title === "string" ? s.title : "",
        url: s.url,
        status: String(s.status),
        ...(typeof s.secret_key === "string" ? { secretKey: s.secret_key } : {}),
      },
    ];
  });
}

const STATUS_RANK: Record<string, number> = {
  ok: 0,
  wait: 1,
  unconfigured: 2,
  failed: 3,
};

/** Ours is the server whose url is our webhook URL; with several, the one in the best state (VK sends to each). */
export function ourVkCallbackServer(servers: VkCallbackServer[], webhookUrl: string): VkCallbackServer | undefined {
  return servers.filter((s) => s.url === webhookUrl).sort((a, b) => (STATUS_RANK[a.status] ?? 4) - (STATUS_RANK[b.status] ?? 4))[0];
}

/** groups.getCallbackConfirmationCode → the string VK expects for servers configured through the API. */
export async function getVkConfirmationCode(token: string, groupId: string): Promise<string | undefined> {
  const answer = await callVkApi<{ code?: unknown }>(token, "groups.getCallbackConfirmationCode", { group_id: groupId }, TIMEOUT_MS);
  return typeof answer?.code === "string" && answer.code ? answer.code : undefined;
}

/** groups.addCallbackServer → the new server's id; VK then sends its `confirmation` request to the url. */
export async function addVkCallbackServer(token: string, groupId: string, url: string, secret: string): Promise<number> {
  const answer = await callVkApi<{ server_id?: unknown }>(
    token,
    "groups.addCallbackServer",
    {
      group_id: groupId,
      url,
      title: VK_CALLBACK_SERVER_TITLE,
      secret_key: secret,
    },
    TIMEOUT_MS,
  );
  if (typeof answer?.server_id !== "number") throw new Error("groups.addCallbackServer answered without a server_id");
  return answer.server_id;
}

/** groups.editCallbackServer: re-saving a server has VK confirm it again (how a `failed` server is switched back on). */
export async function editVkCallbackServer(token: string, groupId: string, serverId: number, url: string, secret: string): Promise<void> {
  await callVkApi<unknown>(
    token,
    "groups.editCallbackServer",
    {
      group_id: groupId,
      server_id: serverId,
      url,
      title: VK_CALLBACK_SERVER_TITLE,
      secret_key: secret,
    },
    TIMEOUT_MS,
  );
}

/** groups.setCallbackSettings: the events we handle on, the API version pinned to the one the app speaks. */
export async function setVkCallbackSettings(token: string, groupId: string, serverId: number): Promise<void> {
  const events = Object.fromEntries(VK_CALLBACK_EVENTS.map((e) => [e, 1]));
  await callVkApi<unknown>(
    token,
    "groups.setCallbackSettings",
    {
      group_id: groupId,
      server_id: serverId,
      api_version: env().VK_API_VERSION,
      ...events,
    },
    TIMEOUT_MS,
  );
}
