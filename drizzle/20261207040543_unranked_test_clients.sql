-- Test clients' guests (docs/LADDER.md, L8): `npm run bots` names its guests cli-bot-<table>-<seat>
-- and `npm run loadtest` names them load-<n>. Those made before the `unranked` flag existed are
-- flagged here, and their ladder entries removed (the drift check then drops them from the
-- ladder cache). Their games, summaries, stats and score events are kept.
UPDATE "players" SET "unranked" = true
WHERE "user_id" IS NULL AND "is_bot" = false
  AND ("display_name" ~ '^cli-bot-[0-9]+-[0-9]+$' OR "display_name" ~ '^load-[0-9]+$');
--> statement-breakpoint
DELETE FROM "ladder_entries" WHERE "player_id" IN (SELECT "id" FROM "players" WHERE "unranked");
