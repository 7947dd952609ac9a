/** What the route modules are built from (assembled in http.ts). */
import type { Registry } from "prom-client";
import type { PasswordHashParams, TokenService } from "../auth.js";
import type { HttpMetrics } from "../httpMetrics.js";
import type { LadderPort, ReadEvents, SeatCheck, TableEntry, VerifyGame } from "../ports.js";
import type { KeyedLimiter } from "../rateLimit.js";
import type { RouteDef } from "../route.js";
import type { SeasonFeed } from "../seasonFeed.js";
import type { AccountStore } from "../stores/accounts.js";
import type { GameStore } from "../stores/games.js";
import type { SeasonStore } from "../stores/season.js";
import type { SeasonsStore } from "../stores/seasons.js";
import type { SessionStore } from "../stores/sessions.js";

/** A dependency `/readyz` checks. */
export interface ReadinessCheck {
  readonly name: string;
  /** Resolves when the dependency answers; rejects otherwise. */
  check(): Promise<void>;
  /**
   * The server works without it (Redis): when only optional checks fail, `/readyz` answers 200
   * with status `degraded` (docs/API.md, docs/OPERATIONS.md Failure modes).
   */
  readonly optional?: boolean;
}

/** Everything the routes use. */
export interface RouteDeps {
  readonly accounts: AccountStore;
  readonly games: GameStore;
  /** Refresh-token families: sessions, rotation, reuse detection, revocation. */
  readonly sessions: SessionStore;
  readonly ladder: LadderPort;
  /** Season 0: waitlist, wallet, inventory, preferences, event log. */
  readonly season: SeasonStore;
  /** The open season's clock and players' past seasons. */
  readonly seasons: SeasonsStore;
  /** Whether a player holds a seat at a live table (asks the rooms). */
  readonly seats: SeatCheck;
  /** The one reader of the season log every open event stream subscribes to. */
  readonly seasonFeed: SeasonFeed;
  /** The REST game service (absent: its routes answer 503 service/disabled). */
  readonly tables?: TableEntry | undefined;
  readonly tokens: TokenService;
  readonly readEvents: ReadEvents;
  readonly verifyGame: VerifyGame;
  readonly loginLimiters: { readonly account: KeyedLimiter; readonly ip: KeyedLimiter };
  readonly metrics: HttpMetrics;
  readonly registry: Registry;
  /** How new password hashes are made (argon2id by default). */
  readonly passwordHash: PasswordHashParams;
  /** A hash to check against when the account does not exist (equal timing). */
  readonly dummyPasswordHash: () => Promise<string>;
  readonly readiness: readonly ReadinessCheck[];
  readonly refreshTtlSeconds: number;
  /** Bearer token `/metrics` requires; undefined: public. */
  readonly metricsToken: string | undefined;
  /** The OpenAPI document of every route (built after the routes). */
  readonly openapi: () => unknown;
  readonly startedAt: number;
  readonly now: () => number;
}

/** A route module: builds its routes from the deps. */
export type RouteModule = (deps: RouteDeps) => readonly RouteDef[];
