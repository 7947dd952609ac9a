/**
 * Configuration, read once from the environment and parsed with zod. Every variable, its
 * default and its meaning is listed in docs/OPERATIONS.md; keep the two in step.
 */
import { z } from "zod";

const bool = z
  .enum(["true", "false", "1", "0"])
  .transform((v) => v === "true" || v === "1");

const positiveInt = z.coerce.number().int().positive();

/** A rate budget, `points/seconds` (e.g. `600/60`). */
const rateBudget = z.string().regex(/^[1-9]\d*\/[1-9]\d*$/, "expected points/seconds, e.g. 600/60");

/** `"600-1200"` or `"800"` (a fixed delay), ms: both ends 0..60000, min <= max. */
const delayRange = z
  .string()
  .trim()
  .regex(/^\d{1,5}(-\d{1,5})?$/, 'a delay range in ms: "600-1200" or "800"')
  .transform((s) => {
    const [a = "0", b] = s.split("-");
    return { minMs: Number(a), maxMs: Number(b ?? a) };
  })
  .refine((r) => r.minMs <= r.maxMs && r.maxMs <= 60_000, "min <= max <= 60000");

/** The environment schema: names are the variables, values their parsed types. */
export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  HOST: z.string().default("0.0.0.0"),
  PORT: z.coerce.number().int().min(0).max(65535).default(2567),
  /** Public base URL the server advertises (bots connect here); default http://localhost:PORT. */
  PUBLIC_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** PostgreSQL connection string. Unset: embedded PGlite under DATA_DIR. */
  DATABASE_URL: z.string().url().optional(),
  /** Where embedded state lives (PGlite files, the development JWT secret). */
  DATA_DIR: z.string().default("./data"),
  /** Redis connection string. Unset: in-process presence, driver, ladder cache and rate limits. */
  REDIS_URL: z.string().url().optional(),
  /** Prefix for every Redis key this process writes. */
  REDIS_PREFIX: z.string().default("pzo:"),
  /**
   * How a WebSocket upgrade for a room hosted by another process reaches it (see
   * docs/OPERATIONS.md, "Several processes"): `fly-replay` answers `fly-replay: instance=<host's
   * FLY_MACHINE_ID>` so Fly's proxy replays it there; `forward` pipes the WebSocket to the host's
   * PRIVATE_ADDRESS (ws transport only); `off` leaves it to the client (a per-process PUBLIC_URL).
   * Unset: `fly-replay` when FLY_MACHINE_ID is set (every Fly machine has it), else `off`.
   */
  ROOM_ROUTING: z.enum(["fly-replay", "forward", "off"]).optional(),
  /** This machine's id on Fly.io (Fly sets it); the name other processes put in `fly-replay`. */
  FLY_MACHINE_ID: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "a Fly machine id").optional(),
  /** `host:port` where the other processes reach this one (ROOM_ROUTING=forward). */
  PRIVATE_ADDRESS: z.string().regex(/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, "host:port (an IPv6 host in brackets)").optional(),
  /** `uws` or `ws` forces a transport; unset tries uWebSockets.js and falls back to ws. */
  TRANSPORT: z.enum(["uws", "ws"]).optional(),
  /** HMAC secret for access JWTs. Required in production. */
  JWT_SECRET: z.string().min(32).optional(),
  ACCESS_TOKEN_TTL_SECONDS: positiveInt.default(900),
  REFRESH_TOKEN_TTL_SECONDS: positiveInt.default(30 * 24 * 3600),
  /** Key a trusted service presents to `POST /api/actions`. Unset: that route is disabled. */
  SERVICE_KEY: z.string().min(16).optional(),
  /** HMAC secret for action tokens. Unset: derived from JWT_SECRET. */
  ACTION_TOKEN_SECRET: z.string().min(32).optional(),
  /**
   * HTTP rate limits per route group, `points/seconds` per caller (the player when a token is
   * sent, else the client address). See docs/OPERATIONS.md.
   */
  RATE_LIMIT_AUTH: rateBudget.default("30/60"),
  RATE_LIMIT_READ: rateBudget.default("1200/60"),
  RATE_LIMIT_WRITE: rateBudget.default("120/60"),
  RATE_LIMIT_SCORES: rateBudget.default("60/60"),
  RATE_LIMIT_ADMIN: rateBudget.default("60/60"),
  RATE_LIMIT_STREAM: rateBudget.default("30/60"),
  RATE_LIMIT_SYSTEM: rateBudget.default("1200/60"),
  /**
   * List and stream reads (paginated or streamed routes of the `read` rate group) running at
   * once in this process; more wait in arrival order (src/http/readGate.ts: tables first). 0: no gate.
   */
  HTTP_READ_CONCURRENCY: z.coerce.number().int().min(0).default(2),
  /** Reads that may wait for the gate; past it a read is answered 503 `service/busy`. */
  HTTP_READ_QUEUE: positiveInt.default(1000),
  /**
   * The event loop's utilization (0..1) the gate paces list and stream reads to
   * (src/http/readPace.ts): above it reads are started more slowly, down to 10 a second. 0: no pace.
   */
  HTTP_READ_TARGET_UTILIZATION: z.coerce.number().min(0).max(1).default(0.35),
  /** Failed logins allowed per account, and per client address, within the window. */
  LOGIN_MAX_FAILURES_PER_ACCOUNT: positiveInt.default(10),
  LOGIN_MAX_FAILURES_PER_IP: positiveInt.default(100),
  LOGIN_FAILURE_WINDOW_SECONDS: positiveInt.default(900),
  /** How long a write's Idempotency-Key is remembered. */
  IDEMPOTENCY_TTL_SECONDS: positiveInt.default(24 * 3600),
  /** How often an open season event stream polls `season_events` for new rows (ms). */
  SEASON_STREAM_POLL_MS: positiveInt.default(250),
  /** How many players admitted from the waitlist get the Founder cosmetic (the first N; 0: none). */
  FOUNDER_COSMETIC_LIMIT: z.coerce.number().int().min(0).max(1_000_000).default(100),
  /**
   * Algorithm of new password hashes: argon2id (OWASP's first choice) or scrypt. Unset: argon2id
   * where Node has `crypto.argon2` (24.7 and later), else scrypt with a warning. Stored hashes of
   * either kind always verify, whatever this says.
   */
  PASSWORD_HASH: z.enum(["argon2id", "scrypt"]).optional(),
  /** argon2id memory per hash, KiB (OWASP: 19456 with t=2, p=1). */
  PASSWORD_ARGON2_MEMORY_KIB: positiveInt.refine((n) => n >= 64, "at least 64").default(19_456),
  /** argon2id passes (time cost). */
  PASSWORD_ARGON2_PASSES: positiveInt.refine((n) => n <= 64, "at most 64").default(2),
  /** scrypt cost N (a power of two) for new password hashes with PASSWORD_HASH=scrypt; r=8. */
  PASSWORD_SCRYPT_N: positiveInt.refine((n) => n >= 1024 && (n & (n - 1)) === 0, "a power of two >= 1024").default(16384),
  /**
   * scrypt parallelization p for new password hashes (computed sequentially: CPU grows with p,
   * memory does not). N=2^14, r=8, p=5 is one of OWASP's equivalent minimum settings.
   */
  PASSWORD_SCRYPT_P: positiveInt.refine((n) => n <= 16, "at most 16").default(5),
  /**
   * express `trust proxy`: which hops' X-Forwarded-For to believe for the client address.
   * Default `false`: no proxy is trusted (a peer cannot pick its own address). Behind Fly's proxy
   * set `1` (one hop), as fly.toml does.
   */
  TRUST_PROXY: z.string().default("false"),
  /**
   * Origins (comma-separated, e.g. `https://play.example.com`) allowed to call the API and the
   * matchmaker from a browser page of another origin. Unset: same origin only.
   */
  CORS_ORIGINS: z.string().optional(),
  /** When set, `GET /metrics` needs `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: z.string().min(16).optional(),
  EVENTLOG_MAX_BATCH: positiveInt.default(500),
  EVENTLOG_MAX_WAIT_MS: z.coerce.number().min(0).default(2),
  LADDER_DRIFT_INTERVAL_MS: positiveInt.default(5 * 60_000),
  /**
   * When seasons end: a cron expression (5-7 fields, read by croner), e.g. `0 0 1 * *` for the
   * first of every month at midnight. Unset: seasons end only by admin reset.
   */
  SEASON_SCHEDULE: z.string().min(1).optional(),
  /** The IANA time zone the schedule is read in. */
  SEASON_TIME_ZONE: z.string().min(1).default("UTC"),
  /** End-of-season coins by final rank: `upTo:coins,...` with increasing ranks; empty: none. */
  SEASON_REWARD_BANDS: z
    .string()
    .regex(/^$|^\d{1,9}:\d{1,15}(,\d{1,9}:\d{1,15})*$/, "upTo:coins[,upTo:coins...]")
    .default("1:500,3:300,10:100"),
  /** Final ranks (1..n) that get the season's cosmetic, the seat frame `season_<n>_frame` (0: none). */
  SEASON_COSMETIC_RANKS: z.coerce.number().int().min(0).max(1_000_000).default(10),
  /**
   * How often consumed action ids whose tokens have all expired are deleted, ms (0: never).
   * A token lives at most 24 h, so the table holds about a day of submissions.
   */
  ACTION_TOKEN_PURGE_INTERVAL_MS: z.coerce.number().int().min(0).default(15 * 60_000),
  RECONNECT_SECONDS: positiveInt.default(60),
  /** Messages one client may send to a room per second; the first excess is answered `rate_limited`. */
  ROOM_MESSAGES_PER_SECOND: positiveInt.default(20),
  /** Consecutive over-budget seconds before a client is disconnected (close code 4029). */
  ROOM_FLOOD_CLOSE_SECONDS: positiveInt.default(5),
  /** Matchmaking requests (`/matchmake` create/join/joinById/joinOrCreate) per client address, `points/seconds` (`0`: no limit). */
  MATCHMAKE_RATE_LIMIT: z.union([z.literal("0"), rateBudget]).default("300/60"),
  /** Live room connections one player may hold at once, all rooms together (0: no limit). */
  ROOM_CONNECTIONS_PER_PLAYER: z.coerce.number().int().min(0).default(10),
  /** Live room connections from one client address (TRUST_PROXY rules) at once (0: no limit). */
  ROOM_CONNECTIONS_PER_ADDRESS: z.coerce.number().int().min(0).default(100),
  /** Live tables one player may have created (0: no limit). */
  TABLES_PER_PLAYER: z.coerce.number().int().min(0).default(3),
  /** Server bots (`bots` create option) on one player's live tables, in all (0: no limit). */
  BOTS_PER_PLAYER: z.coerce.number().int().min(0).default(12),
  /** Delay before each move of a server bot, ms (0 in tests and load runs). */
  BOT_MOVE_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(100),
  /**
   * Delay before each move of a server bot at a table where a person sits, ms: a range drawn
   * uniformly per move ("600-1200"), or one figure. "0" in tests where pacing is not the subject.
   */
  BOT_HUMAN_DELAY_MS: delayRange.default({ minMs: 600, maxMs: 1200 }),
  /**
   * Ranked quick match (docs/LADDER.md, "Ranked quick match"): the band of ratings a waiting
   * player is matched within, widening with the wait, `seconds:width|any,...` (the first at 0 s,
   * seconds increasing, widths not narrowing, `any` last). Fully checked by src/ladder/rankedQueue.ts.
   */
  RANKED_BANDS: z
    .string()
    .regex(/^\d{1,6}:(\d{1,9}|any)(,\d{1,6}:(\d{1,9}|any))*$/, "seconds:width|any[,seconds:width|any...]")
    .default("0:100,10:200,20:400,30:800,60:any"),
  /** Seats of a ranked table. */
  RANKED_SEATS: z.coerce.number().int().min(3).max(5).default(4),
  /** Seconds the longest waiter waits before the rest of their table is filled with bots. */
  RANKED_BOT_FILL_SECONDS: z.coerce.number().min(0).max(3600).default(45),
  /** How long a ranked table waits for its matched players before bots take the seats still empty (seconds). */
  RANKED_NO_SHOW_SECONDS: z.coerce.number().min(0).max(600).default(30),
  /** How often the ranked queue forms tables, ms. */
  RANKED_TICK_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  /** Serve the built browser client from client/dist. */
  SERVE_CLIENT: bool.default(true),
  /** Restore in-progress games from the log at start-up. */
  RESTORE_GAMES: bool.default(true),
  /**
   * How long a process's lease on its games lasts without renewal, ms (docs/OPERATIONS.md, Failure
   * modes: node loss). A survivor adopts a dead process's games once it expired.
   */
  NODE_LEASE_MS: z.coerce.number().int().min(1000).max(600_000).default(5000),
  /** How often each process renews its lease and looks for games to adopt, ms (below NODE_LEASE_MS). */
  NODE_SWEEP_MS: z.coerce.number().int().min(100).max(60_000).default(1000),
});

/** The parsed configuration. */
export type Config = z.infer<typeof envSchema>;

/** How upgrades for rooms hosted elsewhere are routed (ROOM_ROUTING, resolved). */
export type RoomRoutingMode = "fly-replay" | "forward" | "off";

/** ROOM_ROUTING with its default applied: `fly-replay` on a Fly machine, else `off`. */
export function roomRoutingMode(config: Pick<Config, "ROOM_ROUTING" | "FLY_MACHINE_ID">): RoomRoutingMode {
  return config.ROOM_ROUTING ?? (config.FLY_MACHINE_ID !== undefined ? "fly-replay" : "off");
}

/** What a routing mode needs from the rest of the configuration; empty when it has it. */
function routingProblems(config: Config): string[] {
  const mode = roomRoutingMode(config);
  switch (mode) {
    case "off":
      return [];
    case "fly-replay":
      return config.FLY_MACHINE_ID === undefined ? ["FLY_MACHINE_ID: required when ROOM_ROUTING=fly-replay (Fly sets it on every machine)"] : [];
    case "forward": {
      const problems: string[] = [];
      if (config.PRIVATE_ADDRESS === undefined) problems.push("PRIVATE_ADDRESS: required when ROOM_ROUTING=forward (host:port the other processes reach)");
      if (config.TRANSPORT === "uws") problems.push("TRANSPORT: ROOM_ROUTING=forward needs the ws transport (uWebSockets.js does not hand over raw sockets)");
      return problems;
    }
    default: {
      const unknown: never = mode;
      return [`ROOM_ROUTING: unknown mode ${String(unknown)}`];
    }
  }
}

/** A configuration problem, with every failing variable named. */
export class ConfigError extends Error {
  constructor(readonly issues: readonly string[]) {
    super(`invalid configuration: ${issues.join("; ")}`);
    this.name = "ConfigError";
  }
}

/**
 * Parses configuration from an environment record (normally `process.env`). Empty strings count
 * as unset. Production refuses to start without a JWT secret.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const cleaned: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== "") cleaned[k] = v;
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`));
  }
  const config = parsed.data;
  if (config.NODE_ENV === "production" && config.JWT_SECRET === undefined) {
    throw new ConfigError(["JWT_SECRET: required when NODE_ENV=production"]);
  }
  const problems = routingProblems(config);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
