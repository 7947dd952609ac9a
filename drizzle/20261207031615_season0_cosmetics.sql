CREATE TABLE "cosmetics" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"availability" text DEFAULT 'shop' NOT NULL,
	"price_coins" bigint DEFAULT 0 NOT NULL,
	"required_achievement_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "cosmetics_kind_check" CHECK ("cosmetics"."kind" IN ('card_back', 'seat_frame', 'table_felt')),
	CONSTRAINT "cosmetics_availability_check" CHECK ("cosmetics"."availability" IN ('shop', 'grant')),
	CONSTRAINT "cosmetics_price_check" CHECK ("cosmetics"."price_coins" >= 0 AND "cosmetics"."price_coins" <= 9007199254740991)
);
--> statement-breakpoint
CREATE TABLE "equipped_cosmetics" (
	"player_id" uuid NOT NULL,
	"slot" text NOT NULL,
	"cosmetic_id" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "equipped_cosmetics_player_id_slot_pk" PRIMARY KEY("player_id","slot"),
	CONSTRAINT "equipped_cosmetics_slot_check" CHECK ("equipped_cosmetics"."slot" IN ('card_back', 'seat_frame', 'table_felt'))
);
--> statement-breakpoint
CREATE TABLE "player_cosmetics" (
	"player_id" uuid NOT NULL,
	"cosmetic_id" text NOT NULL,
	"source" text NOT NULL,
	"transaction_id" uuid,
	"unlocked_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "player_cosmetics_player_id_cosmetic_id_pk" PRIMARY KEY("player_id","cosmetic_id"),
	CONSTRAINT "player_cosmetics_source_check" CHECK ("player_cosmetics"."source" IN ('purchase', 'claim', 'founder', 'grant'))
);
--> statement-breakpoint
ALTER TABLE "cosmetics" ADD CONSTRAINT "cosmetics_required_achievement_id_achievements_id_fk" FOREIGN KEY ("required_achievement_id") REFERENCES "public"."achievements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "equipped_cosmetics" ADD CONSTRAINT "equipped_cosmetics_owned_fk" FOREIGN KEY ("player_id","cosmetic_id") REFERENCES "public"."player_cosmetics"("player_id","cosmetic_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "player_cosmetics" ADD CONSTRAINT "player_cosmetics_player_id_players_id_fk" FOREIGN KEY ("player_id") REFERENCES "public"."players"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "player_cosmetics" ADD CONSTRAINT "player_cosmetics_cosmetic_id_cosmetics_id_fk" FOREIGN KEY ("cosmetic_id") REFERENCES "public"."cosmetics"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "player_cosmetics_cosmetic_source_idx" ON "player_cosmetics" USING btree ("cosmetic_id","source");