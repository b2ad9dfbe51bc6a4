import { aliasedTable, and, desc, eq, inArray, sql } from "drizzle-orm";
import { channels, contacts, conversations, lines, messages, teams, users } from "../../../db/schema";
import { notFound } from "../../errors";
import type { ServiceContext } from "../context";
import { composerState } from "./composer-state";
import { handoverState } from "./handover";
import { parseCursor } from "./inbox-filters";

export type ThreadInput = { conversationId: string; before?: string | null; limit?: number };

/** Sessions shown at most (each a conversation of the same contact, F9): older ones are rarely read. */
const MAX_SESSIONS = 200;

/**
 * One conversation with its contact, channel (health included, no credentials), line, assignee, what the composer
 * may do, and one keyset page of the contact's history across all their sessions: the newest page first, then
 * older pages by `before` (the page's `olderCursor`). Messages in a page run oldest to newest.
 */
export async function getThread({ ctx, input }: { ctx: ServiceContext; input: ThreadInput }) {
  const assignee = aliasedTable(users, "assignee");
  const [row] = await ctx.db
    .select({
      conversation: conversations,
      contact: {
        id: contacts.id,
        displayName: contacts.displayName,
        username: contacts.username,
        chatKind: contacts.chatKind,
        bannedAt: contacts.bannedAt,
        blockedUsAt: contacts.blockedUsAt,
        // How many contacts its person has (merged across channels; 1 when none): an admin may erase them all.
        personContacts: sql<number>`(select count(*)::int from contacts person where person.company_id = ${contacts.companyId} and person.person_id = ${contacts.personId})`,
      },
      channel: { id: channels.id, name: channels.name, provider: channels.provider, status: channels.status, statusReason: channels.statusReason, settings: channels.settings },
      line: { id: lines.id, name: lines.name },
      assignee: { id: assignee.id, name: assignee.name },
      team: { id: teams.id, name: teams.name },
    })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .innerJoin(channels, eq(channels.id, conversations.channelId))
    .leftJoin(lines, eq(lines.id, conversations.lineId))
    .leftJoin(assignee, eq(assignee.id, conversations.assigneeId))
    .leftJoin(teams, eq(teams.id, conversations.teamId))
    .where(and(eq(conversations.id, input.conversationId), eq(conversations.companyId, ctx.companyId)));
  if (!row) throw notFound("conversation");

  const sessions = await ctx.db
    .select({ id: conversations.id, status: conversations.status, createdAt: conversations.createdAt, closedAt: conversations.closedAt, lineName: lines.name })
    .from(conversations)
    .leftJoin(lines, eq(lines.id, conversations.lineId))
    .where(and(eq(conversations.contactId, row.contact.id), eq(conversations.companyId, ctx.companyId)))
    .orderBy(desc(conversations.createdAt))
    .limit(MAX_SESSIONS);
  if (!sessions.some((s) => s.id === row.conversation.id)) sessions.push({ id: row.conversation.id, status: row.conversation.status, createdAt: row.conversation.createdAt, closedAt: row.conversation.closedAt, lineName: row.line?.name ?? null });

  const limit = Math.min(Math.max(input.limit ?? 50, 1), 200);
  const ids = sessions.map((s) => s.id);
  // Thread order is (sort_key, created_at, id): provider order first. The cursor names the oldest message shown
  // (its time and id); its place in that order is read back by id.
  const before = parseCursor(input.before);
  let olderThan = sql``;
  if (before) {
    const [mark] = (await ctx.db.execute(
      sql`select b.sort_key::text as sort_key from ${messages} b where b.id = ${before.id}::uuid and b.company_id = ${ctx.companyId}`,
    )) as unknown as { sort_key: string }[];
    olderThan = mark
      ? sql`and (x.sort_key, x.created_at, x.id) < (${mark.sort_key}::numeric, ${before.at}::timestamptz, ${before.id}::uuid)`
      : sql`and (x.created_at, x.id) < (${before.at}::timestamptz, ${before.id}::uuid)`;
  }
  // Newest first from each session through its (conversation_id, sort_key) index, then merged: a page costs at most
  // `limit` rows per session however long the history is. Each session is its own branch with its id as a value
  // (the planner then knows a long conversation from its statistics), read in the index's own order (ties on
  // sort_key kept, so the full order is settled on the page's rows only): never the whole conversation sorted.
  const perSession = ids.map(
    (id) => sql`(select x.id, x.sort_key, x.created_at from ${messages} x
      where x.conversation_id = ${id}::uuid and x.company_id = ${ctx.companyId} ${olderThan}
      order by x.sort_key desc fetch first ${limit + 1} rows with ties)`,
  );
  const page = (await ctx.db.execute(sql`
    select m.id, to_char(m.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || '|' || m.id as cursor
    from (${sql.join(perSession, sql` union all `)}) m
    order by m.sort_key desc, m.created_at desc, m.id desc
    limit ${limit + 1}
  `)) as unknown as { id: string; cursor: string }[];
  const hasOlder = page.length > limit;
  const shown = page.slice(0, limit);

  const items = shown.length
    ? await ctx.db
        .select({
          id: messages.id,
          conversationId: messages.conversationId,
          direction: messages.direction,
          authorKind: messages.authorKind,
          authorName: messages.authorName,
          authorUserName: users.name,
          /** Who of the team wrote it: the composer warns when a colleague replied while you were typing. */
          authorUserId: messages.authorUserId,
          text: messages.text,
          attachments: messages.attachments,
          note: messages.note,
          deliveryStatus: messages.deliveryStatus,
          failureClass: messages.failureClass,
          failureReason: messages.failureReason,
          createdAt: messages.createdAt,
          /** When the customer wrote it, per the provider (a message recovered after an outage arrives later). */
          providerTimestamp: messages.providerTimestamp,
          editedAt: messages.editedAt,
        })
        .from(messages)
        .leftJoin(users, eq(users.id, messages.authorUserId))
        .where(and(inArray(messages.id, shown.map((m) => m.id)), eq(messages.companyId, ctx.companyId)))
    : [];
  const order = new Map(shown.map((m, i) => [m.id, i]));
  items.sort((a, b) => order.get(b.id)! - order.get(a.id)!);

  // F10: who owns a Meta thread, whether the bot was turned off, and the app "Pass to bot" hands it to.
  const handover =
    row.channel.provider === "messenger" || row.channel.provider === "instagram" ? await handoverState(ctx.db, ctx.companyId, row.conversation, ids, row.channel.settings.pageApps) : null;

  const { settings, ...channel } = row.channel;
  // The customer's open conversation when it is another one (they wrote again after this one was closed).
  const openElsewhere = sessions.find((s) => s.status !== "closed" && s.id !== row.conversation.id);
  return {
    handover,
    openConversationId: openElsewhere?.id ?? null,
    conversation: row.conversation,
    contact: row.contact,
    channel,
    line: row.line?.id ? row.line : null,
    assignee: row.assignee?.id ? row.assignee : null,
    team: row.team?.id ? row.team : null,
    sessions: sessions.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime()),
    messages: items,
    olderCursor: hasOlder ? shown[shown.length - 1]!.cursor : null,
    composer: composerState({
      provider: channel.provider,
      channelStatus: channel.status,
      channelSettings: settings as Record<string, unknown>,
      handler: row.conversation.handler,
      status: row.conversation.status,
      lastInboundAt: row.conversation.lastInboundAt,
      bannedAt: row.contact.bannedAt,
      blockedUsAt: row.contact.blockedUsAt,
    }),
  };
}
