ALTER TABLE "channel_incidents" ADD COLUMN "resolution" text;--> statement-breakpoint
ALTER TABLE "channel_incidents" ADD COLUMN "detected_by" text;--> statement-breakpoint
ALTER TABLE "channel_incidents" ADD COLUMN "recovered_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "probe_failures" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "error_score" real DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "error_score_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "warning_reason" text;--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "warning_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "warning_detail" jsonb;--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "last_probe_at" timestamp with time zone;