-- pending_effects.chat_id for the rows kept before it was recorded (a contact's erasure finds a chat's effects by it).
-- Watermarks name their chat in the effect.
UPDATE "pending_effects" SET "chat_id" = "effect"->>'chatId' WHERE "chat_id" IS NULL AND "effect"->>'kind' = 'watermark';--> statement-breakpoint
-- Telegram ("<chat id>:<message id>") and VK ("<peer id>:<cmid>" or "<peer id>:r<random id>") keys begin with the chat.
UPDATE "pending_effects" p SET "chat_id" = split_part(p."target", ':', 1)
  FROM "channels" c
 WHERE c."id" = p."channel_id" AND c."provider" IN ('telegram', 'vk') AND p."chat_id" IS NULL AND strpos(p."target", ':') > 1;--> statement-breakpoint
-- Messenger and Instagram keys (a message's mid) name no chat: the raw event that carried the effect does (its
-- stream is "<channel id>:<PSID or IGSID>", and it names the mid). Raw events outlive pending effects (30 days
-- against 7), so this finds nearly all; one left without expires within a week.
UPDATE "pending_effects" p SET "chat_id" = m."chat"
  FROM (
    SELECT DISTINCT ON (pe."id") pe."id", substr(e."order_key", length(pe."channel_id"::text) + 2) AS "chat"
      FROM "pending_effects" pe
      JOIN "channels" c ON c."id" = pe."channel_id" AND c."provider" IN ('messenger', 'instagram')
      JOIN "inbound_events" e ON e."channel_id" = pe."channel_id"
     WHERE pe."chat_id" IS NULL
       AND e."order_key" LIKE pe."channel_id"::text || ':%' AND right(e."order_key", 2) <> ':*'
       AND strpos(e."payload"::text, '"' || pe."target" || '"') > 0
     ORDER BY pe."id", e."received_at" DESC
  ) m
 WHERE m."id" = p."id";
