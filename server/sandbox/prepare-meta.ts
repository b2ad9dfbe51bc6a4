import { inArray } from "drizzle-orm";
import type { Database } from "../../db";
import { channels } from "../../db/schema";
import type { MetaCredentials } from "../channels/meta/credentials";
import { open } from "../crypto/secret-box";
import { SUBSCRIBED_FIELDS } from "../channels/meta/permissions";
import type { MetaWorld } from "./meta-world";

import { SANDBOX_BOT_APP } from "../services/sandbox/messenger-sandbox";

export { SANDBOX_BOT_APP };

/**
 * Makes the Meta fake's "Facebook" agree with the database, as real Facebook would for real Pages: each
 * company's Messenger Page exists with its Instagram account linked, "Alex Admin" manages all of them and
 * "Sam Helper" only a Page of his own (the wrong profile to sign in with), a working Page's stored token works
 * and lists our app among its subscribed apps, and the bot app owns the thread it handles.
 */
export async function prepareMetaFake(db: Database, world: MetaWorld, opts: { companyIds?: string[] } = {}): Promise<void> {
  const all = await db.select().from(channels).where(inArray(channels.provider, ["messenger", "instagram"]));
  // Browser tests seed many companies with the same demo Page names: only the named ones exist on "Facebook".
  const rows = opts.companyIds ? all.filter((c) => opts.companyIds!.includes(c.companyId)) : all;
  const admin: Record<string, string[]> = {};
  const byCompany = new Map<string, typeof rows>();
  for (const row of rows) byCompany.set(row.companyId, [...(byCompany.get(row.companyId) ?? []), row]);
  for (const list of byCompany.values()) {
    const pages = list.filter((c) => c.provider === "messenger");
    const accounts = list.filter((c) => c.provider === "instagram");
    for (const [i, account] of accounts.entries()) {
      const pageRow = pages[i] ?? pages[0];
      const pageId = account.settings.linkedPageId ?? pageRow?.externalId ?? `${account.externalId}-page`;
      if (!world.pages.has(pageId)) world.addPage({ id: pageId, name: pageRow?.name ?? `${account.name} Page` });
      world.pages.get(pageId)!.instagram = { id: account.externalId, username: account.settings.username ?? account.name.replace(/^@/, "") };
      admin[pageId] = ["ANALYZE", "ADVERTISE", "MODERATE", "CREATE_CONTENT", "MESSAGING", "MANAGE"];
    }
    for (const page of pages) {
      if (!world.pages.has(page.externalId)) world.addPage({ id: page.externalId, name: page.name });
      admin[page.externalId] = ["ANALYZE", "ADVERTISE", "MODERATE", "CREATE_CONTENT", "MESSAGING", "MANAGE"];
      if (page.status === "active") {
        const { pageToken } = open<MetaCredentials>(page.credentials);
        if (!world.pageTokens.has(pageToken)) world.registerPageToken(pageToken, page.externalId);
        world.subscribe(page.externalId, world.appId, "Switchboard", [...SUBSCRIBED_FIELDS]);
      } else if (page.status === "disconnected" && typeof page.providerError?.subcode === "number") {
        // Lost to a Graph auth error (190 with a subcode: 460 password changed, 458 app removed…): "Facebook" keeps
        // answering it, so a health probe finds the same cause the database holds rather than an unknown token.
        const { pageToken } = open<MetaCredentials>(page.credentials);
        if (!world.pageTokens.has(pageToken)) world.registerPageToken(pageToken, page.externalId);
        world.revoke(pageToken, page.providerError.subcode);
      }
      world.subscribe(page.externalId, SANDBOX_BOT_APP.id, SANDBOX_BOT_APP.name, ["messages", "messaging_postbacks", "standby", "messaging_handovers"]);
      // The bot owns the thread it handles, unless a handover the sandbox remembers since said otherwise.
      const thread = `${page.externalId}:psid-1001`;
      if (!world.threadOwners.has(thread)) world.threadOwners.set(thread, SANDBOX_BOT_APP.id);
    }
  }
  world.addPage({ id: "sandbox-sam-bakery", name: "Sam's Bakery" });
  world.addProfile({ id: "sandbox-profile-alex", name: "Alex Admin", pages: admin });
  world.addProfile({ id: "sandbox-profile-sam", name: "Sam Helper", pages: { "sandbox-sam-bakery": ["MANAGE", "MESSAGING"] } });
}
