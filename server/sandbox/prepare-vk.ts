import { eq } from "drizzle-orm";
import type { Database } from "../../db";
import { channels } from "../../db/schema";
import type { VkCredentials } from "../channels/vk/credentials";
import { open } from "../crypto/secret-box";
import type { VkFake } from "./vk-fake";

/**
 * Makes the VK fake agree with the database, as real VK would for real communities: each connected community
 * exists with its key and the confirmation string the app stored, and a community that was confirmed has its
 * callback server pointing at this app with its secret, working — so the sandbox can write as a VK customer
 * and health probes find the truth. One that still waits for "Confirm" has no server yet.
 */
export async function prepareVkFake(db: Database, fake: Pick<VkFake, "communities" | "confirmationCodes" | "callbackServers">, appUrl: string): Promise<void> {
  const rows = await db.select().from(channels).where(eq(channels.provider, "vk"));
  let nextId = Math.max(0, ...fake.callbackServers.map((s) => s.id)) + 1;
  for (const row of rows) {
    const id = Number(row.externalId);
    if (!Number.isSafeInteger(id) || id <= 0) continue;
    const { accessToken, secret } = open<VkCredentials>(row.credentials);
    fake.communities.set(accessToken, { id, name: row.name, screenName: row.settings.username ?? `club${id}` });
    if (row.settings.vkConfirmationCode) fake.confirmationCodes.set(id, row.settings.vkConfirmationCode);
    if (row.statusReason === "awaiting_confirmation") continue;
    const url = `${appUrl}/api/webhooks/vk/${row.id}`;
    if (fake.callbackServers.some((s) => s.group_id === id && s.url === url)) continue;
    fake.callbackServers.push({ id: nextId++, title: "Switchboard", creator_id: 1, url, secret_key: secret ?? "", status: row.status === "disconnected" ? "failed" : "ok", group_id: id });
  }
}
