-- Custom SQL migration file, put your code below! --
-- Season 0 integrity that Drizzle's schema cannot express, and its seed rows:
--   * season_events and postings are append-only: UPDATE, DELETE (and TRUNCATE of the log) are refused;
--   * every ledger transaction has exactly two postings that sum to 0 (checked at commit);
--   * the `coins` currency, its system accounts (mint, sink, rewards) and the first items.
CREATE FUNCTION pzo_season_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'pzo: % on % is refused: it is append-only', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'restrict_violation';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER season_events_refuse_update BEFORE UPDATE ON season_events
  FOR EACH ROW EXECUTE FUNCTION pzo_season_events_append_only();
--> statement-breakpoint
CREATE TRIGGER season_events_refuse_delete BEFORE DELETE ON season_events
  FOR EACH ROW EXECUTE FUNCTION pzo_season_events_append_only();
--> statement-breakpoint
CREATE TRIGGER season_events_refuse_truncate BEFORE TRUNCATE ON season_events
  FOR EACH STATEMENT EXECUTE FUNCTION pzo_season_events_append_only();
--> statement-breakpoint
CREATE FUNCTION pzo_transaction_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  n integer;
  total numeric;
BEGIN
  SELECT count(*), coalesce(sum(amount), 0) INTO n, total FROM postings WHERE transaction_id = NEW.transaction_id;
  IF n <> 2 OR total <> 0 THEN
    RAISE EXCEPTION 'pzo: transaction % has % postings summing to %, not 2 summing to 0', NEW.transaction_id, n, total
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER postings_balanced AFTER INSERT ON postings
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION pzo_transaction_balanced();
--> statement-breakpoint
CREATE TRIGGER postings_refuse_update BEFORE UPDATE OR DELETE ON postings
  FOR EACH ROW EXECUTE FUNCTION pzo_season_events_append_only();
--> statement-breakpoint
INSERT INTO currencies (code, name) VALUES ('coins', 'Coins');
--> statement-breakpoint
INSERT INTO wallet_accounts (currency, system_name) VALUES ('coins', 'mint'), ('coins', 'sink'), ('coins', 'rewards');
--> statement-breakpoint
INSERT INTO items (id, name, kind) VALUES
  ('founder_badge', 'Founder badge', 'badge'),
  ('card_back_gold', 'Gold card back', 'card_back'),
  ('card_back_midnight', 'Midnight card back', 'card_back'),
  ('table_felt_green', 'Green table felt', 'table_felt'),
  ('emote_pack_1', 'Emote pack 1', 'emote');
