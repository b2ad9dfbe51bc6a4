import { callVkApi } from "./api";

/** The community key's rights Switchboard needs (seed 003): messages to answer, photos and docs for attachments. */
export const VK_REQUIRED_RIGHTS = ["messages", "photos", "docs"] as const;
export type VkRight = (typeof VK_REQUIRED_RIGHTS)[number];

/** groups_group_full, the fields read when a community is connected. */
export type VkCommunity = { id: string; name: string; screenName?: string };

/** groups.getById with no parameters: a community key answers its own community (`{groups, profiles}` since 5.139). */
export async function getVkKeyCommunity(token: string): Promise<VkCommunity | undefined> {
  const answer = await callVkApi<unknown>(token, "groups.getById", {}, 10_000);
  const list = Array.isArray(answer) ? answer : typeof answer === "object" && answer !== null ? (answer as { groups?: unknown }).groups : undefined;
  const group = Array.isArray(list) ? (list[0] as { id?: unknown; name?: unknown; screen_name?: unknown } | undefined) : undefined;
  if (!group || group.id === undefined) return undefined;
  return {
    id: String(group.id),
    name: typeof group.name === "string" ? group.name : "",
    ...(typeof group.screen_name === "string" && group.screen_name ? { screenName: group.screen_name } : {}),
  };
}

/**
 * groups.getTokenPermissions → `{mask, permissions: [{setting, name}]}`: which of the required rights the key
 * lacks, by name (empty when it has them all).
 */
export async function missingVkRights(token: string): Promise<VkRight[]> {
  const answer = await callVkApi<{ mask?: unknown; permissions?: unknown }>(token, "groups.getTokenPermissions", {}, 10_000);
  const names = new Set(
    (Array.isArray(answer?.permissions) ? answer.permissions : [])
      .map((p: unknown) => (typeof p === "object" && p !== null ? (p as { name?: unknown }).name : undefined))
      .filter((n: unknown): n is string => typeof n === "string"),
  );
  return VK_REQUIRED_RIGHTS.filter((right) => !names.has(right));
}
