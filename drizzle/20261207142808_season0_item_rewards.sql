CREATE TABLE "inventory_grants" (
	"idempotency_key" text PRIMARY KEY NOT NULL,
	"player_id" uuid NOT NULL,
	"item_id" text NOT NULL,
	"quantity" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "inventory_grants_quantity_check" CHECK ("inventory_grants"."quantity" > 0 AND "inventory_grants"."quantity" <= 9007199254740991)
);
--> statement-breakpoint
ALTER TABLE "achievements" ADD COLUMN "reward_item_id" text;--> statement-breakpoint
ALTER TABLE "achievements" ADD COLUMN "reward_quantity" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "cosmetics" ADD COLUMN "item_id" text;--> statement-breakpoint
ALTER TABLE "inventory_grants" ADD CONSTRAINT "inventory_grants_player_id_players_id_fk" FOREIGN KEY ("player_id") REFERENCES "public"."players"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inventory_grants" ADD CONSTRAINT "inventory_grants_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "inventory_grants_player_id_idx" ON "inventory_grants" USING btree ("player_id");--> statement-breakpoint
ALTER TABLE "achievements" ADD CONSTRAINT "achievements_reward_item_id_items_id_fk" FOREIGN KEY ("reward_item_id") REFERENCES "public"."items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cosmetics" ADD CONSTRAINT "cosmetics_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cosmetics" ADD CONSTRAINT "cosmetics_item_id_unique" UNIQUE("item_id");--> statement-breakpoint
ALTER TABLE "achievements" ADD CONSTRAINT "achievements_reward_item_check" CHECK (("achievements"."reward_item_id" IS NULL AND "achievements"."reward_quantity" = 0) OR ("achievements"."reward_item_id" IS NOT NULL AND "achievements"."reward_quantity" BETWEEN 1 AND 1000000));