import { sql } from "drizzle-orm";
import { bigint, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { channelIncidents, channels, type ProviderError } from "./channels";
import { companies, companyRef } from "./companies";
import { messages } from "./conversations";
import { emailStatus, errorClass, inboundEventStatus, provider, sendStatus } from "./enums";
import { bytea, createdAt } from "./columns";

/**
 * Every accepted webhook event, stored before it is acknowledged (F13). The unique dedupe key is where
 * provider retries stop: Telegram "bot:update_id", Meta mid or a hash of the item, VK event_id.
 * Rows in `received` are the processing queue; a sweeper retries the ones a crash left behind.
 */
export const inboundEvents = pgTable(
  "inbound_events",
  {
    id: uuid().primaryKey().defaultRandom(),
    provider: provider().notNull(),
    companyId: uuid().references(() => companies.id, { onDelete: "cascade" }),
    channelId: uuid().references(() => channels.id, { onDelete: "cascade" }),
    dedupeKey: text().notNull(),
    eventType: text().notNull(),
    /** The parsed item; null when it cannot go into jsonb (\u0000, lone surrogates, nesting too deep). */
    payload: jsonb().$type<unknown>(),
    /** The bytes exactly as the provider signed them, when the payload could not be kept as jsonb. */
    rawBody: bytea(),
    status: inboundEventStatus().notNull().default("received"),
    /** Why it was ignored or failed (unknown page, unsupported update type, processing error). */
    note: text(),
    attempts: integer().notNull().default(0),
    /** When a failed attempt may be retried (exponential backoff with a cap). */
    nextAttemptAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp({ withTimezone: true }),
    /**
     * The stream this event is ordered in: channel + chat ("<channel id>:<chat id>", or "<channel id>:*" for
     * events about the account). One stream's events are processed one at a time, in provider order.
     */
    orderKey: text(),
    /** Provider order within the stream: Telegram update_id, Meta timestamp (ms), VK conversation_message_id. */
    sequence: bigint({ mode: "number" }),
    /** Arrival order: breaks ties and orders events without a provider sequence. */
    arrival: bigint({ mode: "number" }).generatedAlwaysAsIdentity(),
    /** Dead letter: a stable reason code for a `failed` event (shown in words to admins). */
    failureReason: text(),
  },
  (t) => [
    uniqueIndex("inbound_events_dedupe_unique").on(t.provider, t.dedupeKey),
    index("inbound_events_pending_idx").on(t.status, t.receivedAt),
    // The processing queue: heads of each stream, in provider order.
    index("inbound_events_queue_idx").on(t.orderKey, t.sequence, t.arrival).where(sql`${t.status} = 'received'`),
    index("inbound_events_dead_letter_idx").on(t.companyId, t.receivedAt).where(sql`${t.status} = 'failed'`),
    // Events tied to no chat (the account's stream, or stored with no stream): the few rows a contact's erasure
    // searches for the contact's id. Queries must repeat this predicate exactly (UNCHATTED_EVENTS).
    index("inbound_events_unchatted_idx").on(t.channelId).where(sql`${t.orderKey} is null or right(${t.orderKey}, 2) = ':*'`),
  ],
);

/**
 * An effect (edit, receipt) whose target message has not been stored yet: kept here, keyed by channel and the
 * provider's message key (or "watermark:<chat id>" for read / delivery watermarks), and applied when the
 * message arrives, so an event processed before the message it refers to is never lost. `chatId` names the chat
 * the event came from (a Meta key, the message's `mid`, names none): a contact's erasure finds its effects by it.
 */
export const pendingEffects = pgTable(
  "pending_effects",
  {
    id: uuid().primaryKey().defaultRandom(),
    companyId: companyRef(),
    channelId: uuid()
      .notNull()
      .references(() => channels.id, { onDelete: "cascade" }),
    target: text().notNull(),
    /** The chat (contacts.external_id) the effect came from; null only on rows kept before it was recorded. */
    chatId: text(),
    effect: jsonb().$type<PendingEffect>().notNull(),
    /** Provider order of the event that carried it: several pending edits apply in order. */
    sequence: bigint({ mode: "number" }),
    createdAt: createdAt(),
  },
  (t) => [index("pending_effects_target_idx").on(t.channelId, t.target), index("pending_effects_chat_idx").on(t.channelId, t.chatId)],
);

export type PendingEffect =
  | { kind: "edit"; text: string; editedAt: string }
  | { kind: "receipt"; status: "delivered" | "read" }
  | { kind: "watermark"; chatId: string; status: "delivered" | "read"; watermark: string };

/**
 * Work after a message is committed (attachment fetch, profile lookup, realtime publish), written in the same
 * transaction as the message so it survives a crash; run right after the commit, retried with backoff, idempotent.
 * A finished job is deleted.
 */
export const postCommitJobs = pgTable(
  "post_commit_jobs",
  {
    id: uuid().primaryKey().defaultRandom(),
    companyId: companyRef(),
    name: text().$type<PostCommitJobName>().notNull(),
    /** Ids only. */
    payload: jsonb().$type<{ messageIds?: string[]; events?: { name: string; data: Record<string, unknown> }[] }>().notNull(),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lockedUntil: timestamp({ withTimezone: true }),
    /** The last failure's code (never a payload). */
    lastError: text(),
    failedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index("post_commit_jobs_due_idx").on(t.nextAttemptAt).where(sql`${t.failedAt} is null`)],
);

export type PostCommitJobName = "fetch-attachments" | "fill-contact-profiles" | "publish-realtime";

/** One outbound message's trip to the provider: the durable send job and its outcome. */
export const outboundSends = pgTable(
  "outbound_sends",
  {
    id: uuid().primaryKey().defaultRandom(),
    companyId: companyRef(),
    channelId: uuid()
      .notNull()
      .references(() => channels.id, { onDelete: "cascade" }),
    messageId: uuid()
      .notNull()
      .references(() => messages.id, { onDelete: "cascade" }),
    status: sendStatus().notNull().default("queued"),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lockedUntil: timestamp({ withTimezone: true }),
    lastErrorClass: errorClass(),
    lastError: jsonb().$type<ProviderError>(),
    /** Deterministic idempotency key for providers that take one (VK random_id). */
    idempotencyKey: text().notNull(),
    createdAt: createdAt(),
    sentAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex("outbound_sends_message_unique").on(t.messageId),
    index("outbound_sends_due_idx").on(t.status, t.nextAttemptAt),
  ],
);

/** Every email the product sends: via Resend, or captured for the local mailbox when Resend is not configured. */
export const emailDeliveries = pgTable(
  "email_deliveries",
  {
    id: uuid().primaryKey().defaultRandom(),
    companyId: companyRef(),
    incidentId: uuid().references(() => channelIncidents.id, { onDelete: "set null" }),
    /** Idempotency: one email per (incident, kind). */
    dedupeKey: text().notNull(),
    kind: text().notNull(),
    toAddress: text().notNull(),
    subject: text().notNull(),
    html: text().notNull(),
    textBody: text().notNull(),
    status: emailStatus().notNull().default("queued"),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    providerMessageId: text(),
    error: text(),
    createdAt: createdAt(),
    sentAt: timestamp({ withTimezone: true }),
  },
  (t) => [uniqueIndex("email_deliveries_dedupe_unique").on(t.dedupeKey), index("email_deliveries_due_idx").on(t.status, t.nextAttemptAt)],
);
