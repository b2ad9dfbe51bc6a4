import { pgEnum } from "drizzle-orm/pg-core";

export const userRole = pgEnum("user_role", ["admin", "operator"]);
/** Online: routing may give them new conversations; away: it never does (set by them, by idling, by signing out). */
export const userAvailability = pgEnum("user_availability", ["online", "away"]);
export const provider = pgEnum("provider", ["telegram", "messenger", "instagram", "vk"]);
/** active: working; disconnected: connection lost (see reason); stopped: by an admin or after a fatal error. */
export const channelStatus = pgEnum("channel_status", ["active", "disconnected", "stopped"]);
export const conversationStatus = pgEnum("conversation_status", ["new", "in_progress", "closed"]);
/** Who answers the thread: our humans, or an external bot that owns the Meta thread (F10). */
export const conversationHandler = pgEnum("conversation_handler", ["humans", "bot"]);
export const messageDirection = pgEnum("message_direction", ["inbound", "outbound"]);
/** note: an operator's private note, for the team only; never sent to the customer (no send job, no provider call). */
export const authorKind = pgEnum("author_kind", ["customer", "operator", "bot", "system", "note"]);
export const deliveryStatus = pgEnum("delivery_status", ["pending", "sent", "delivered", "read", "failed"]);
export const inboundEventStatus = pgEnum("inbound_event_status", ["received", "processed", "ignored", "failed"]);
export const sendStatus = pgEnum("send_status", ["queued", "sending", "sent", "failed"]);
/** How a provider error is handled; drives a message's status and a channel's health. */
export const errorClass = pgEnum("error_class", ["connection_lost", "retry_later", "message_rejected", "thread_owned_elsewhere"]);
export const emailStatus = pgEnum("email_status", ["queued", "sent", "captured", "failed"]);
export const reconnectKind = pgEnum("reconnect_kind", ["webhook", "token", "meta_wizard"]);
export const reconnectStatus = pgEnum("reconnect_status", ["in_progress", "succeeded", "failed", "abandoned"]);
