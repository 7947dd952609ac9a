-- Custom SQL migration file, put your code below! --
-- Integrity that Drizzle's schema cannot express (spec 004 §5.2, §7, §10):
--   * infinite retention: games, game_events and game_summaries refuse DELETE and TRUNCATE;
--     game_events also refuses UPDATE (events are append-only);
--   * games only move forward (created -> in_progress -> completed), their identity columns
--     never change, and a completed game is frozen;
--   * games.completed_at set implies a game_summaries row, checked at commit (deferred);
--   * Season 0 exists.
CREATE FUNCTION pzo_refuse_removal() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'pzo: % on % is refused: rows are retained forever', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'restrict_violation',
          HINT = 'games, game_events and game_summaries are append-only (spec 004 §2, §7).';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER games_refuse_delete BEFORE DELETE ON games
  FOR EACH ROW EXECUTE FUNCTION pzo_refuse_removal();
--> statement-breakpoint
CREATE TRIGGER games_refuse_truncate BEFORE TRUNCATE ON games
  FOR EACH STATEMENT EXECUTE FUNCTION pzo_refuse_removal();
--> statement-breakpoint
CREATE TRIGGER game_events_refuse_delete BEFORE DELETE ON game_events
  FOR EACH ROW EXECUTE FUNCTION pzo_refuse_removal();
--> statement-breakpoint
CREATE TRIGGER game_events_refuse_update BEFORE UPDATE ON game_events
  FOR EACH ROW EXECUTE FUNCTION pzo_refuse_removal();
--> statement-breakpoint
CREATE TRIGGER game_events_refuse_truncate BEFORE TRUNCATE ON game_events
  FOR EACH STATEMENT EXECUTE FUNCTION pzo_refuse_removal();
--> statement-breakpoint
CREATE TRIGGER game_summaries_refuse_delete BEFORE DELETE ON game_summaries
  FOR EACH ROW EXECUTE FUNCTION pzo_refuse_removal();
--> statement-breakpoint
CREATE TRIGGER game_summaries_refuse_truncate BEFORE TRUNCATE ON game_summaries
  FOR EACH STATEMENT EXECUTE FUNCTION pzo_refuse_removal();
--> statement-breakpoint
CREATE FUNCTION pzo_games_guard_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.id <> OLD.id OR NEW.session_seed <> OLD.session_seed OR NEW.seed_commitment <> OLD.seed_commitment
     OR NEW.config <> OLD.config OR NEW.created_at <> OLD.created_at THEN
    RAISE EXCEPTION 'pzo: game % keeps its id, seed, commitment, config and created_at', OLD.id
      USING ERRCODE = 'restrict_violation';
  END IF;
  IF OLD.status = 'completed' AND NEW IS DISTINCT FROM OLD THEN
    RAISE EXCEPTION 'pzo: game % is completed and cannot change', OLD.id
      USING ERRCODE = 'restrict_violation';
  END IF;
  IF (OLD.status = 'in_progress' AND NEW.status = 'created') THEN
    RAISE EXCEPTION 'pzo: game % cannot move from % back to %', OLD.id, OLD.status, NEW.status
      USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER games_guard_update BEFORE UPDATE ON games
  FOR EACH ROW EXECUTE FUNCTION pzo_games_guard_update();
--> statement-breakpoint
CREATE FUNCTION pzo_completed_game_has_summary() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM game_summaries WHERE game_id = NEW.id) THEN
    RAISE EXCEPTION 'pzo: game % has completed_at set but no game_summaries row', NEW.id
      USING ERRCODE = 'integrity_constraint_violation',
            HINT = 'Complete games through completeGame(), which writes both in one transaction (spec 004 §10).';
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER games_completed_has_summary AFTER INSERT OR UPDATE OF completed_at ON games
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW WHEN (NEW.completed_at IS NOT NULL)
  EXECUTE FUNCTION pzo_completed_game_has_summary();
--> statement-breakpoint
INSERT INTO seasons (id, started_at) VALUES (0, now()) ON CONFLICT (id) DO NOTHING;
