ALTER TABLE "players" ADD COLUMN "unranked" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "player_lifetime_stats" ADD COLUMN "rounds_played" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "player_lifetime_stats" ADD COLUMN "bids_made" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "player_lifetime_stats" ADD COLUMN "zero_bids_made" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "player_lifetime_stats" ADD COLUMN "games_abandoned" integer DEFAULT 0 NOT NULL;