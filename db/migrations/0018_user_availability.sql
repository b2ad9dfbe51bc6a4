CREATE TYPE "public"."user_availability" AS ENUM('online', 'away');--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "availability" "user_availability" DEFAULT 'online' NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "availability_changed_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "availability_auto" boolean DEFAULT false NOT NULL;