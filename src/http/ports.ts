/**
 * The narrow ports the HTTP layer needs from the parts it does not own: the ladder service
 * (src/ladder), the event log (db/) and the fairness check (src/game). The composition root
 * passes real implementations; each is kept to what the routes call.
 */
import type { GameEvent } from "../game/types.js";
import type { RatingRebuildResult } from "../ladder/rating.js";
import type { TierQuery } from "../ladder/service.js";
import type { LadderTier } from "../shared/ladderDelta.js";
import type { EventLog } from "../platform/eventLog.js";

/** A ladder tier as the API names it (the ladder's own tiers). */
export type ApiTier = LadderTier;

/** Which ladder: a tier, and for `season` a season number (default: the current one). Declared once, in src/ladder/service.ts. */
export type { TierQuery } from "../ladder/service.js";

/** One ranked ladder entry as the API shows it. */
export interface RankingView {
  readonly rank: number;
  readonly playerId: string;
  readonly total: number;
  readonly highest: number;
  readonly average: number;
  readonly games: number;
  readonly wins: number;
  /** ISO-8601 time the player first reached `total` (the tie-break). */
  readonly firstReachedAt: string;
  /** Rating tier only: fewer than `PROVISIONAL_GAMES` rated games (src/ladder/rating.ts). */
  readonly provisional?: boolean;
}

/** An ended season's final standings, as the API shows them. */
export interface SeasonStandingsView {
  readonly season: number;
  readonly trigger: "schedule" | "admin";
  /** ISO-8601 */
  readonly endedAt: string;
  readonly scheduledFor: string | null;
  readonly standings: readonly { readonly rank: number; readonly playerId: string; readonly total: number; readonly games: number; readonly wins: number }[];
}

/** A page of rankings. */
export interface RankingPage {
  readonly tier: ApiTier;
  /** The season asked for; null for the all-time and rating tiers or the current season. */
  readonly season: number | null;
  readonly entries: readonly RankingView[];
  readonly nextCursor: string | null;
  readonly total: number;
}

/** An issued action token. */
export interface IssuedActionToken {
  readonly token: string;
  readonly actionId: string;
  readonly userId: string;
  readonly maxScore: number;
  /** ISO-8601 expiry. */
  readonly expiresAt: string;
}

/** Why a score submission was refused. */
export type ScoreRejection =
  | "action_token/malformed"
  | "action_token/bad_signature"
  | "action_token/expired"
  | "action_token/wrong_user"
  | "action_token/over_max_score"
  | "ladder/overflow"
  | "validation/failed"
  | "not_found";

/** An applied submission (src/ladder `SubmissionResponse`); returned again, unchanged, on a replay. */
export interface ScoreSubmitted {
  readonly actionId: string;
  readonly playerId: string;
  readonly scoreDelta: number;
  /** The season the season tier's change went to. */
  readonly season: number;
  /** Totals after the change. */
  readonly totals: { readonly allTime: number; readonly season: number };
  /** ISO-8601. */
  readonly appliedAt: string;
}

/** The result of a score submission. */
export type SubmitScoreResult =
  | { readonly kind: "applied"; readonly result: ScoreSubmitted }
  /** The token was used before: nothing changed; `first` is the first submission's response. */
  | { readonly kind: "replayed"; readonly first: unknown }
  | { readonly kind: "rejected"; readonly code: ScoreRejection; readonly message: string };

/** One ladder delta, as sent on the SSE stream. */
export interface LadderDeltaEvent {
  /** Monotonic id (the SSE `id:`), for `Last-Event-ID` resume. */
  readonly id: string;
  readonly data: unknown;
}

/** Action tokens and external score submission. */
export interface ScoresPort {
  /** Issues an action token for a user (the trusted-service route). */
  issueActionToken(input: { userId: string; maxScore: number; actionId?: string | undefined; ttlSeconds?: number | undefined }): Promise<IssuedActionToken>;
  /** Submits an external score with an action token (at most once per token). */
  submitScore(input: { userId: string; playerId: string; token: string; delta: number }): Promise<SubmitScoreResult>;
}

/** The ladder service, as the HTTP layer uses it. */
export interface LadderPort {
  /** A page from the top. Null cursor: the first page. Returns null on a malformed cursor. */
  top(q: TierQuery, limit: number, cursor: string | null): Promise<RankingPage | null>;
  /** One player's ranking, or null when the player has no entry. */
  rankOf(q: TierQuery, playerId: string): Promise<RankingView | null>;
  /** Up to `radius` players above and below a player, or null when the player has no entry. */
  around(q: TierQuery, playerId: string, radius: number): Promise<readonly RankingView[] | null>;
  /** External scores with action tokens; null until the ladder provides them (routes answer 503). */
  readonly scores: ScoresPort | null;
  /**
   * An ended season's final standings snapshot (rank 1 first, `limit` from rank `fromRank`);
   * null when the season has not ended (or the snapshot is not wired).
   */
  seasonStandings(season: number, limit: number, fromRank: number): Promise<SeasonStandingsView | null>;
  /** Ends the current season (archived, still readable) and starts the next one. */
  resetSeason(): Promise<{ readonly endedSeason: number; readonly currentSeason: number }>;
  /**
   * Recomputes every skill rating from the stored summaries (when wired), then rebuilds the
   * cache of every active tier from PostgreSQL; returns the entries loaded and what the rating
   * replay did (null when ratings are not wired).
   */
  rebuild(): Promise<{ readonly entries: number; readonly ratings: RatingRebuildResult | null }>;
  /**
   * Account deletion: notes the player's standings, runs `deleteRows` (which deletes the
   * player, so its ladder rows go by ON DELETE CASCADE), then removes its cache members and
   * sends a delta where it was in a top 10. Returns what `deleteRows` returned.
   */
  removePlayer(playerId: string, deleteRows: () => Promise<boolean>): Promise<boolean>;
  /**
   * Subscribes to ladder deltas. Deltas after `lastEventId` (when the service still has them)
   * are delivered first, then live ones. Returns the unsubscribe function.
   */
  subscribe(lastEventId: string | null, onDelta: (e: LadderDeltaEvent) => void): () => void;
}

/** The verdict of the fairness check. */
export type VerifyVerdict = { readonly ok: true } | { readonly ok: false; readonly problems: readonly string[] };

/** The fairness check (src/game `verifyGame`). */
export type VerifyGame = (events: readonly GameEvent[]) => VerifyVerdict;

/** Reads a game's committed events in index order, paged (the event log's `read`, src/platform/eventLog.ts). */
export type ReadEvents = EventLog["read"];

/**
 * Asks the rooms whether a player holds a seat at a live table (a game being played), across
 * processes when Redis is configured. The waitlist refuses removal while it does.
 */
export interface SeatCheck {
  isSeatedAtLiveTable(playerId: string): Promise<boolean>;
}

/** Why the REST game service refuses (docs/API.md, Game service). */
export type TableEntryCode = "table/full" | "table/game_in_progress" | "table/invitation_required" | "table/not_seated" | "not_found" | "validation/failed" | "unavailable";

/** A Colyseus seat reservation: the client passes it to `client.consumeSeatReservation`. */
export type SeatReservation = Readonly<Record<string, unknown>> & { readonly roomId: string; readonly sessionId: string };

/** The outcome of a REST start or join. */
export type TableEntryResult = { readonly ok: true; readonly gameId: string; readonly reservation: SeatReservation } | { readonly ok: false; readonly code: TableEntryCode; readonly detail: string };

/**
 * The Game Service over REST: the same matchmaker as a WebSocket `create` / `joinById` (the
 * composition root implements it over Colyseus's matchMaker, src/app/tableEntry.ts).
 */
export interface TableEntry {
  /** Creates a table with these room options and reserves the caller's seat. */
  start(caller: { readonly token: string; readonly ip: string }, options: Readonly<Record<string, unknown>>): Promise<TableEntryResult>;
  /** Reserves the caller's seat at a table, after the table says it can seat them. */
  join(caller: { readonly token: string; readonly ip: string; readonly playerId: string }, gameId: string, options: Readonly<Record<string, unknown>>): Promise<TableEntryResult>;
  /** Leaves the caller's seat (as a consented WebSocket leave would). */
  leave(playerId: string, gameId: string): Promise<{ readonly ok: true } | { readonly ok: false; readonly code: TableEntryCode; readonly detail: string }>;
}
