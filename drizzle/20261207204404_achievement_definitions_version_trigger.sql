-- Custom SQL migration file, put your code below! --
-- The version of the achievement definitions (db/achievements.ts DefinitionCache): one row,
-- raised by one in the transaction of every statement that inserts, updates, deletes or
-- truncates definitions, so a completion that reads it sees the definitions' state of the same
-- snapshot (an edit and its version commit together).
INSERT INTO achievement_definitions_version (id, version) VALUES (true, 1) ON CONFLICT (id) DO NOTHING;
--> statement-breakpoint
CREATE FUNCTION pzo_achievements_bump_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE achievement_definitions_version SET version = version + 1 WHERE id;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER achievements_bump_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON achievements
  FOR EACH STATEMENT EXECUTE FUNCTION pzo_achievements_bump_version();
