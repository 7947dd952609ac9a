/**
 * The HTTP API as the bench measures it, in its own process: configuration from the
 * environment (loadConfig), PostgreSQL from DATABASE_URL (migrated), the ladder service
 * (in-process cache, or Redis sorted sets with REDIS_URL), action tokens and score submission,
 * the event log and the fairness check, all mounted by `registerHttpRoutes` on express, the
 * same function the composition root calls. The rooms are not started: the bench measures HTTP.
 *
 * Prints `READY <port>` on stdout once listening; stops on SIGTERM.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Redis } from "ioredis";
import express from "express";
import { Registry } from "prom-client";
import { createDatabase, migrate } from "../../db/client.js";
import { GroupCommitEventLog } from "../../db/eventLog.js";
import { loadConfig } from "../../src/platform/config.js";
import { createLogger } from "../../src/platform/logger.js";
import { verifyGame } from "../../src/game/index.js";
import { createTokenServiceFromConfig, registerHttpRoutes } from "../../src/http/http.js";
import { createLadderPort } from "../../src/http/ladderAdapter.js";
import { createScoresPortFromConfig } from "../../src/http/scoresAdapter.js";
import type { LadderCache } from "../../src/ladder/cache.js";
import { InProcessDeltaPublisher } from "../../src/ladder/deltas.js";
import { MemoryLadderCache } from "../../src/ladder/memoryCache.js";
import { PgLadderStore } from "../../db/ladderStore.js";
import { RedisLadderCache } from "../../src/ladder/redisCache.js";
import { startHeapMeter } from "./heapMeter.js";
import { LadderService } from "../../src/ladder/service.js";

const config = loadConfig(process.env);
if (config.DATABASE_URL === undefined) throw new Error("the HTTP bench server needs DATABASE_URL (PostgreSQL)");
if (config.ACTION_TOKEN_SECRET === undefined) throw new Error("the HTTP bench server needs ACTION_TOKEN_SECRET");
const logger = createLogger(config.LOG_LEVEL, { component: "http-bench-server" });
const handle = await createDatabase({ url: config.DATABASE_URL, maxConnections: 20 });
await migrate(handle);
const db = handle.db;
const registry = new Registry();
const redis = config.REDIS_URL === undefined ? undefined : new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2 });
const cache: LadderCache = redis === undefined ? new MemoryLadderCache() : new RedisLadderCache(redis, { prefix: config.REDIS_PREFIX });
const feed = new InProcessDeltaPublisher();
const ladder = new LadderService({ cache, store: new PgLadderStore(db), publisher: feed, logger, registry, options: { driftIntervalMs: config.LADDER_DRIFT_INTERVAL_MS } });
await ladder.start();
const scores = createScoresPortFromConfig({ config, logger, db, ladder, registry });
const eventLog = new GroupCommitEventLog(db);
const app = express();
// The bench reads (and resets) the server's event-loop delay after each run: it tells a tail
// made in this process (a long task) from one made outside it (CPU contention, the client).
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
loopDelay.enable();
app.get("/bench/event-loop", (_req, res) => {
  const ms = (ns: number): number => Math.round(ns / 1e4) / 100;
  res.json({ p50: ms(loopDelay.percentile(50)), p99: ms(loopDelay.percentile(99)), max: ms(loopDelay.max) });
  loopDelay.reset();
});
// Heap allocation and collections since the previous call (heapMeter.ts): per-request
// allocation is the figure a shared machine does not move.
const heapMeter = startHeapMeter();
app.get("/bench/heap", (_req, res) => {
  res.json(heapMeter.read());
});
registerHttpRoutes(app, {
  config,
  logger,
  db,
  registry,
  redis,
  ladder: createLadderPort(ladder, feed, scores),
  readEvents: (gameId, from) => eventLog.read(gameId, from),
  verifyGame: (events) => verifyGame(events),
  // No rooms in the bench server: nobody is seated.
  seats: { isSeatedAtLiveTable: () => Promise.resolve(false) },
  tokens: createTokenServiceFromConfig(config, logger),
});
const server = app.listen(config.PORT, config.HOST, () => {
  const a = server.address();
  process.stdout.write(`READY ${typeof a === "object" && a !== null ? a.port : config.PORT}\n`);
});
process.on("SIGTERM", () => {
  server.closeAllConnections();
  server.close(() => {
    void (async () => {
      await ladder.stop();
      await eventLog.close();
      redis?.disconnect();
      await handle.close();
      process.exit(0);
    })();
  });
});
