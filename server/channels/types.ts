import type { Readable } from "node:stream";
import type { Attachment, ChannelSettings, ProviderError } from "../../db/schema";
import type { Locale } from "../i18n";

export type Provider = "telegram" | "messenger" | "instagram" | "vk";

/** How an error from a provider is handled (never decided by message text alone). */
export type ErrorClass = "connection_lost" | "retry_later" | "message_rejected" | "thread_owned_elsewhere";

export type ClassifiedError = {
  class: ErrorClass;
  /** Stable reason code, shown in words through the message catalogs (reason.<code>). */
  reason: string;
  retryAfterSeconds?: number;
  providerError: ProviderError;
  /** Provider-specific follow-up, e.g. Telegram's group → supergroup migration. */
  migrateToChatId?: string;
  /**
   * A send left and no answer came, and this provider takes no idempotency key: the message may have been
   * delivered, so sending it again by itself could deliver it twice. The operator decides ("Send again").
   */
  mayHaveBeenDelivered?: true;
};

/** One inbound happening, provider-neutral. A webhook event yields zero or more of these. */
export type NormalizedEvent =
  | {
      kind: "message";
      chatId: string;
      chatKind: "private" | "group";
      contactName: string;
      username?: string;
      /** For group chats: the participant, prefixed to the text (seed 001). */
      participantName?: string;
      text: string;
      attachments: Attachment[];
      providerMessageId: string;
      sentAt: Date;
      /** The customer's app language (IETF tag), for automatic replies in their language. */
      languageCode?: string;
    }
  | { kind: "message_edited"; chatId: string; providerMessageId: string; text: string; participantName?: string; editedAt: Date }
  | { kind: "contact_blocked_us"; chatId: string; at: Date }
  | { kind: "contact_unblocked_us"; chatId: string; at: Date }
  | { kind: "contact_ended"; chatId: string; at: Date }
  | { kind: "chat_migrated"; fromChatId: string; toChatId: string }
  /** A message the account itself sent: by us (confirmation), by a human in the provider's inbox, or by another app. */
  | {
      kind: "echo";
      chatId: string;
      providerMessageId: string;
      text: string;
      attachments: Attachment[];
      sentAt: Date;
      source: "us" | "provider_inbox" | "other_app";
      appId?: string;
    }
  /** Delivery/read receipts: by message ids, or everything sent up to a watermark. */
  | { kind: "receipt"; chatId: string; status: "delivered" | "read"; providerMessageIds?: string[]; watermark?: Date }
  | { kind: "reaction"; chatId: string; providerMessageId: string; emoji?: string; action: "react" | "unreact" }
  /** Meta handover: who owns the thread now (F10). `requestedBy` when another app asks for it. */
  | { kind: "thread_control"; chatId: string; owner: "us" | "other_app" | "idle"; appId?: string; requestedBy?: string }
  /** The provider told us the account lost access (permission revoked, app removed). */
  | { kind: "connection_lost"; reason: string; providerError: ProviderError }
  /** The customer left the community (VK group_leave): informational. */
  | { kind: "contact_left"; chatId: string; at: Date };

export type OutboundMessage = { text: string; attachments: Attachment[] };

/** A send may take several provider messages (text, then each attachment); the last one stands for it. */
export type SendResult = { ok: true; providerMessageId: string; partMessageIds?: string[] } | { ok: false; error: ClassifiedError };

export type SendContext<Credentials> = {
  credentials: Credentials;
  channelExternalId: string;
  channelSettings: ChannelSettings;
  contactExternalId: string;
  /** The customer's last inbound message: Meta's 24-hour / 7-day windows are counted from it. */
  lastInboundAt: Date | null;
  idempotencyKey: string;
  now: Date;
  /** Bytes of an attachment the operator uploaded (stored_files), scoped to the channel's company. */
  loadFile(fileId: string): Promise<{ name: string; mimeType: string; data: Buffer } | undefined>;
};

/**
 * An inbound file's bytes as they arrive from the provider, read once, never gathered whole: the stream fails at the
 * first byte over F7's inbound limit and the download is cut off there. `failure` says why it ended early, when the
 * provider's side was the cause ("too_large", or "fetch_failed" when its connection failed); a failure of whoever
 * reads it (the file storage) leaves it unset.
 */
export type ProviderFileBody = Readable & { readonly failure: "too_large" | "fetch_failed" | undefined };

export type FetchedFile = { ok: true; body: ProviderFileBody; mimeType?: string; name?: string } | { ok: false; note: "too_large" | "fetch_failed" };

/**
 * One adapter per provider: everything provider-specific stays in its folder under server/channels.
 * Webhook verification lives beside it (server/webhooks) because it happens before parsing.
 */
export interface ChannelAdapter<Credentials> {
  provider: Provider;
  /**
   * Parse a verified, JSON-decoded webhook body into a dedupe key, a type name and neutral events.
   * `locale`: the language of lines written for content the inbox cannot show as text or a file.
   * `receivedAt`: when the event was stored, the time used where the event's own time is absent or unreadable.
   */
  parseEvent(payload: unknown, ctx?: { locale?: Locale; receivedAt?: Date }): ParsedEvent;
  send(ctx: SendContext<Credentials>, message: OutboundMessage): Promise<SendResult>;
  classifyError(error: ProviderError): ClassifiedError;
  /**
   * The customer's name for providers whose events carry only ids (Messenger PSID, Instagram IGSID, VK user
   * or chat). Undefined when the provider will not say; the contact keeps its placeholder name then.
   */
  lookupContact?(credentials: Credentials, contact: { externalId: string; chatKind: "private" | "group" }): Promise<{ displayName: string; username?: string } | undefined>;
  /**
   * Asks the provider whether the connection works: the token, and that events still come to our webhook
   * (Telegram getMe + getWebhookInfo, VK groups.getById + groups.getCallbackServers).
   */
  probeHealth?(credentials: Credentials, target: { externalId: string; webhookUrl: string; now: Date }): Promise<HealthReport>;
  /**
   * Opens an inbound attachment's download within F7's inbound limits (providers without it keep the reference).
   * The caller reads the body (and destroys it when it stops early).
   */
  fetchAttachment?(credentials: Credentials, attachment: Attachment): Promise<FetchedFile>;
}

export type ParsedEvent =
  | { ok: true; dedupeKey: string; eventType: string; events: NormalizedEvent[]; ignoredReason?: string }
  | { ok: false; reason: string };

/**
 * What a health probe found. `connection_lost` needs a reconnect (F2); `degraded` works but is at risk and
 * is shown, not alarmed on. Reasons are catalog codes (reason.<code>).
 */
export type HealthReport =
  | {
      status: "healthy";
      account: { id: string; name: string; username?: string };
      pendingUpdates?: number;
      /** Meta: the Page's other apps that receive its messages (its bot), by name. */
      pageApps?: { id: string; name: string }[];
    }
  | { status: "degraded" | "connection_lost"; reason: string; providerError: ProviderError; pendingUpdates?: number };
