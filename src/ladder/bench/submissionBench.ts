/**
 * `npm run bench:submissions`: the whole external-score submission path on PostgreSQL, as
 * `POST /api/ladder/scores` runs it minus HTTP: verify the action token (HMAC), then the one
 * PostgreSQL statement (both ladder tiers, audit rows, the consumed token), then the cache and
 * the deltas (in-process cache). `bench:ladder` prints the same path on a 1,000,000-player
 * ladder with both caches; this one is the quick loop (a small ladder, seconds to run).
 *
 * It makes its own database on the server of DATABASE_URL and drops it at the end. It prints
 * p50/p99, the rate, and the CPU per submission (this process, and the PostgreSQL backends),
 * at concurrency 1 (one submission at a time) and 16 (16 in flight).
 *
 * Environment: SUBMISSION_BENCH_PLAYERS (default 1000), SUBMISSION_BENCH_N (per run, default 3000).
 */
import { cpus, loadavg } from "node:os";
import { Registry } from "prom-client";
import { ActionTokens } from "../actionTokens.js";
import { InProcessDeltaPublisher } from "../deltas.js";
import { MemoryLadderCache } from "../memoryCache.js";
import { PgLadderStore } from "../../../db/ladderStore.js";
import { silentLogger } from "../ranking.js";
import { LadderService } from "../service.js";
import { ScoreSubmissionService } from "../submission.js";
import { freshPostgresLadderDb, TEST_DATABASE_URL } from "../testing/ladderDb.js";
import { formatWholePath, makePlayers, runSubmissions, seedBenchDb } from "./wholePath.js";

const PLAYERS = Number(process.env["SUBMISSION_BENCH_PLAYERS"] ?? 1_000);
const SUBMISSIONS = Number(process.env["SUBMISSION_BENCH_N"] ?? 3_000);

if (TEST_DATABASE_URL === undefined) {
  console.error("bench:submissions needs DATABASE_URL (an admin connection: it makes and drops its own database)");
  process.exit(2);
}

const load = (): string => `${loadavg().map((l) => l.toFixed(2)).join(" ")} on ${cpus().length} cores`;
console.log(`bench:submissions: ${SUBMISSIONS} submissions per run over ${PLAYERS} players (all ranked in both tiers), PostgreSQL, in-process cache; load average at start ${load()}`);
const handle = await freshPostgresLadderDb();
const registry = new Registry();
const entries = makePlayers(PLAYERS);
const userIds = await seedBenchDb(handle.url, entries, PLAYERS, entries.map((_, i) => i));
const cache = new MemoryLadderCache();
await cache.replaceAll("all_time", [entries]);
await cache.replaceAll("season:0", [entries]);
const ladder = new LadderService({ cache, store: new PgLadderStore(handle.db), publisher: new InProcessDeltaPublisher(), logger: silentLogger, registry, options: { driftIntervalMs: 0 } });
try {
  await ladder.start();
  const tokens = new ActionTokens("bench-secret-bench-secret-bench-secret-0123");
  const submissions = new ScoreSubmissionService({ db: handle.db, tokens, ladder, logger: silentLogger, registry });
  for (const concurrency of [1, 16]) {
    const s = await runSubmissions({ db: handle.db, submissions, tokens, userIds, n: SUBMISSIONS, concurrency });
    console.log(`  ${formatWholePath(s)}  [target p99 <= 20 ms: ${s.p99 <= 20 ? "PASS" : "NOT met"}]`);
  }
} finally {
  await ladder.stop();
  await handle.close();
}
console.log(`load average at end ${load()}`);
