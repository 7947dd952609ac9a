CREATE TABLE "node_leases" (
	"node_id" text PRIMARY KEY NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "games" ADD COLUMN "owner_node" text;--> statement-breakpoint
ALTER TABLE "games" ADD COLUMN "owner_epoch" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "node_leases_expires_at_idx" ON "node_leases" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "games_owner_node_idx" ON "games" USING btree ("owner_node") WHERE "games"."status" = 'in_progress';