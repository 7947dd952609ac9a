CREATE TABLE "achievements" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text NOT NULL,
	"condition" jsonb NOT NULL,
	"reward_coins" bigint DEFAULT 0 NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "achievements_reward_coins_check" CHECK ("achievements"."reward_coins" >= 0 AND "achievements"."reward_coins" <= 9007199254740991)
);
--> statement-breakpoint
CREATE TABLE "player_achievement_stats" (
	"player_id" uuid PRIMARY KEY NOT NULL,
	"perfect_games" integer DEFAULT 0 NOT NULL,
	"exact_zero_bids" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "player_achievement_stats_nonnegative_check" CHECK ("player_achievement_stats"."perfect_games" >= 0 AND "player_achievement_stats"."exact_zero_bids" >= 0)
);
--> statement-breakpoint
CREATE TABLE "player_achievements" (
	"player_id" uuid NOT NULL,
	"achievement_id" text NOT NULL,
	"game_id" uuid,
	"transaction_id" uuid,
	"unlocked_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "player_achievements_player_id_achievement_id_pk" PRIMARY KEY("player_id","achievement_id")
);
--> statement-breakpoint
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
ALTER TABLE "player_achievement_stats" ADD CONSTRAINT "player_achievement_stats_player_id_players_id_fk" FOREIGN KEY ("player_id") REFERENCES "public"."players"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "player_achievements" ADD CONSTRAINT "player_achievements_player_id_players_id_fk" FOREIGN KEY ("player_id") REFERENCES "public"."players"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "player_achievements" ADD CONSTRAINT "player_achievements_achievement_id_achievements_id_fk" FOREIGN KEY ("achievement_id") REFERENCES "public"."achievements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "player_achievements" ADD CONSTRAINT "player_achievements_game_id_games_id_fk" FOREIGN KEY ("game_id") REFERENCES "public"."games"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cosmetics" ADD CONSTRAINT "cosmetics_required_achievement_id_achievements_id_fk" FOREIGN KEY ("required_achievement_id") REFERENCES "public"."achievements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "equipped_cosmetics" ADD CONSTRAINT "equipped_cosmetics_owned_fk" FOREIGN KEY ("player_id","cosmetic_id") REFERENCES "public"."player_cosmetics"("player_id","cosmetic_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "player_cosmetics" ADD CONSTRAINT "player_cosmetics_player_id_players_id_fk" FOREIGN KEY ("player_id") REFERENCES "public"."players"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "player_cosmetics" ADD CONSTRAINT "player_cosmetics_cosmetic_id_cosmetics_id_fk" FOREIGN KEY ("cosmetic_id") REFERENCES "public"."cosmetics"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "player_achievements_achievement_idx" ON "player_achievements" USING btree ("achievement_id");--> statement-breakpoint
CREATE INDEX "player_cosmetics_cosmetic_source_idx" ON "player_cosmetics" USING btree ("cosmetic_id","source");