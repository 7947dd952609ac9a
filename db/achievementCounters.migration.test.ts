/**
 * The migrations that folded the achievement counters into the lifetime stats
 * (`lifetime_perfect_games`, `lifetime_perfect_games_copy`, `drop_player_achievement_stats`) and
 * added the definitions' version (`achievement_definitions_version`, `..._trigger`), on PGlite
 * and PostgreSQL: a database migrated up to just before them, holding counters, is migrated on;
 * `perfect_games` is copied, `zero_bids_made` keeps the larger of itself and `exact_zero_bids`,
 * a player with counters and no stats row gets one, the old table is gone, and the version row
 * moves with every statement that changes the definitions.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { adminUrl } from "../test/support/db.js";
import { createDatabase, migrate, PGLITE_MEMORY, type DatabaseHandle } from "./client.js";
import { createScratchDatabase } from "./testing/scratchDatabase.js";

const FOLDED = ["lifetime_perfect_games", "lifetime_perfect_games_copy", "drop_player_achievement_stats", "achievement_definitions_version", "achievement_definitions_version_trigger"];
const drizzleDir = fileURLToPath(new URL("../drizzle/", import.meta.url));

/** A copy of the migrations folder whose journal stops before the first of {@link FOLDED}. */
function migrationsBefore(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "pzo-migrations-"));
  cpSync(drizzleDir, dir, { recursive: true });
  const journalPath = path.join(dir, "meta", "_journal.json");
  const journal = JSON.parse(readFileSync(journalPath, "utf8")) as { entries: { tag: string }[] };
  const first = journal.entries.findIndex((e) => e.tag.endsWith(`_${FOLDED[0] ?? ""}`));
  expect(journal.entries.slice(first, first + FOLDED.length).map((e) => e.tag.replace(/^\d+_/, ""))).toEqual(FOLDED);
  writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, first) }));
  return dir;
}

const ids = [1, 2, 3].map((n) => `00000000-0000-4000-8000-00000000000${n}`);

async function rowsOf(handle: DatabaseHandle, query: string): Promise<Record<string, unknown>[]> {
  const r: unknown = await handle.db.execute(sql.raw(query));
  return (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Record<string, unknown>[];
}

const backends: { name: string; open(): Promise<{ handle: DatabaseHandle; drop(): Promise<void> }> }[] = [
  { name: "pglite", open: async () => ({ handle: await createDatabase({ pgliteDir: PGLITE_MEMORY }), drop: () => Promise.resolve() }) },
];
const admin = adminUrl();
if (admin !== undefined) {
  backends.push({
    name: "postgres",
    async open() {
      const scratch = await createScratchDatabase(admin);
      return { handle: await createDatabase({ url: scratch.url }), drop: () => scratch.drop() };
    },
  });
}

describe.each(backends)("achievement counters folded into the lifetime stats on $name", (backend) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it("copies the counters, drops player_achievement_stats, and versions the definitions", async () => {
    const before = migrationsBefore();
    cleanups.push(() => {
      rmSync(before, { recursive: true, force: true });
      return Promise.resolve();
    });
    const opened = await backend.open();
    const { handle } = opened;
    cleanups.push(async () => {
      await handle.close();
      await opened.drop();
    });
    await migrate(handle, before);
    await rowsOf(handle, `INSERT INTO players (id, display_name, avatar_seed, color) VALUES ${ids.map((id) => `('${id}', 'p', 's', '#000000')`).join(", ")}`);
    await rowsOf(handle, `INSERT INTO player_lifetime_stats (player_id, games_played, zero_bids_made) VALUES ('${ids[0]}', 5, 7), ('${ids[1]}', 2, 1)`);
    await rowsOf(handle, `INSERT INTO player_achievement_stats (player_id, perfect_games, exact_zero_bids) VALUES ('${ids[0]}', 2, 4), ('${ids[1]}', 1, 3), ('${ids[2]}', 1, 2)`);
    await migrate(handle);
    const stats = await rowsOf(handle, `SELECT player_id::text AS id, games_played::int AS played, perfect_games::int AS perfect, zero_bids_made::int AS zeros FROM player_lifetime_stats ORDER BY player_id`);
    expect(stats).toEqual([
      { id: ids[0], played: 5, perfect: 2, zeros: 7 },
      { id: ids[1], played: 2, perfect: 1, zeros: 3 },
      { id: ids[2], played: 0, perfect: 1, zeros: 2 },
    ]);
    expect(await rowsOf(handle, `SELECT to_regclass('player_achievement_stats')::text AS t`)).toEqual([{ t: null }]);
    const version = async () => (await rowsOf(handle, `SELECT version::int AS v FROM achievement_definitions_version`)).map((r) => r["v"]);
    expect(await version()).toEqual([1]);
    await rowsOf(handle, `UPDATE achievements SET enabled = enabled WHERE id = 'regular'`);
    await rowsOf(handle, `INSERT INTO achievements (id, name, description, condition) VALUES ('probe', 'Probe', 'A probe.', '{"kind":"manual"}'::jsonb)`);
    await rowsOf(handle, `DELETE FROM achievements WHERE id = 'probe'`);
    expect(await version()).toEqual([4]);
  });
});
