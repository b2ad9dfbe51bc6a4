import { and, desc, eq, ne } from "drizzle-orm";
import type { Database } from "../../../db";
import { channels, contacts, conversations } from "../../../db/schema";
import { MetaApiError, passThreadControl } from "../../channels/meta/api";
import type { MetaCredentials } from "../../channels/meta/credentials";
import { open } from "../../crypto/secret-box";
import { DomainError, notFound } from "../../errors";
import { logger } from "../../log";
import type { ServiceContext } from "../context";
import { changed, userName, type ActionResult } from "./conversation-actions";
import { lastBotAppId } from "./handover";
import { userIdOf } from "./inbox-filters";
import { insertSystemNote } from "./system-note";

/** What the bot reads in the pass_thread_control webhook's `metadata`: who handed the thread back. */
export const PASS_TO_BOT_METADATA = "switchboard:operator_handback";

/**
 * F10 "Pass to bot": hands the customer's Meta thread back to the Page's bot — Graph's pass_thread_control
 * to the last app we saw owning the contact's thread — then the conversation is the bot's again (New,
 * unassigned, as every bot-owned thread), with a system note naming who passed it. Meta is asked first: if it
 * refuses, nothing changes here and the operator reads why.
 */
export async function passToBot({ ctx, input }: { ctx: ServiceContext & { db: Database }; input: { conversationId: string } }): Promise<ActionResult> {
  const userId = userIdOf(ctx);
  const [row] = await ctx.db
    .select({ conversation: conversations, contact: { externalId: contacts.externalId }, channel: { provider: channels.provider, externalId: channels.externalId, credentials: channels.credentials, settings: channels.settings } })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .innerJoin(channels, eq(channels.id, conversations.channelId))
    .where(and(eq(conversations.id, input.conversationId), eq(conversations.companyId, ctx.companyId)));
  if (!row) throw notFound("conversation");
  const { conversation, contact, channel } = row;
  if (channel.provider !== "messenger" && channel.provider !== "instagram") throw new DomainError("invalid", "inbox.error.passToBotNotMeta");
  if (conversation.status === "closed") return { outcome: { ok: false, reason: "closed", by: null }, realtime: [] };
  if (conversation.handler === "bot") return { outcome: { ok: true, changed: false }, realtime: [] };
  // Graph needs a PSID; a plugin user known only by user_ref cannot be handed over.
  if (contact.externalId.startsWith("user_ref:")) throw new DomainError("invalid", "inbox.error.passToBotNoPsid");

  const sessions = await ctx.db
    .select({ id: conversations.id })
    .from(conversations)
    .where(and(eq(conversations.contactId, conversation.contactId), eq(conversations.companyId, ctx.companyId)))
    .orderBy(desc(conversations.createdAt))
    .limit(200);
  const targetAppId = await lastBotAppId(ctx.db, ctx.companyId, sessions.map((s) => s.id));
  if (!targetAppId) throw new DomainError("precondition_failed", "inbox.error.botUnknown");

  // Instagram through the Messenger Platform is handed over on its linked Page, like its sends.
  const settings = channel.settings as { linkedPageId?: string };
  const node = channel.provider === "instagram" ? (settings.linkedPageId ?? "me") : channel.externalId;
  try {
    await passThreadControl(open<MetaCredentials>(channel.credentials).pageToken, node, { psid: contact.externalId, targetAppId, metadata: PASS_TO_BOT_METADATA });
  } catch (error) {
    if (!(error instanceof MetaApiError)) throw error;
    logger.warn("pass_thread_control refused", { companyId: ctx.companyId, conversationId: conversation.id, provider: channel.provider, code: error.providerError.code, subcode: error.providerError.subcode });
    throw new DomainError("unavailable", "inbox.error.passToBotFailed");
  }

  return ctx.db.transaction(async (tx) => {
    const [passed] = await tx
      .update(conversations)
      .set({ handler: "bot", status: "new", assigneeId: null })
      .where(and(eq(conversations.id, conversation.id), eq(conversations.companyId, ctx.companyId), ne(conversations.status, "closed"), eq(conversations.handler, "humans")))
      .returning();
    // Someone passed it (or the bot took it) meanwhile: Meta was told the same thing twice, which is harmless.
    if (!passed) return { outcome: { ok: true, changed: false }, realtime: [] };
    const name = (await userName(tx, ctx.companyId, userId)) ?? "";
    const noteId = await insertSystemNote(tx, passed, { code: "passed_to_bot", params: { name, owner: "app", app: targetAppId } });
    return {
      outcome: { ok: true, changed: true },
      realtime: changed(passed.id, noteId, [{ name: "conversation.status_changed", data: { conversationId: passed.id, status: "new" } }]),
    };
  });
}
