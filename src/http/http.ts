/**
 * The HTTP face of PZO, mounted on the express app Colyseus gives the composition root
 * (`express: (app) => registerHttpRoutes(app, deps)`), or on a plain express app in tests and
 * benches. Everything is built here from the deps passed in: no module-level state.
 *
 * Every route goes through the same pipeline (router.ts); around it sit the request id
 * (`X-Request-Id`, also on every log line; requestLog.ts), the latency histogram, the JSON
 * body parser and the problem-shaped fallbacks (unknown /api route, malformed JSON, crash).
 */
import { isDatabaseUnavailable } from "../../db/pgError.js";
import { outageLog } from "../platform/outageLog.js";
import express, { type ErrorRequestHandler, type Express, type Request, type Response } from "express";
import type { Redis } from "ioredis";
import type { Registry } from "prom-client";
import type { Config } from "../platform/config.js";
import type { Logger } from "../platform/logger.js";
import type { Database } from "../../db/client.js";
import { argon2Available, createTokenService, dummyPasswordHash, resolveJwtSecret, type PasswordHashParams, type TokenService } from "./auth.js";
import { createFallbackIdempotencyStore, createMemoryIdempotencyStore, createRedisIdempotencyStore } from "./idempotency.js";
import { createHttpMetrics, registerReadGateMetrics, type HttpMetrics } from "./httpMetrics.js";
import { buildOpenApi } from "./openapi.js";
import type { LadderPort, ReadEvents, SeatCheck, TableEntry, VerifyGame } from "./ports.js";
import { problem, sendProblem } from "./problem.js";
import { createRequestLog } from "./requestLog.js";
import { createReadGate } from "./readGate.js";
import { READ_PACE_BATCH } from "./readPace.js";
import { startReadPacer } from "./readPaceClock.js";
import { createKeyedLimiter, parseBudget, type KeyedLimiter, type RateBudget, type RateGroup } from "./rateLimit.js";
import type { RouteDef } from "./route.js";
import { mountRoute, requestIdOf } from "./router.js";
import { SeasonFeed } from "./seasonFeed.js";
import { sloFor } from "./slo.js";
import { authRoutes } from "./routes/auth.js";
import type { ReadinessCheck, RouteDeps } from "./routes/deps.js";
import { gameRoutes } from "./routes/games.js";
import { ladderRoutes } from "./routes/ladder.js";
import { inventoryRoutes } from "./routes/inventory.js";
import { preferenceRoutes } from "./routes/preferences.js";
import { seasonEventRoutes } from "./routes/seasonEvents.js";
import { achievementRoutes } from "./routes/achievements.js";
import { cosmeticRoutes } from "./routes/cosmetics.js";
import { tableRoutes } from "./routes/tables.js";
import { systemRoutes } from "./routes/system.js";
import { userRoutes } from "./routes/users.js";
import { waitlistRoutes } from "./routes/waitlist.js";
import { walletRoutes } from "./routes/wallet.js";
import { createAccountStore } from "./stores/accounts.js";
import { createSessionStore } from "./stores/sessions.js";
import { createGameStore } from "./stores/games.js";
import { createSeasonStore } from "./stores/season.js";
import { createSeasonsStore } from "./stores/seasons.js";
import { seasonRoutes } from "./routes/seasons.js";
import { parseSeasonSchedule } from "../ladder/seasonSchedule.js";

/** Retry-After of a 503 `service/unavailable` (the database is down), seconds. */
export const DATABASE_RETRY_AFTER_SECONDS = 2;

/** What the composition root passes to {@link registerHttpRoutes}. */
export interface HttpDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly db: Database;
  /** The Registry `/metrics` serves; rooms, ladder and storage register theirs in it too. */
  readonly registry: Registry;
  readonly ladder: LadderPort;
  /** The event log's `read` (db/eventLog.ts). */
  readonly readEvents: ReadEvents;
  /** The fairness check (src/game `verifyGame`). */
  readonly verifyGame: VerifyGame;
  /** Asks the rooms whether a player is seated at a live table (the waitlist's removal rule). */
  readonly seats: SeatCheck;
  /** The REST game service (absent: its routes answer 503 service/disabled). */
  readonly tables?: TableEntry | undefined;
  /** Redis, when REDIS_URL is set: rate limits and idempotency keys live there. */
  readonly redis?: Redis | undefined;
  /** The token service shared with the rooms' onAuth (see {@link createTokenServiceFromConfig}). */
  readonly tokens: TokenService;
  /** Extra readiness checks (the database and Redis are checked already). */
  readonly readiness?: readonly ReadinessCheck[];
  readonly now?: () => number;
}

/** What {@link registerHttpRoutes} returns. */
export interface HttpApi {
  /** Every mounted route, in mount order. */
  readonly routes: readonly RouteDef[];
  /** The OpenAPI document. */
  openapi(): unknown;
  readonly metrics: HttpMetrics;
}

/**
 * Builds the token service from configuration: JWT_SECRET, or (outside production) the
 * development secret kept under DATA_DIR, with a warning. Call it once in the composition root
 * and hand the result to both {@link registerHttpRoutes} and the rooms' `onAuth`.
 */
export function createTokenServiceFromConfig(config: Config, logger: Logger): TokenService {
  return createTokenService({ secret: resolveJwtSecret(config, logger), accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS });
}

function budget(text: string): RateBudget {
  const b = parseBudget(text);
  if (b === null) throw new Error(`bad rate budget: ${text}`);
  return b;
}

function budgetsOf(config: Config): Record<RateGroup, RateBudget> {
  return {
    auth: budget(config.RATE_LIMIT_AUTH),
    read: budget(config.RATE_LIMIT_READ),
    write: budget(config.RATE_LIMIT_WRITE),
    scores: budget(config.RATE_LIMIT_SCORES),
    admin: budget(config.RATE_LIMIT_ADMIN),
    stream: budget(config.RATE_LIMIT_STREAM),
    system: budget(config.RATE_LIMIT_SYSTEM),
  };
}

/**
 * The parameters of new password hashes, from PASSWORD_HASH and its algorithm's settings. Unset,
 * it is argon2id where this Node has it, else scrypt (with `onFallback` called once, to log it).
 * Asked for argon2id on a Node without it, it refuses (the server does not start).
 */
export function passwordHashParams(config: Config, opts: { readonly argon2: boolean; readonly onFallback?: () => void } = { argon2: argon2Available() }): PasswordHashParams {
  if (config.PASSWORD_HASH === "argon2id" && !opts.argon2) throw new Error("PASSWORD_HASH=argon2id needs Node 24.7 or later (crypto.argon2); upgrade Node or set PASSWORD_HASH=scrypt");
  const algorithm = config.PASSWORD_HASH ?? (opts.argon2 ? "argon2id" : "scrypt");
  if (config.PASSWORD_HASH === undefined && algorithm === "scrypt") opts.onFallback?.();
  return algorithm === "argon2id"
    ? { algorithm, memoryKiB: config.PASSWORD_ARGON2_MEMORY_KIB, passes: config.PASSWORD_ARGON2_PASSES, parallelism: 1 }
    : { algorithm, N: config.PASSWORD_SCRYPT_N, r: 8, p: config.PASSWORD_SCRYPT_P };
}

/**
 * express's `trust proxy` from TRUST_PROXY: `false`/`true`, a hop count (`1` behind one proxy
 * such as Fly's), or a list of trusted addresses and subnets.
 */
export function trustProxySetting(raw: string): boolean | number | string {
  const v = raw.trim();
  if (v === "false" || v === "") return false;
  if (v === "true") return true;
  if (/^\d+$/.test(v)) return Number(v);
  return v;
}

/**
 * Mounts the HTTP API on `app`: `/api/*`, `/healthz`, `/readyz` and `/metrics`. Requests to
 * other paths pass through untouched (the rooms' matchmaking and the client's static files).
 */
export function registerHttpRoutes(app: Express, deps: HttpDeps): HttpApi {
  const { config, logger } = deps;
  const now = deps.now ?? Date.now;
  const metrics = createHttpMetrics(deps.registry);
  const backend = { redis: deps.redis, prefix: config.REDIS_PREFIX, logger };
  const budgets = budgetsOf(config);
  const limiter = (g: RateGroup): KeyedLimiter => createKeyedLimiter(g, budgets[g], backend);
  const limiters: Record<RateGroup, KeyedLimiter> = {
    auth: limiter("auth"),
    read: limiter("read"),
    write: limiter("write"),
    scores: limiter("scores"),
    admin: limiter("admin"),
    stream: limiter("stream"),
    system: limiter("system"),
  };
  const window = config.LOGIN_FAILURE_WINDOW_SECONDS;
  const loginLimiters = {
    account: createKeyedLimiter("login-account", { points: config.LOGIN_MAX_FAILURES_PER_ACCOUNT, seconds: window }, backend),
    ip: createKeyedLimiter("login-ip", { points: config.LOGIN_MAX_FAILURES_PER_IP, seconds: window }, backend),
  };
  const ttlMs = config.IDEMPOTENCY_TTL_SECONDS * 1000;
  const idempotency =
    deps.redis === undefined
      ? createMemoryIdempotencyStore(ttlMs, now)
      : createFallbackIdempotencyStore(createRedisIdempotencyStore(deps.redis, config.REDIS_PREFIX, ttlMs), createMemoryIdempotencyStore(ttlMs, now));
  const passwordHash = passwordHashParams(config, {
    argon2: argon2Available(),
    onFallback: () => logger.warn("this Node has no crypto.argon2 (it needs 24.7 or later): new password hashes use scrypt"),
  });
  let dummy: Promise<string> | null = null;
  const games = createGameStore(deps.db);
  const redis = deps.redis;
  const readiness: ReadinessCheck[] = [
    { name: "database", check: () => games.ping() },
    ...(redis === undefined ? [] : [{ name: "redis", optional: true, check: async () => void (await redis.ping()) }]),
    ...(deps.readiness ?? []),
  ];

  let openapiDoc: unknown = null;
  const season = createSeasonStore(deps.db, { founderLimit: config.FOUNDER_COSMETIC_LIMIT });
  const seasonFeed = new SeasonFeed(
    { horizon: () => season.horizon(), read: (q) => season.readEvents(q) },
    { pollMs: config.SEASON_STREAM_POLL_MS, logger },
  );
  const routeDeps: RouteDeps = {
    accounts: createAccountStore(deps.db),
    sessions: createSessionStore(deps.db),
    games,
    ladder: deps.ladder,
    season,
    seasons: createSeasonsStore(deps.db, config.SEASON_SCHEDULE === undefined ? null : parseSeasonSchedule(config.SEASON_SCHEDULE, config.SEASON_TIME_ZONE), now),
    seats: deps.seats,
    seasonFeed,
    tables: deps.tables,
    tokens: deps.tokens,
    readEvents: deps.readEvents,
    verifyGame: deps.verifyGame,
    loginLimiters,
    metrics,
    registry: deps.registry,
    passwordHash,
    dummyPasswordHash: () => (dummy ??= dummyPasswordHash(passwordHash)),
    readiness,
    refreshTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
    metricsToken: config.METRICS_TOKEN,
    openapi: () => openapiDoc,
    startedAt: now(),
    now,
  };
  const routes: RouteDef[] = [
    ...systemRoutes(routeDeps),
    ...authRoutes(routeDeps),
    ...userRoutes(routeDeps),
    ...gameRoutes(routeDeps),
    ...ladderRoutes(routeDeps),
    ...seasonRoutes(routeDeps),
    ...preferenceRoutes(routeDeps),
    ...waitlistRoutes(routeDeps),
    ...walletRoutes(routeDeps),
    ...inventoryRoutes(routeDeps),
    ...seasonEventRoutes(routeDeps),
    ...achievementRoutes(routeDeps),
    ...cosmeticRoutes(routeDeps),
    ...tableRoutes(routeDeps),
  ];
  for (const r of routes) {
    const slo = sloFor(r);
    const labels = { method: r.method.toUpperCase(), route: r.path };
    if (slo.p99Ms !== null) metrics.sloP99.set(labels, slo.p99Ms / 1000);
    metrics.sloErrorBudget.set(labels, slo.errorBudget);
  }
  openapiDoc = buildOpenApi(routes, {
    title: "PZO HTTP API",
    version: "1",
    description: "Accounts, games, replays, rankings, the ladder and Season 0 (waitlist, wallet, inventory, event log). Errors: RFC 9457 problem+json with a stable `code`.",
  });

  app.set("trust proxy", trustProxySetting(config.TRUST_PROXY));

  const router = express.Router();
  const ours = (path: string): boolean => path.startsWith("/api/") || path === "/api" || path === "/healthz" || path === "/readyz" || path === "/metrics";

  const requestLog = createRequestLog(logger, metrics);
  router.use((req, res, next) => {
    if (ours(req.path)) requestLog(req, res, next);
    else next();
  });
  // Only requests that carry a body go through the JSON parser.
  const jsonBody = express.json({ limit: "64kb" });
  router.use("/api", (req, res, next) => {
    if (req.headers["content-length"] === undefined && req.headers["transfer-encoding"] === undefined) next();
    else jsonBody(req, res, next);
  });
  const readPacer = startReadPacer(config.HTTP_READ_TARGET_UTILIZATION, READ_PACE_BATCH);
  const readGate = createReadGate(config.HTTP_READ_CONCURRENCY, config.HTTP_READ_QUEUE, { pacer: readPacer });
  registerReadGateMetrics(deps.registry, readGate, readPacer);
  for (const def of routes) mountRoute(router, def, { tokens: deps.tokens, limiters, idempotency, metrics, serviceKey: config.SERVICE_KEY, logger, readGate });

  // An unknown /api route: a problem, not express's HTML page.
  router.use("/api", (req: Request, res: Response) => {
    metrics.problems.inc({ code: "route_not_found" });
    sendProblem(res, problem("route_not_found", `no route ${req.method} ${req.originalUrl}`), requestIdOf(req));
  });

  const onError: ErrorRequestHandler = (err: unknown, req, res, next) => {
    if (!ours(req.path)) {
      next(err);
      return;
    }
    const type = typeof err === "object" && err !== null && "type" in err ? err.type : undefined;
    const id = requestIdOf(req);
    if (res.headersSent) {
      req.log.error({ err }, "request failed after the response started");
      res.destroy();
      return;
    }
    if (type === "entity.parse.failed") {
      metrics.problems.inc({ code: "validation/malformed_json" });
      sendProblem(res, problem("validation/malformed_json"), id);
      return;
    }
    if (type === "entity.too.large") {
      metrics.problems.inc({ code: "validation/too_large" });
      sendProblem(res, problem("validation/too_large", "at most 64 KiB"), id);
      return;
    }
    if (isDatabaseUnavailable(err)) {
      // The database is down or restarting (issue 19, item 2): a retryable 503, never a 500.
      outageLog.warn(req.log, {}, "database unavailable: REST answered 503 service/unavailable", err);
      metrics.problems.inc({ code: "service/unavailable" });
      sendProblem(res, problem("service/unavailable", "the database is unavailable; try again shortly", { retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS }), id);
      return;
    }
    req.log.error({ err }, "unhandled error in an HTTP route");
    metrics.problems.inc({ code: "internal" });
    sendProblem(res, problem("internal", `see the server log for request ${id}`), id);
  };
  router.use(onError);

  app.use(router);
  return { routes, openapi: () => openapiDoc, metrics };
}
