CREATE TABLE "saved_replies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"company_id" uuid NOT NULL,
	"owner_id" uuid,
	"code" text NOT NULL,
	"title" text NOT NULL,
	"bodies" jsonb NOT NULL,
	"default_locale" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "contacts" ADD COLUMN "language_code" text;--> statement-breakpoint
ALTER TABLE "saved_replies" ADD CONSTRAINT "saved_replies_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "saved_replies" ADD CONSTRAINT "saved_replies_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "saved_replies_company_code_unique" ON "saved_replies" USING btree ("company_id","code") WHERE "saved_replies"."owner_id" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "saved_replies_owner_code_unique" ON "saved_replies" USING btree ("owner_id","code") WHERE "saved_replies"."owner_id" is not null;--> statement-breakpoint
CREATE INDEX "saved_replies_company_idx" ON "saved_replies" USING btree ("company_id");