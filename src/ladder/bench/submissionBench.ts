/**
 * `npm run bench:submissions`: the whole external-score submission path on PostgreSQL, as
 * `POST /api/ladder/scores` runs it minus HTTP: verify the action token (HMAC), then one
 * transaction (consume the token, both ladder tiers, audit rows), then the cache and the deltas.
 * `bench:ladder` times only the cache part; this adds the database.
 *
 * It makes its own database on the server of DATABASE_URL and drops it at the end. It prints
 * p50/p99 at concurrency 1 (one submission at a time) and at concurrency 16 (16 in flight).
 */
import { randomUUID } from "node:crypto";
import { loadavg } from "node:os";
import { Registry } from "prom-client";
import { users } from "../../../db/schema/index.js";
import { ActionTokens } from "../actionTokens.js";
import { InProcessDeltaPublisher } from "../deltas.js";
import { MemoryLadderCache } from "../memoryCache.js";
import { PgLadderStore } from "../pgStore.js";
import { silentLogger } from "../ranking.js";
import { LadderService } from "../service.js";
import { ScoreSubmissionService } from "../submission.js";
import { freshPostgresLadderDb, insertPlayers, TEST_DATABASE_URL } from "../testing/ladderDb.js";

const PLAYERS = 1_000;
const SUBMISSIONS = 3_000;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

if (TEST_DATABASE_URL === undefined) {
  console.error("bench:submissions needs DATABASE_URL (an admin connection: it makes and drops its own database)");
  process.exit(2);
}

const load = (): string => loadavg().map((l) => l.toFixed(2)).join(" ");
console.log(`bench:submissions: ${SUBMISSIONS} submissions per run over ${PLAYERS} players, PostgreSQL; load average at start ${load()}`);
const handle = await freshPostgresLadderDb();
const registry = new Registry();
const ladder = new LadderService({ cache: new MemoryLadderCache(), store: new PgLadderStore(handle.db), publisher: new InProcessDeltaPublisher(), logger: silentLogger, registry, options: { driftIntervalMs: 0 } });
try {
  await ladder.start();
  const tokens = new ActionTokens("bench-secret-bench-secret-bench-secret-0123");
  const submissions = new ScoreSubmissionService({ db: handle.db, tokens, ladder, logger: silentLogger, registry });
  const userIds = Array.from({ length: PLAYERS }, () => randomUUID());
  await handle.db.insert(users).values(userIds.map((id) => ({ id, username: `u${id}`, email: `${id}@bench.test`, passwordHash: "x" })));
  await insertPlayers(handle.db, PLAYERS, userIds);

  for (const concurrency of [1, 16]) {
    const times: number[] = [];
    let next = 0;
    const started = performance.now();
    const worker = async (): Promise<void> => {
      while (next < SUBMISSIONS) {
        const i = next++;
        const userId = userIds[i % PLAYERS] ?? "";
        const token = tokens.issue({ actionId: `bench_${randomUUID()}`, userId, maxScore: 1_000, expiresAt: Date.now() + 300_000 });
        const t0 = performance.now();
        const res = await submissions.submit({ token, callerUserId: userId, delta: 1 + (i % 100) });
        times.push(performance.now() - t0);
        if (res.status !== "applied") throw new Error(`submission ${i} was ${res.status}`);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const seconds = (performance.now() - started) / 1000;
    times.sort((a, b) => a - b);
    console.log(
      `  concurrency ${String(concurrency).padStart(2)}: ${(SUBMISSIONS / seconds).toFixed(0)} submissions/s, ` +
        `p50 ${percentile(times, 50).toFixed(2)} ms, p99 ${percentile(times, 99).toFixed(2)} ms  [target p99 <= 20 ms: ${percentile(times, 99) <= 20 ? "PASS" : "NOT met"}]`,
    );
  }
} finally {
  await ladder.stop();
  await handle.close();
}
console.log(`load average at end ${load()}`);
