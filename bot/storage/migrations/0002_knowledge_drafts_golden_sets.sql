CREATE TABLE "knowledge_golden_queries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" text NOT NULL,
	"knowledge_base_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"query" text NOT NULL,
	"expected_keys" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "knowledge_golden_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" text NOT NULL,
	"knowledge_base_id" uuid NOT NULL,
	"version_id" uuid NOT NULL,
	"trigger" text NOT NULL,
	"operator_id" uuid,
	"queries" integer NOT NULL,
	"hit_at_1" double precision NOT NULL,
	"hit_at_5" double precision NOT NULL,
	"mrr_at_10" double precision NOT NULL,
	"misses" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "knowledge_versions" ADD COLUMN "based_on_version_id" uuid;--> statement-breakpoint
ALTER TABLE "knowledge_versions" ADD COLUMN "created_by" uuid;--> statement-breakpoint
ALTER TABLE "knowledge_versions" ADD COLUMN "published_by" uuid;--> statement-breakpoint
ALTER TABLE "knowledge_versions" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "knowledge_golden_queries" ADD CONSTRAINT "knowledge_golden_queries_knowledge_base_id_knowledge_bases_id_fk" FOREIGN KEY ("knowledge_base_id") REFERENCES "public"."knowledge_bases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_golden_runs" ADD CONSTRAINT "knowledge_golden_runs_knowledge_base_id_knowledge_bases_id_fk" FOREIGN KEY ("knowledge_base_id") REFERENCES "public"."knowledge_bases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_golden_runs" ADD CONSTRAINT "knowledge_golden_runs_version_id_knowledge_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."knowledge_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "knowledge_golden_queries_base_idx" ON "knowledge_golden_queries" USING btree ("knowledge_base_id","position");--> statement-breakpoint
CREATE INDEX "knowledge_golden_runs_base_created_idx" ON "knowledge_golden_runs" USING btree ("knowledge_base_id","created_at");--> statement-breakpoint
-- Hand-added: two concurrent first imports could create two bases of one name before this index; keep the oldest name, suffix the others with their id.
UPDATE "knowledge_bases" SET "name" = "name" || ' (' || "id" || ')' WHERE "id" IN (SELECT "id" FROM (SELECT "id", row_number() OVER (PARTITION BY "workspace_id", "name" ORDER BY "created_at", "id") AS "rank" FROM "knowledge_bases") AS "ranked" WHERE "rank" > 1);--> statement-breakpoint
CREATE UNIQUE INDEX "knowledge_bases_workspace_name_uq" ON "knowledge_bases" USING btree ("workspace_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "knowledge_versions_one_draft_uq" ON "knowledge_versions" USING btree ("knowledge_base_id") WHERE status = 'draft';--> statement-breakpoint
CREATE UNIQUE INDEX "knowledge_versions_one_published_uq" ON "knowledge_versions" USING btree ("knowledge_base_id") WHERE status = 'published';--> statement-breakpoint
CREATE INDEX "operator_sessions_expires_idx" ON "operator_sessions" USING btree ("expires_at");