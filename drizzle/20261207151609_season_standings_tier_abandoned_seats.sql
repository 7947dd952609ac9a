ALTER TABLE "season_standings" DROP CONSTRAINT "season_standings_season_player_unique";--> statement-breakpoint
ALTER TABLE "game_summaries" ADD COLUMN "abandoned_seats" integer[] DEFAULT '{}'::integer[] NOT NULL;--> statement-breakpoint
ALTER TABLE "season_standings" ADD COLUMN "tier" text DEFAULT 'season' NOT NULL;--> statement-breakpoint
ALTER TABLE "season_standings" DROP CONSTRAINT "season_standings_pkey";
--> statement-breakpoint
ALTER TABLE "season_standings" ADD CONSTRAINT "season_standings_pkey" PRIMARY KEY("season","tier","rank");--> statement-breakpoint
ALTER TABLE "season_standings" ADD CONSTRAINT "season_standings_season_tier_player_unique" UNIQUE("season","tier","player_id");--> statement-breakpoint
ALTER TABLE "season_standings" ADD CONSTRAINT "season_standings_tier_check" CHECK ("season_standings"."tier" IN ('season', 'rating'));