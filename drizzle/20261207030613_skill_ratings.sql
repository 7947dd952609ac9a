CREATE TABLE "player_ratings" (
	"player_id" uuid PRIMARY KEY NOT NULL,
	"mu" double precision NOT NULL,
	"sigma" double precision NOT NULL,
	"games" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "player_ratings_sigma_check" CHECK ("player_ratings"."sigma" > 0),
	CONSTRAINT "player_ratings_games_check" CHECK ("player_ratings"."games" >= 0)
);
--> statement-breakpoint
CREATE TABLE "rating_updates" (
	"game_id" uuid NOT NULL,
	"player_id" uuid NOT NULL,
	"place" integer NOT NULL,
	"mu_before" double precision NOT NULL,
	"sigma_before" double precision NOT NULL,
	"mu_after" double precision NOT NULL,
	"sigma_after" double precision NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rating_updates_pkey" PRIMARY KEY("game_id","player_id")
);
--> statement-breakpoint
ALTER TABLE "ladder_entries" DROP CONSTRAINT "ladder_entries_tier_check";--> statement-breakpoint
ALTER TABLE "score_events" DROP CONSTRAINT "score_events_tier_check";--> statement-breakpoint
ALTER TABLE "player_ratings" ADD CONSTRAINT "player_ratings_player_id_players_id_fk" FOREIGN KEY ("player_id") REFERENCES "public"."players"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rating_updates" ADD CONSTRAINT "rating_updates_game_id_games_id_fk" FOREIGN KEY ("game_id") REFERENCES "public"."games"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rating_updates" ADD CONSTRAINT "rating_updates_player_id_players_id_fk" FOREIGN KEY ("player_id") REFERENCES "public"."players"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "rating_updates_player_id_idx" ON "rating_updates" USING btree ("player_id");--> statement-breakpoint
ALTER TABLE "ladder_entries" ADD CONSTRAINT "ladder_entries_rating_season_check" CHECK ("ladder_entries"."tier" <> 'rating' OR "ladder_entries"."season" = 0);--> statement-breakpoint
ALTER TABLE "ladder_entries" ADD CONSTRAINT "ladder_entries_tier_check" CHECK ("ladder_entries"."tier" IN ('all_time', 'season', 'rating'));--> statement-breakpoint
ALTER TABLE "score_events" ADD CONSTRAINT "score_events_tier_check" CHECK ("score_events"."tier" IN ('all_time', 'season', 'rating'));