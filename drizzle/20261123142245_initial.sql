CREATE TABLE "players" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" text,
	"display_name" text NOT NULL,
	"avatar_seed" text NOT NULL,
	"color" text NOT NULL,
	"is_bot" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "players_user_id_unique" UNIQUE("user_id")
);
--> statement-breakpoint
CREATE TABLE "games" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"session_seed" text NOT NULL,
	"seed_commitment" text NOT NULL,
	"config" jsonb NOT NULL,
	"status" text NOT NULL,
	"started_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "games_status_check" CHECK ("games"."status" IN ('created', 'in_progress', 'completed')),
	CONSTRAINT "games_completed_at_matches_status" CHECK (("games"."status" = 'completed') = ("games"."completed_at" IS NOT NULL)),
	CONSTRAINT "games_started_at_after_created" CHECK ("games"."status" = 'created' OR "games"."started_at" IS NOT NULL)
);
--> statement-breakpoint
CREATE TABLE "game_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"game_id" uuid NOT NULL,
	"event_index" integer NOT NULL,
	"type" text NOT NULL,
	"payload" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "game_events_game_id_event_index_unique" UNIQUE("game_id","event_index")
);
--> statement-breakpoint
CREATE TABLE "game_summaries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"game_id" uuid NOT NULL,
	"players" jsonb NOT NULL,
	"rounds" jsonb NOT NULL,
	"final_scores" jsonb NOT NULL,
	"highest_bid" integer,
	"highest_score" integer,
	"lowest_score" integer,
	"most_consecutive_wins" integer,
	"most_consecutive_losses" integer,
	"highest_misplay" integer,
	"completion_seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "game_summaries_completion_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "game_summaries_game_id_unique" UNIQUE("game_id"),
	CONSTRAINT "game_summaries_completion_seq_unique" UNIQUE("completion_seq")
);
--> statement-breakpoint
CREATE TABLE "player_lifetime_stats" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"player_id" uuid NOT NULL,
	"games_played" integer DEFAULT 0 NOT NULL,
	"games_won" integer DEFAULT 0 NOT NULL,
	"highest_score" integer,
	"lowest_score" integer,
	"total_points" integer DEFAULT 0 NOT NULL,
	"total_tricks_won" integer DEFAULT 0 NOT NULL,
	"most_consecutive_wins" integer DEFAULT 0 NOT NULL,
	"most_consecutive_losses" integer DEFAULT 0 NOT NULL,
	"current_win_streak" integer DEFAULT 0 NOT NULL,
	"current_loss_streak" integer DEFAULT 0 NOT NULL,
	"last_game_at" timestamp with time zone,
	CONSTRAINT "player_lifetime_stats_player_id_unique" UNIQUE("player_id")
);
--> statement-breakpoint
CREATE TABLE "room_directory" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"game_id" uuid NOT NULL,
	"join_code" text NOT NULL,
	"is_public" boolean DEFAULT true NOT NULL,
	"max_players" integer NOT NULL,
	"current_players" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "room_directory_game_id_unique" UNIQUE("game_id")
);
--> statement-breakpoint
CREATE TABLE "refresh_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"token_hash" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "refresh_tokens_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"username" text NOT NULL,
	"email" text NOT NULL,
	"password_hash" text NOT NULL,
	"role" text DEFAULT 'player' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_username_unique" UNIQUE("username"),
	CONSTRAINT "users_email_unique" UNIQUE("email"),
	CONSTRAINT "users_role_check" CHECK ("users"."role" IN ('player', 'admin'))
);
--> statement-breakpoint
CREATE TABLE "ladder_entries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"player_id" uuid NOT NULL,
	"tier" text NOT NULL,
	"season" integer NOT NULL,
	"total_score" bigint DEFAULT 0 NOT NULL,
	"highest_score" bigint,
	"games_played" integer DEFAULT 0 NOT NULL,
	"wins" integer DEFAULT 0 NOT NULL,
	"score_first_reached_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ladder_entries_player_tier_season_unique" UNIQUE("player_id","tier","season"),
	CONSTRAINT "ladder_entries_tier_check" CHECK ("ladder_entries"."tier" IN ('all_time', 'season')),
	CONSTRAINT "ladder_entries_all_time_season_check" CHECK ("ladder_entries"."tier" <> 'all_time' OR "ladder_entries"."season" = 0),
	CONSTRAINT "ladder_entries_total_safe_check" CHECK ("ladder_entries"."total_score" BETWEEN -9007199254740991 AND 9007199254740991),
	CONSTRAINT "ladder_entries_highest_safe_check" CHECK ("ladder_entries"."highest_score" BETWEEN -9007199254740991 AND 9007199254740991)
);
--> statement-breakpoint
CREATE TABLE "seasons" (
	"id" integer PRIMARY KEY NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone,
	CONSTRAINT "seasons_id_check" CHECK ("seasons"."id" >= 0)
);
--> statement-breakpoint
CREATE TABLE "score_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"player_id" uuid,
	"tier" text NOT NULL,
	"season" integer NOT NULL,
	"source" text NOT NULL,
	"game_id" uuid,
	"action_id" text,
	"delta" bigint NOT NULL,
	"total_after" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "score_events_tier_check" CHECK ("score_events"."tier" IN ('all_time', 'season')),
	CONSTRAINT "score_events_source_check" CHECK ("score_events"."source" IN ('game', 'external')),
	CONSTRAINT "score_events_source_game_check" CHECK ("score_events"."source" <> 'game' OR "score_events"."game_id" IS NOT NULL)
);
--> statement-breakpoint
CREATE TABLE "consumed_action_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"action_id" text NOT NULL,
	"user_id" uuid NOT NULL,
	"response" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "consumed_action_tokens_action_id_unique" UNIQUE("action_id")
);
--> statement-breakpoint
ALTER TABLE "game_events" ADD CONSTRAINT "game_events_game_id_games_id_fk" FOREIGN KEY ("game_id") REFERENCES "public"."games"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "game_summaries" ADD CONSTRAINT "game_summaries_game_id_games_id_fk" FOREIGN KEY ("game_id") REFERENCES "public"."games"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "player_lifetime_stats" ADD CONSTRAINT "player_lifetime_stats_player_id_players_id_fk" FOREIGN KEY ("player_id") REFERENCES "public"."players"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "room_directory" ADD CONSTRAINT "room_directory_game_id_games_id_fk" FOREIGN KEY ("game_id") REFERENCES "public"."games"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "refresh_tokens" ADD CONSTRAINT "refresh_tokens_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ladder_entries" ADD CONSTRAINT "ladder_entries_player_id_players_id_fk" FOREIGN KEY ("player_id") REFERENCES "public"."players"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "score_events" ADD CONSTRAINT "score_events_player_id_players_id_fk" FOREIGN KEY ("player_id") REFERENCES "public"."players"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "score_events" ADD CONSTRAINT "score_events_game_id_games_id_fk" FOREIGN KEY ("game_id") REFERENCES "public"."games"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consumed_action_tokens" ADD CONSTRAINT "consumed_action_tokens_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "players_user_id_idx" ON "players" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "games_status_idx" ON "games" USING btree ("status");--> statement-breakpoint
CREATE INDEX "games_created_at_idx" ON "games" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "game_events_game_id_idx" ON "game_events" USING btree ("game_id");--> statement-breakpoint
CREATE INDEX "game_events_game_id_event_index_idx" ON "game_events" USING btree ("game_id","event_index");--> statement-breakpoint
CREATE INDEX "pls_last_game_idx" ON "player_lifetime_stats" USING btree ("last_game_at");--> statement-breakpoint
CREATE INDEX "room_directory_is_public_created_at_idx" ON "room_directory" USING btree ("is_public","created_at");--> statement-breakpoint
CREATE INDEX "room_directory_join_code_idx" ON "room_directory" USING btree ("join_code");--> statement-breakpoint
CREATE INDEX "refresh_tokens_user_id_idx" ON "refresh_tokens" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "ladder_entries_rank_idx" ON "ladder_entries" USING btree ("tier","season","total_score" DESC NULLS LAST,"score_first_reached_at","player_id");--> statement-breakpoint
CREATE UNIQUE INDEX "seasons_one_current_idx" ON "seasons" USING btree (("ended_at" IS NULL)) WHERE "seasons"."ended_at" IS NULL;--> statement-breakpoint
CREATE INDEX "score_events_player_id_idx" ON "score_events" USING btree ("player_id");--> statement-breakpoint
CREATE INDEX "score_events_game_id_idx" ON "score_events" USING btree ("game_id");--> statement-breakpoint
CREATE INDEX "score_events_tier_season_created_at_idx" ON "score_events" USING btree ("tier","season","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "score_events_game_player_tier_season_idx" ON "score_events" USING btree ("game_id","player_id","tier","season") WHERE "score_events"."game_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "consumed_action_tokens_user_id_idx" ON "consumed_action_tokens" USING btree ("user_id");