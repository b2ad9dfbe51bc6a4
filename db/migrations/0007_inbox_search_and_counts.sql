CREATE TABLE "conversation_term_backlog" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "conversation_term_backlog_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"conversation_id" uuid NOT NULL,
	"terms" "tsvector" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "conversation_terms" (
	"conversation_id" uuid PRIMARY KEY NOT NULL,
	"terms" "tsvector" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inbox_count_deltas" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "inbox_count_deltas_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"company_id" uuid NOT NULL,
	"status" "conversation_status" NOT NULL,
	"assignee_id" uuid,
	"line_id" uuid,
	"channel_id" uuid NOT NULL,
	"team_id" uuid,
	"delta" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inbox_counts" (
	"company_id" uuid NOT NULL,
	"status" "conversation_status" NOT NULL,
	"assignee_id" uuid,
	"line_id" uuid,
	"channel_id" uuid NOT NULL,
	"team_id" uuid,
	"n" integer NOT NULL,
	CONSTRAINT "inbox_counts_group_unique" UNIQUE NULLS NOT DISTINCT("company_id","status","assignee_id","line_id","channel_id","team_id")
);
--> statement-breakpoint
DROP INDEX "messages_text_search_idx";--> statement-breakpoint
ALTER TABLE "conversation_terms" ADD CONSTRAINT "conversation_terms_conversation_id_conversations_id_fk" FOREIGN KEY ("conversation_id") REFERENCES "public"."conversations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "conversation_term_backlog_conversation_idx" ON "conversation_term_backlog" USING btree ("conversation_id");--> statement-breakpoint
CREATE INDEX "conversation_terms_idx" ON "conversation_terms" USING gin ("terms");--> statement-breakpoint
CREATE INDEX "inbox_count_deltas_company_idx" ON "inbox_count_deltas" USING btree ("company_id");