CREATE TABLE "season_ends" (
	"season" integer PRIMARY KEY NOT NULL,
	"trigger" text NOT NULL,
	"scheduled_for" timestamp with time zone,
	"ended_at" timestamp with time zone DEFAULT now() NOT NULL,
	"rewards_granted_at" timestamp with time zone,
	CONSTRAINT "season_ends_trigger_check" CHECK ("season_ends"."trigger" IN ('schedule', 'admin'))
);
--> statement-breakpoint
CREATE TABLE "season_standings" (
	"season" integer NOT NULL,
	"rank" integer NOT NULL,
	"player_id" uuid NOT NULL,
	"total" bigint NOT NULL,
	"games" integer NOT NULL,
	"wins" integer NOT NULL,
	CONSTRAINT "season_standings_pkey" PRIMARY KEY("season","rank"),
	CONSTRAINT "season_standings_season_player_unique" UNIQUE("season","player_id")
);
--> statement-breakpoint
ALTER TABLE "season_ends" ADD CONSTRAINT "season_ends_season_seasons_id_fk" FOREIGN KEY ("season") REFERENCES "public"."seasons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "season_standings" ADD CONSTRAINT "season_standings_season_seasons_id_fk" FOREIGN KEY ("season") REFERENCES "public"."seasons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "season_standings" ADD CONSTRAINT "season_standings_player_id_players_id_fk" FOREIGN KEY ("player_id") REFERENCES "public"."players"("id") ON DELETE cascade ON UPDATE no action;