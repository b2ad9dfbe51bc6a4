import { sql } from "drizzle-orm";
import { bigint, index, integer, jsonb, numeric, pgTable, primaryKey, text, timestamp, unique, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { channels } from "./channels";
import { companyRef, lines, teams, users } from "./companies";
import { authorKind, conversationHandler, conversationStatus, deliveryStatus, errorClass, messageDirection } from "./enums";
import { createdAt, tsvector, updatedAt } from "./columns";

/** A customer on one channel: a Telegram chat (a group is one contact), a Messenger PSID, an IGSID, a VK peer. */
export const contacts = pgTable(
  "contacts",
  {
    id: uuid().primaryKey().defaultRandom(),
    companyId: companyRef(),
    channelId: uuid()
      .notNull()
      .references(() => channels.id, { onDelete: "cascade" }),
    /** The provider's id for the chat (Telegram chat id, PSID, IGSID, VK peer_id). */
    externalId: text().notNull(),
    displayName: text().notNull(),
    username: text(),
    /**
     * The person behind the contact: contacts are per channel, and the same customer may write on Telegram and on
     * VK. Every contact starts as a person of its own; an admin's merge gives the contacts of two persons one id.
     * Conversations keep their contact (and channel), so replies still go out where the customer wrote.
     */
    personId: uuid().notNull().defaultRandom(),
    chatKind: text().$type<"private" | "group">().notNull().default("private"),
    /** The customer's app language as the provider gives it (Telegram `language_code`, VK `lang`): saved replies pick their variant by it. */
    languageCode: text(),
    /** Ban (F7): the contact's messages are kept but not routed to the line. */
    bannedAt: timestamp({ withTimezone: true }),
    /** The customer blocked the bot / denied messages: sends will fail with that reason. */
    blockedUsAt: timestamp({ withTimezone: true }),
    /** When the provider's profile (name, username) was last looked up, for providers whose events carry only ids. */
    profileFetchedAt: timestamp({ withTimezone: true }),
    /** Set when the contact ends (bot removed from a group): re-adding the bot creates a new contact. */
    endedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("contacts_channel_external_live_unique").on(t.channelId, t.externalId).where(sql`${t.endedAt} is null`),
    index("contacts_company_idx").on(t.companyId),
    // A person's contacts (the contact panel lists their conversations on every channel).
    index("contacts_person_idx").on(t.companyId, t.personId),
    // The few banned contacts of a company: the Closed tab and its count leave their conversations out.
    index("contacts_banned_idx").on(t.companyId).where(sql`${t.bannedAt} is not null`),
    // Inbox search by name and handle: full text with the 'simple' configuration (no stemming, any language;
    // built into PostgreSQL and PGlite alike, unlike pg_trgm). The query must repeat this expression exactly.
    index("contacts_search_idx").using("gin", sql`to_tsvector('simple'::regconfig, ${t.displayName} || ' ' || coalesce(${t.username}, ''))`),
  ],
);

export const conversations = pgTable(
  "conversations",
  {
    id: uuid().primaryKey().defaultRandom(),
    companyId: companyRef(),
    lineId: uuid().references(() => lines.id, { onDelete: "set null" }),
    channelId: uuid()
      .notNull()
      .references(() => channels.id, { onDelete: "cascade" }),
    contactId: uuid()
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    status: conversationStatus().notNull().default("new"),
    handler: conversationHandler().notNull().default("humans"),
    assigneeId: uuid().references(() => users.id, { onDelete: "set null" }),
    teamId: uuid().references(() => teams.id, { onDelete: "set null" }),
    lastMessageAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastInboundAt: timestamp({ withTimezone: true }),
    /** When the current assignee got it: routing picks, among the least busy, who waited longest (round robin). */
    assignedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
    closedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    // A new inbound message resumes the open conversation or starts one (F9): at most one open per contact.
    uniqueIndex("conversations_one_open_per_contact").on(t.contactId).where(sql`${t.status} <> 'closed'`),
    // Keyset pages of a tab: newest activity first, id breaks ties.
    index("conversations_inbox_idx").on(t.companyId, t.status, t.lastMessageAt.desc(), t.id.desc()),
    // The Open tab (New and In progress together) read in page order from one index, not sorted from the whole set.
    index("conversations_open_idx").on(t.companyId, t.lastMessageAt.desc(), t.id.desc()).where(sql`${t.status} <> 'closed'`),
    // Counting each person's open conversations for routing.
    index("conversations_assignee_idx").on(t.assigneeId, t.status, t.lastMessageAt.desc()),
    // "Mine" and the assignee filter on the Open tab, in page order.
    index("conversations_assignee_open_idx").on(t.assigneeId, t.lastMessageAt.desc(), t.id.desc()).where(sql`${t.status} <> 'closed'`),
    index("conversations_contact_idx").on(t.contactId, t.createdAt),
  ],
);

export type Attachment = {
  kind: "image" | "file" | "audio" | "video" | "voice" | "sticker" | "location" | "other";
  name?: string;
  mimeType?: string;
  sizeBytes?: number;
  /** Provider reference (Telegram file_id, Meta/VK URL). */
  providerRef?: string;
  /** The stored copy (stored_files), once fetched from the provider or uploaded by an operator. */
  fileId?: string;
  /** Why it was not fetched or cannot be shown (too large, unsupported). */
  note?: "too_large" | "unsupported" | "fetch_failed";
};

/**
 * A system note in the thread ("assigned to Anna", "closed by Oleh"): a stable code and its parameters, so each
 * reader sees it in their own language.
 */
export type SystemNote = {
  code:
    | "assigned"
    | "assigned_team"
    | "unassigned"
    | "taken"
    | "closed"
    | "reopened"
    | "banned"
    // Banning closed the contact's open conversation.
    | "banned_closed"
    | "unbanned"
    // An operator's reply took an unassigned conversation / reopened a closed one.
    | "taken_by_reply"
    | "reopened_by_reply"
    | "routed"
    // Routing found nobody online in the line's team (`team`): the conversation waits in New.
    | "nobody_online"
    // F10 handover: another app (the Page's bot, or the provider's own inbox) took the thread (`owner`, `app`);
    // it came back to us ("bot handling is off"); an operator passed it back to the bot (`name`, `app`).
    | "bot_handling"
    | "bot_off"
    | "passed_to_bot";
  params: Record<string, string>;
};

export const messages = pgTable(
  "messages",
  {
    id: uuid().primaryKey().defaultRandom(),
    companyId: companyRef(),
    conversationId: uuid()
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    channelId: uuid()
      .notNull()
      .references(() => channels.id, { onDelete: "cascade" }),
    direction: messageDirection().notNull(),
    authorKind: authorKind().notNull(),
    authorUserId: uuid().references(() => users.id, { onDelete: "set null" }),
    /** Shown name of the author when it is not a user (group participant, external bot). */
    authorName: text(),
    text: text().notNull().default(""),
    attachments: jsonb().$type<Attachment[]>().notNull().default([]),
    /** The provider's message key, unique per channel (Telegram "chat:message_id", Meta mid, VK "peer:cmid"). */
    providerMessageId: text(),
    /** Every provider message a multi-part send became (text, then each attachment), for echoes and receipts. */
    providerPartIds: jsonb().$type<string[]>().notNull().default([]),
    deliveryStatus: deliveryStatus().notNull().default("pending"),
    failureClass: errorClass(),
    /** A stable reason code shown in words in the UI (blocked_by_user, outside_window, …). */
    failureReason: text(),
    /** Set on authorKind "system" notes that are not sent to the customer (assignments, closes, bans). */
    note: jsonb().$type<SystemNote>(),
    providerTimestamp: timestamp({ withTimezone: true }),
    editedAt: timestamp({ withTimezone: true }),
    // clock_timestamp, not now(): messages written in one transaction (a voice note and its notice) keep their order.
    createdAt: timestamp({ withTimezone: true }).notNull().default(sql`clock_timestamp()`),
    sentAt: timestamp({ withTimezone: true }),
    /**
     * Thread order: provider order for what came from the provider (its time in microseconds × 10¹², plus
     * Telegram message_id / VK conversation_message_id / arrival within the same instant), the time of writing
     * for everything else. A thread reads `order by sort_key, created_at, id`.
     */
    sortKey: numeric({ precision: 40, scale: 0 })
      .notNull()
      .default(sql`floor(extract(epoch from clock_timestamp()) * 1000000)::numeric(40, 0) * 1000000000000`),
  },
  (t) => [
    uniqueIndex("messages_channel_provider_id_unique").on(t.channelId, t.providerMessageId),
    index("messages_thread_order_idx").on(t.conversationId, t.sortKey),
    index("messages_conversation_idx").on(t.conversationId, t.createdAt),
  ],
);

/**
 * What inbox search looks in, one row per conversation: the distinct words (full text, 'simple' configuration,
 * positions stripped) of its contact's name and handle and of every message ever written in it. Kept by the
 * database itself (migration 0008's triggers on conversations, messages and contacts), so every path that writes
 * a message — ingest, replies, notes, seeds — keeps it true. A conversation matches when it holds every word
 * searched, in its contact or in any of its messages ("anna refund" finds Anna's thread about a refund). Apart
 * from `conversations` so that its rows stay narrow.
 */
export const conversationTerms = pgTable(
  "conversation_terms",
  {
    conversationId: uuid()
      .primaryKey()
      .references(() => conversations.id, { onDelete: "cascade" }),
    terms: tsvector().notNull(),
  },
  (t) => [index("conversation_terms_idx").using("gin", t.terms)],
);

/**
 * Words for a conversation whose terms row another transaction held at that instant: they join conversation_terms on
 * the next fold (server/services/conversations/fold-inbox-counts.ts), so storing a message never waits on a lock.
 */
export const conversationTermBacklog = pgTable(
  "conversation_term_backlog",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    conversationId: uuid().notNull(),
    terms: tsvector().notNull(),
  },
  (t) => [index("conversation_term_backlog_conversation_idx").on(t.conversationId)],
);

/** A count group: every filter the inbox offers (the columns migration 0008's triggers group conversations by). */
const countGroup = () => ({
  companyId: uuid().notNull(),
  status: conversationStatus().notNull(),
  assigneeId: uuid(),
  lineId: uuid(),
  channelId: uuid().notNull(),
  teamId: uuid(),
});

/**
 * The inbox tabs' counts without reading every conversation: how many conversations each group holds (company,
 * status, assignee, line, channel, team — every filter the inbox offers). Triggers on conversations append
 * changes to inbox_count_deltas (never contended: nothing is updated in place by the writers); one folder at a
 * time moves them into inbox_counts (server/services/conversations/fold-inbox-counts.ts). A count reads both, in
 * one snapshot, so it is exact at every moment.
 */
export const inboxCounts = pgTable(
  "inbox_counts",
  { ...countGroup(), n: integer().notNull() },
  (t) => [unique("inbox_counts_group_unique").on(t.companyId, t.status, t.assigneeId, t.lineId, t.channelId, t.teamId).nullsNotDistinct()],
);

export const inboxCountDeltas = pgTable(
  "inbox_count_deltas",
  { id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(), ...countGroup(), delta: integer().notNull() },
  (t) => [index("inbox_count_deltas_company_idx").on(t.companyId)],
);

/** Read state per operator: unread counts are the customer's messages after lastReadAt. */
export const conversationReads = pgTable(
  "conversation_reads",
  {
    companyId: companyRef(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    conversationId: uuid()
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    lastReadAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.conversationId] })],
);
