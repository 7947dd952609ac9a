/**
 * Starts the HTTP API on a plain express app, on a free port, over a fresh database (PGlite,
 * or a scratch PostgreSQL database), with the real ladder service (in-process cache), the real
 * event log and the real fairness check. Tests drive it through HTTP only.
 */
import { mkdtempSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import express from "express";
import type { Redis } from "ioredis";
import { Registry } from "prom-client";
import { createGameCompletion } from "../../../db/completion.js";
import { ratingParticipant, rebuildRatings } from "../../../db/ratings.js";
import { endedSeasonStandings } from "../../../db/seasonEnd.js";
import { register } from "../../../src/completion/pipeline.js";
import { GroupCommitEventLog } from "../../../db/eventLog.js";
import { createGame, markStarted } from "../../../db/games.js";
import { playGame } from "../../../db/testing/fixtures.js";
import { loadConfig, type Config } from "../../../src/platform/config.js";
import { createLogger } from "../../../src/platform/logger.js";
import { lifetimeDeltas, summarize, verifyGame, type SeatOccupant } from "../../../src/game/index.js";
import { createTokenService, type TokenService } from "../../../src/http/auth.js";
import { registerHttpRoutes, type HttpApi } from "../../../src/http/http.js";
import { createLadderPort } from "../../../src/http/ladderAdapter.js";
import { createScoresPort } from "../../../src/http/scoresAdapter.js";
import { ActionTokens } from "../../../src/ladder/actionTokens.js";
import { ScoreSubmissionService } from "../../../src/ladder/submission.js";
import { InProcessDeltaPublisher } from "../../../src/ladder/deltas.js";
import { MemoryLadderCache } from "../../../src/ladder/memoryCache.js";
import { PgLadderStore } from "../../../db/ladderStore.js";
import { LadderService } from "../../../src/ladder/service.js";
import { parseRewardBands } from "../../../src/ladder/seasonSchedule.js";
import { SeasonScheduler } from "../../../src/app/seasons.js";
import type { TestBackend, TestDatabase } from "../../support/db.js";

/** A running API for one suite. */
export interface TestApi {
  readonly url: string;
  /** The express app (tests walk its router to compare with the OpenAPI document). */
  readonly app: express.Express;
  readonly config: Config;
  readonly tokens: TokenService;
  readonly api: HttpApi;
  readonly registry: Registry;
  readonly database: TestDatabase;
  readonly ladder: LadderService;
  /** Players the fake seat check reports as seated at a live table (tests add and remove). */
  readonly seated: Set<string>;
  /** Plays and completes a game between these players; returns its id. */
  playCompletedGame(label: string, occupants: readonly SeatOccupant[]): Promise<string>;
  /** Creates a game that is still in progress; returns its id. */
  createLiveGame(label: string, occupants: readonly SeatOccupant[]): Promise<string>;
  close(): Promise<void>;
}

/** Options of {@link startTestApi}. */
export interface TestApiOptions {
  readonly env?: Readonly<Record<string, string>>;
  /** Wire the ladder's action tokens and score submission (default true). */
  readonly scores?: boolean;
  /** Redis for rate limits and idempotency keys (with `env.REDIS_PREFIX` as the key prefix). */
  readonly redis?: Redis;
}

/** The JWT secret of test APIs. */
export const TEST_JWT_SECRET = "http-test-secret-http-test-secret-0123456789";

/** Starts the API on `backend`. Close it in `afterAll`. */
export async function startTestApi(backend: TestBackend, options: TestApiOptions = {}): Promise<TestApi> {
  const config = loadConfig({
    NODE_ENV: "test",
    LOG_LEVEL: process.env["LOG_LEVEL"] ?? "silent",
    JWT_SECRET: TEST_JWT_SECRET,
    DATA_DIR: mkdtempSync(path.join(tmpdir(), "pzo-http-")),
    // Cheap hashes: the tests check the routes, not the hash cost (test/http/auth.test.ts does).
    PASSWORD_ARGON2_MEMORY_KIB: "256",
    PASSWORD_ARGON2_PASSES: "1",
    ...options.env,
  });
  const logger = createLogger(config.LOG_LEVEL, { test: "http" });
  const database = await backend.create();
  const db = database.db;
  const registry = new Registry();
  const tokens = createTokenService({ secret: TEST_JWT_SECRET, accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS });
  const feed = new InProcessDeltaPublisher();
  const ladder = new LadderService({
    cache: new MemoryLadderCache(),
    store: new PgLadderStore(db),
    publisher: feed,
    logger,
    registry,
    options: { driftIntervalMs: 0 },
  });
  await ladder.start();
  const eventLog = new GroupCommitEventLog(db);
  const scores =
    options.scores === false
      ? null
      : createScoresPort({
          tokens: new ActionTokens("http-test-action-token-secret-0123456789"),
          submission: new ScoreSubmissionService({ db, tokens: new ActionTokens("http-test-action-token-secret-0123456789"), ladder, logger, registry }),
        });
  const completion = createGameCompletion(db, {
    onLadderChanges: (changes) => ladder.applyChanges(changes),
    participants: [register(ratingParticipant((changes) => ladder.applyChanges(changes)))],
    logger,
  });
  // No timer: the schedule's clock is read by GET /api/seasons/current; resets are the admin's.
  const seasons = new SeasonScheduler({ db, ladder, schedule: null, rewardBands: parseRewardBands(config.SEASON_REWARD_BANDS), cosmeticRanks: config.SEASON_COSMETIC_RANKS, logger, checkEveryMs: 0 });
  const app = express();
  const seated = new Set<string>();
  const api = registerHttpRoutes(app, {
    config,
    logger,
    db,
    registry,
    ladder: createLadderPort(ladder, feed, scores, {
      rebuildRatings: () => rebuildRatings(db),
      // As the server does (src/app/server.ts): the admin reset ends the season and grants its rewards.
      endSeason: () => seasons.endNow(),
      seasonStandings: (season, limit, fromRank) => endedSeasonStandings(db, season, limit, fromRank),
    }),
    readEvents: (gameId, from) => eventLog.read(gameId, from),
    verifyGame: (events) => verifyGame(events),
    seats: { isSeatedAtLiveTable: (playerId) => Promise.resolve(seated.has(playerId)) },
    tokens,
    redis: options.redis,
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;

  async function createLiveGame(label: string, occupants: readonly SeatOccupant[]): Promise<string> {
    const played = playGame(label, occupants);
    const [created, ...rest] = played.events;
    if (created?.type !== "game_created") throw new Error("no game_created");
    await createGame(db, { created });
    await eventLog.append(played.gameId, rest.slice(0, occupants.length + 1));
    await markStarted(db, played.gameId, new Date());
    return played.gameId;
  }

  return {
    url: `http://127.0.0.1:${port}`,
    app,
    config,
    tokens,
    api,
    registry,
    database,
    ladder,
    seated,
    createLiveGame,
    async playCompletedGame(label, occupants) {
      const played = playGame(label, occupants);
      const [created, ...rest] = played.events;
      if (created?.type !== "game_created") throw new Error("no game_created");
      await createGame(db, { created });
      await markStarted(db, played.gameId, new Date());
      await eventLog.append(played.gameId, rest);
      // As the server completes a game (src/app/server.ts): the built-in participants and ratings.
      await completion.complete({
        gameId: played.gameId,
        completedAt: new Date(),
        summary: summarize(played.state),
        deltas: lifetimeDeltas(played.state),
      });
      return played.gameId;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await ladder.stop();
      await eventLog.close();
      await database.close();
    },
  };
}
