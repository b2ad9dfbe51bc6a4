CREATE TABLE "pending_effects" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"company_id" uuid NOT NULL,
	"channel_id" uuid NOT NULL,
	"target" text NOT NULL,
	"effect" jsonb NOT NULL,
	"sequence" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "post_commit_jobs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"company_id" uuid NOT NULL,
	"name" text NOT NULL,
	"payload" jsonb NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"locked_until" timestamp with time zone,
	"last_error" text,
	"failed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "sort_key" numeric(40, 0) DEFAULT floor(extract(epoch from clock_timestamp()) * 1000000)::numeric(40, 0) * 1000000000000 NOT NULL;--> statement-breakpoint
ALTER TABLE "inbound_events" ADD COLUMN "order_key" text;--> statement-breakpoint
ALTER TABLE "inbound_events" ADD COLUMN "sequence" bigint;--> statement-breakpoint
ALTER TABLE "inbound_events" ADD COLUMN "arrival" bigint NOT NULL GENERATED ALWAYS AS IDENTITY (sequence name "inbound_events_arrival_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1);--> statement-breakpoint
ALTER TABLE "inbound_events" ADD COLUMN "failure_reason" text;--> statement-breakpoint
ALTER TABLE "pending_effects" ADD CONSTRAINT "pending_effects_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pending_effects" ADD CONSTRAINT "pending_effects_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "post_commit_jobs" ADD CONSTRAINT "post_commit_jobs_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "pending_effects_target_idx" ON "pending_effects" USING btree ("channel_id","target");--> statement-breakpoint
CREATE INDEX "post_commit_jobs_due_idx" ON "post_commit_jobs" USING btree ("next_attempt_at") WHERE "post_commit_jobs"."failed_at" is null;--> statement-breakpoint
CREATE INDEX "messages_thread_order_idx" ON "messages" USING btree ("conversation_id","sort_key");--> statement-breakpoint
CREATE INDEX "inbound_events_queue_idx" ON "inbound_events" USING btree ("order_key","sequence","arrival") WHERE "inbound_events"."status" = 'received';--> statement-breakpoint
CREATE INDEX "inbound_events_dead_letter_idx" ON "inbound_events" USING btree ("company_id","received_at") WHERE "inbound_events"."status" = 'failed';--> statement-breakpoint
-- Messages stored before this migration keep the order they were shown in (by when they were stored).
UPDATE "messages" SET "sort_key" = floor(extract(epoch from "created_at") * 1000000)::numeric(40, 0) * 1000000000000;