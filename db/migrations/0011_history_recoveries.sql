CREATE TABLE "history_recoveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"company_id" uuid NOT NULL,
	"channel_id" uuid NOT NULL,
	"incident_id" uuid,
	"page_id" text,
	"since" timestamp with time zone NOT NULL,
	"until" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"found" integer,
	"processed" integer DEFAULT 0 NOT NULL,
	"recovered_count" integer DEFAULT 0 NOT NULL,
	"truncated" boolean DEFAULT false NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "history_recoveries" ADD CONSTRAINT "history_recoveries_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "history_recoveries" ADD CONSTRAINT "history_recoveries_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "history_recoveries" ADD CONSTRAINT "history_recoveries_incident_id_channel_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."channel_incidents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "history_recoveries_channel_idx" ON "history_recoveries" USING btree ("channel_id","created_at");--> statement-breakpoint
CREATE INDEX "history_recoveries_unfinished_idx" ON "history_recoveries" USING btree ("created_at") WHERE "history_recoveries"."status" in ('queued', 'running');