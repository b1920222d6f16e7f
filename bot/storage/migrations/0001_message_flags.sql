ALTER TABLE "messages" ADD COLUMN "mentions_bot" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "from_self" boolean DEFAULT false NOT NULL;