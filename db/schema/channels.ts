import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgTable, real, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { companyRef, lines, users } from "./companies";
import { channelStatus, errorClass, provider, reconnectKind, reconnectStatus } from "./enums";
import { createdAt, updatedAt } from "./columns";

/** What a provider said when it refused us: kept verbatim for admins and support, never shown raw to operators. */
export type ProviderError = {
  httpStatus?: number;
  code?: number | string;
  subcode?: number;
  description?: string;
  retryAfterSeconds?: number;
  /**
   * No answer came (timeout, connection broken): whether the request had already left. If it had, the provider may
   * have acted on it — a message may have been delivered.
   */
  requestSent?: boolean;
  /** Telegram: the group became a supergroup with this chat id. */
  migrateToChatId?: string;
  /** Meta: when the token or the app's data access ends (a warning before the loss). */
  expiresAt?: string;
};

/** Non-secret, provider-specific settings (shown to admins). Secrets live in `credentials` (encrypted). */
export type ChannelSettings = {
  /** Telegram bot username, Page name, Instagram handle, VK community screen name. */
  username?: string;
  /** Meta: send with the HUMAN_AGENT tag up to 7 days after the customer's last message. */
  humanAgentEnabled?: boolean;
  /** VK: the string VK expects back on the confirmation handshake (not a secret: VK shows it in the UI). */
  vkConfirmationCode?: string;
  /** Meta: the Instagram account's linked Page (Instagram messaging goes through it). */
  linkedPageId?: string;
  /** VK: when VK's confirmation request reached us (the admin pressed "Confirm" in the community). */
  vkConfirmedAt?: string;
  /** Telegram: the bot's display name from getMe. */
  botName?: string;
  /** Meta: the Page's other apps that receive its messages (its bot), id and name as subscribed_apps lists them. */
  pageApps?: { id: string; name: string }[];
};

/**
 * A connected messenger account (a Telegram bot, a Facebook Page, an Instagram business account, a VK
 * community). The health fields drive F1–F5: status + reason + provider error + since.
 */
export const channels = pgTable(
  "channels",
  {
    id: uuid().primaryKey().defaultRandom(),
    companyId: companyRef(),
    lineId: uuid().references(() => lines.id, { onDelete: "set null" }),
    provider: provider().notNull(),
    name: text().notNull(),
    /** The provider's id for the account: bot id, Page id, Instagram account id, VK community id. */
    externalId: text().notNull(),
    status: channelStatus().notNull().default("active"),
    /** Why the channel is not active: a stable code (e.g. token_revoked, password_changed, webhook_replaced). */
    statusReason: text(),
    providerError: jsonb().$type<ProviderError>(),
    statusSince: timestamp({ withTimezone: true }).notNull().defaultNow(),
    connectedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    reconnectedAt: timestamp({ withTimezone: true }),
    lastWebhookAt: timestamp({ withTimezone: true }),
    lastSendAt: timestamp({ withTimezone: true }),
    /** Consecutive auth failures; decays (reset) on the next success. */
    authFailureCount: integer().notNull().default(0),
    /** Health probes that found the connection lost, in a row: two open an incident (one may be a blip). */
    probeFailures: integer().notNull().default(0),
    /**
     * Transient provider errors (timeouts, 5xx, 429) as a decaying score: halves every 10 minutes from
     * `errorScoreAt`. It is shown, never alarmed on; only reauth-class errors and failed probes open incidents.
     */
    errorScore: real().notNull().default(0),
    errorScoreAt: timestamp({ withTimezone: true }),
    /** A warning before a loss (token expiring, webhook errors rising): shown on the channel, one email. */
    warningReason: text(),
    warningSince: timestamp({ withTimezone: true }),
    warningDetail: jsonb().$type<ProviderError>(),
    lastProbeAt: timestamp({ withTimezone: true }),
    /** AES-256-GCM sealed JSON (bot token, page token, webhook secret…). Never leaves the server. */
    credentials: text().notNull(),
    settings: jsonb().$type<ChannelSettings>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("channels_company_idx").on(t.companyId, t.status),
    // One account is connected once: Meta routes by Page / Instagram id, VK communities attach to one line.
    uniqueIndex("channels_provider_external_unique").on(t.provider, t.externalId),
    // A line has at most one Telegram bot (seed 001).
    uniqueIndex("channels_line_telegram_unique").on(t.lineId).where(sql`${t.provider} = 'telegram'`),
  ],
);

/**
 * One connection-loss episode of a channel: opened on the first "connection lost" error, resolved on
 * reconnect. The email (F1) is sent once per incident, however many errors it collects.
 */
export const channelIncidents = pgTable(
  "channel_incidents",
  {
    id: uuid().primaryKey().defaultRandom(),
    companyId: companyRef(),
    channelId: uuid()
      .notNull()
      .references(() => channels.id, { onDelete: "cascade" }),
    reasonCode: text().notNull(),
    errorClass: errorClass().notNull().default("connection_lost"),
    providerError: jsonb().$type<ProviderError>(),
    errorCount: integer().notNull().default(1),
    openedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastErrorAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    resolvedAt: timestamp({ withTimezone: true }),
    resolvedBy: uuid().references(() => users.id, { onDelete: "set null" }),
    /** How it ended: reconnected (by an admin), recovered (a probe found it working again), stopped, deleted. */
    resolution: text(),
    /** Where the loss was noticed: send, probe, webhook. */
    detectedBy: text(),
    /** Messages recovered after the reconnect (F13), shown as "N messages recovered". */
    recoveredCount: integer().notNull().default(0),
  },
  (t) => [
    uniqueIndex("channel_incidents_one_open").on(t.channelId).where(sql`${t.resolvedAt} is null`),
    index("channel_incidents_company_idx").on(t.companyId, t.openedAt),
  ],
);

/** State of a reconnect (F2) or the Meta re-authorization wizard (F3): resumable, step by step. */
export type ReconnectState = {
  step?: "profile" | "instagram" | "pages" | "permissions" | "reconnect" | "restart" | "done";
  profileId?: string;
  instagramIds?: string[];
  pageIds?: string[];
  grantedPermissions?: string[];
  missingPermissions?: string[];
  channelResults?: { channelId: string; ok: boolean; reason?: string }[];
  recoveredMessages?: number;
};

export const reconnectAttempts = pgTable(
  "reconnect_attempts",
  {
    id: uuid().primaryKey().defaultRandom(),
    companyId: companyRef(),
    channelId: uuid().references(() => channels.id, { onDelete: "cascade" }),
    startedBy: uuid().references(() => users.id, { onDelete: "set null" }),
    kind: reconnectKind().notNull(),
    status: reconnectStatus().notNull().default("in_progress"),
    state: jsonb().$type<ReconnectState>().notNull().default({}),
    /** SHA-256 of the OAuth `state` parameter; the callback must present the original. */
    oauthStateHash: text(),
    /** Sealed user access token from the OAuth exchange, while the wizard runs. */
    sealedUserToken: text(),
    failureReason: text(),
    recoveredCount: integer().notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    finishedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index("reconnect_attempts_company_idx").on(t.companyId, t.createdAt),
    uniqueIndex("reconnect_attempts_oauth_state_unique").on(t.oauthStateHash),
  ],
);

/**
 * A channel's history on its Details page: admin actions (connected, renamed, moved, stopped, started,
 * disconnected, reconnected) and status changes, newest first. Kept when the channel is stopped or
 * disconnected; removed with it on delete.
 */
export const channelHistory = pgTable(
  "channel_history",
  {
    id: uuid().primaryKey().defaultRandom(),
    companyId: companyRef(),
    channelId: uuid()
      .notNull()
      .references(() => channels.id, { onDelete: "cascade" }),
    /** Null when the product itself acted (a probe, a send that hit an auth error). */
    actorUserId: uuid().references(() => users.id, { onDelete: "set null" }),
    /** connected, renamed, moved, stopped, started, disconnected, reconnected, status_changed, … */
    action: text().notNull(),
    detail: jsonb().$type<Record<string, string | number | boolean | null>>().notNull().default({}),
    createdAt: timestamp({ withTimezone: true }).notNull().default(sql`clock_timestamp()`),
  },
  (t) => [index("channel_history_channel_idx").on(t.channelId, t.createdAt)],
);

export type HistoryRecoveryStatus = "queued" | "running" | "done" | "failed";

/**
 * Recovering what customers wrote while a VK community or a Messenger / Instagram channel was down (F13), as a
 * durable job after its reconnect: the reconnect answers at once, the job (server/jobs/history-recoveries.ts,
 * pg-boss) reads the provider's history and stores each missed message the way a webhook would (deduplicated by
 * provider ids, so a retry adds nothing twice). The row is the job's state and progress, shown on the channel's
 * Details page ("recovering… 12 of ~40"); a restart finds queued and running rows and carries them on.
 */
export const historyRecoveries = pgTable(
  "history_recoveries",
  {
    id: uuid().primaryKey().defaultRandom(),
    companyId: companyRef(),
    channelId: uuid()
      .notNull()
      .references(() => channels.id, { onDelete: "cascade" }),
    /** The incident the reconnect resolved: its recovered count grows with what this finds. */
    incidentId: uuid().references(() => channelIncidents.id, { onDelete: "set null" }),
    /** Meta: the Page whose conversations are read (an Instagram account's linked Page). */
    pageId: text(),
    since: timestamp({ withTimezone: true }).notNull(),
    until: timestamp({ withTimezone: true }).notNull(),
    status: text().$type<HistoryRecoveryStatus>().notNull().default("queued"),
    /** Missed messages found in the provider's history; null until the history has been read. */
    found: integer(),
    /** Of those, how many have been handled (stored now, or already there). */
    processed: integer().notNull().default(0),
    /** Messages this recovery added, over all its attempts. */
    recoveredCount: integer().notNull().default(0),
    /** The provider's history was cut short (a cap, a deadline or a refusal): what was found is kept. */
    truncated: boolean().notNull().default(false),
    attempts: integer().notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    finishedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index("history_recoveries_channel_idx").on(t.channelId, t.createdAt),
    index("history_recoveries_unfinished_idx").on(t.createdAt).where(sql`${t.status} in ('queued', 'running')`),
  ],
);
