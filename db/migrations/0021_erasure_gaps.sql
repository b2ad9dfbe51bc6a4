ALTER TABLE "pending_effects" ADD COLUMN "chat_id" text;--> statement-breakpoint
ALTER TABLE "contact_erasures" ADD COLUMN "request_id" uuid;--> statement-breakpoint
CREATE INDEX "inbound_events_unchatted_idx" ON "inbound_events" USING btree ("channel_id") WHERE "inbound_events"."order_key" is null or right("inbound_events"."order_key", 2) = ':*';--> statement-breakpoint
CREATE INDEX "pending_effects_chat_idx" ON "pending_effects" USING btree ("channel_id","chat_id");--> statement-breakpoint
CREATE INDEX "contact_erasures_request_idx" ON "contact_erasures" USING btree ("request_id") WHERE "contact_erasures"."request_id" is not null;