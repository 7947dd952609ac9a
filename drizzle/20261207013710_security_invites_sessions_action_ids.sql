ALTER TABLE "consumed_action_tokens" DROP CONSTRAINT "consumed_action_tokens_action_id_unique";--> statement-breakpoint
ALTER TABLE "games" ADD COLUMN "invite_code" text;--> statement-breakpoint
ALTER TABLE "refresh_tokens" ADD COLUMN "family_id" uuid DEFAULT gen_random_uuid() NOT NULL;--> statement-breakpoint
CREATE INDEX "refresh_tokens_family_id_idx" ON "refresh_tokens" USING btree ("family_id");--> statement-breakpoint
ALTER TABLE "consumed_action_tokens" ADD CONSTRAINT "consumed_action_tokens_user_action_unique" UNIQUE("user_id","action_id");