/**
 * Handover diagnostics for a Messenger Page (F11, seed 002): which app controls its latest thread (thread_owner),
 * which other apps are connected to the Page (subscribed_apps), and what that means for passing and taking
 * thread control under conversation routing (protocols/meta.md §3). Read-only on Facebook (the other apps' names are
 * kept on the channel for the inbox); the Page token stays here.
 */
import { and, desc, eq } from "drizzle-orm";
import { channels, contacts, conversations } from "../../db/schema";
import type { MetaCredentials } from "../channels/meta/credentials";
import { open } from "../crypto/secret-box";
import { env } from "../env.js";
import { DomainError } from "../errors";
import type { ServiceContext } from "../services/context";
import { findCompanyChannel } from "../services/channels/channel-records";
import { graphReason } from "./checks";
import { getSubscribedApps, getThreadOwner } from "../channels/meta/graph";
import { INSTAGRAM_INBOX_APP_ID, otherMessagingApps, PAGE_INBOX_APP_IDS } from "../channels/meta/permissions";

export type ThreadOwner = "us" | "page_inbox" | "instagram_inbox" | "other" | "idle";

export function ownerKind(appId: string | null, ourAppId: string | undefined): ThreadOwner {
  if (!appId) return "idle";
  if (appId === ourAppId) return "us";
  if ((PAGE_INBOX_APP_IDS as readonly string[]).includes(appId)) return "page_inbox";
  if (appId === INSTAGRAM_INBOX_APP_ID) return "instagram_inbox";
  return "other";
}

export type HandoverDiagnosis =
  | {
      ok: true;
      thread: { contactName: string; owner: ThreadOwner; appId: string | null } | null;
      otherApps: { id: string; name: string }[];
      /** Pass works while we control the thread or it is idle; take needs us to be the default app. */
      canPass: "yes" | "when_idle";
    }
  | { ok: false; reason: string };

export async function diagnoseHandover({ ctx, input }: { ctx: ServiceContext; input: { channelId: string } }): Promise<HandoverDiagnosis> {
  const channel = await findCompanyChannel(ctx.db, ctx.companyId, input.channelId);
  if (channel.provider !== "messenger") throw new DomainError("invalid", "metaWizard.error.notMeta");
  const ourAppId = env().META_APP_ID;
  const { pageToken } = open<MetaCredentials>(channel.credentials);
  try {
    const apps = await getSubscribedApps(pageToken, channel.externalId);
    // Learned names are kept on the channel: the inbox says which app owns a thread.
    await ctx.db
      .update(channels)
      .set({ settings: { ...channel.settings, pageApps: otherMessagingApps(apps, ourAppId) } })
      .where(and(eq(channels.id, channel.id), eq(channels.companyId, ctx.companyId)));
    const [latest] = await ctx.db
      .select({ psid: contacts.externalId, name: contacts.displayName })
      .from(conversations)
      .innerJoin(contacts, eq(contacts.id, conversations.contactId))
      .where(and(eq(conversations.companyId, ctx.companyId), eq(conversations.channelId, channel.id)))
      .orderBy(desc(conversations.lastMessageAt))
      .limit(1);
    let thread: { contactName: string; owner: ThreadOwner; appId: string | null } | null = null;
    if (latest) {
      const owner = await getThreadOwner(pageToken, channel.externalId, latest.psid);
      thread = { contactName: latest.name, owner: ownerKind(owner.appId, ourAppId), appId: owner.appId };
    }
    return {
      ok: true,
      thread,
      otherApps: apps.filter((a) => a.id !== ourAppId).map((a) => ({ id: a.id, name: a.name })),
      canPass: thread?.owner === "us" ? "yes" : "when_idle",
    };
  } catch (error) {
    return { ok: false, reason: graphReason(error) };
  }
}
