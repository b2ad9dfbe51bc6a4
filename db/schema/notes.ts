import { sql } from "drizzle-orm";
import { index, pgTable, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { companyRef, users } from "./companies";
import { conversations, messages } from "./conversations";
import { createdAt } from "./columns";

/**
 * A person @mentioned in a private note (a message whose author kind is "note"): what their Mentions view lists,
 * newest first, unread until they open the conversation.
 */
export const mentions = pgTable(
  "mentions",
  {
    id: uuid().primaryKey().defaultRandom(),
    companyId: companyRef(),
    messageId: uuid()
      .notNull()
      .references(() => messages.id, { onDelete: "cascade" }),
    conversationId: uuid()
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    readAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex("mentions_message_user_unique").on(t.messageId, t.userId),
    // A person's Mentions view, newest first, and their unread count.
    index("mentions_user_idx").on(t.userId, t.createdAt.desc(), t.id.desc()),
    index("mentions_user_unread_idx").on(t.userId, t.conversationId).where(sql`${t.readAt} is null`),
  ],
);
