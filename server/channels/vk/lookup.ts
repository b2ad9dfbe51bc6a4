import { callVkApi } from "./api";
import { VK_CHAT_PEER_OFFSET } from "./parse";

export type VkContactProfile = { displayName: string; username?: string };

/** users.get's user object, the fields read here (users_user_full in VKCOM/vk-api-schema). */
type VkUser = { id?: unknown; first_name?: unknown; last_name?: unknown; screen_name?: unknown; deactivated?: unknown };
/** messages.getConversationsById's answer: {count, items: [conversation]}, with chat_settings on chats. */
type VkConversations = { items?: Array<{ peer?: { id?: unknown }; chat_settings?: { title?: unknown } }> };

const text = (v: unknown) => (typeof v === "string" ? v.trim() : "");

/**
 * A private contact's name from users.get: "first_name last_name", and screen_name as the username (VK's
 * short address; "id123" when the user set none). A deleted account comes back as first_name "DELETED"
 * with `deactivated: "deleted"`, which is no name: the placeholder is better.
 */
export function profileFromUsers(users: unknown, userId: string): VkContactProfile | undefined {
  if (!Array.isArray(users)) return undefined;
  const user = (users as VkUser[]).find((u) => typeof u === "object" && u !== null && String(u.id) === userId);
  if (!user || user.deactivated === "deleted") return undefined;
  const displayName = [text(user.first_name), text(user.last_name)].filter(Boolean).join(" ");
  if (!displayName) return undefined;
  const username = text(user.screen_name);
  return username ? { displayName, username } : { displayName };
}

/** A group chat's name: its title from messages.getConversationsById's chat_settings. */
export function profileFromConversations(answer: unknown, peerId: string): VkContactProfile | undefined {
  const items = typeof answer === "object" && answer !== null ? (answer as VkConversations).items : undefined;
  if (!Array.isArray(items)) return undefined;
  const item = items.find((c) => typeof c === "object" && c !== null && String(c.peer?.id) === peerId);
  const title = text(item?.chat_settings?.title);
  return title ? { displayName: title } : undefined;
}

/** Which lookup a contact gets: users are 1 … 2·10⁹−1, chats 2·10⁹ + chat_id; communities (negative) have none here. */
export function vkLookupKind(externalId: string, chatKind: "private" | "group"): "user" | "chat" | undefined {
  if (!/^\d+$/.test(externalId)) return undefined;
  const id = Number(externalId);
  if (chatKind === "group") return id >= VK_CHAT_PEER_OFFSET ? "chat" : undefined;
  return id > 0 && id < VK_CHAT_PEER_OFFSET ? "user" : undefined;
}

/**
 * The contact's name from VK, once per new contact (fill-contact-profiles). Any refusal or failure (a
 * private profile, error 917 for a chat the community cannot see, a timeout) answers undefined: the
 * contact keeps its "id…" / "VK chat …" placeholder and no VK error ever reaches the caller.
 */
export async function lookupVkContact(token: string, groupId: string, contact: { externalId: string; chatKind: "private" | "group" }): Promise<VkContactProfile | undefined> {
  const kind = vkLookupKind(contact.externalId, contact.chatKind);
  try {
    if (kind === "user") {
      const users = await callVkApi<unknown>(token, "users.get", { user_ids: contact.externalId, fields: "screen_name" }, 10_000);
      return profileFromUsers(users, contact.externalId);
    }
    if (kind === "chat") {
      const answer = await callVkApi<unknown>(token, "messages.getConversationsById", { peer_ids: contact.externalId, group_id: groupId }, 10_000);
      return profileFromConversations(answer, contact.externalId);
    }
  } catch {
    return undefined;
  }
  return undefined;
}
