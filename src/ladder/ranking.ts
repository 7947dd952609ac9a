/**
 * Ladder ranking rules (pure).
 *
 * RULE L1 (order): entries are ordered by total descending.
 * RULE L2 (tie): equal totals are ordered by `firstReachedAt` ascending: whoever reached that
 * total first ranks higher.
 * RULE L3 (distinct ranks): equal totals reached in the same millisecond are ordered by
 * `playerId` ascending in Unicode code point order (which is UTF-8 byte order, the order Redis
 * uses for members). Ranks are therefore distinct: 1, 2, 3, ... with no shared places.
 * RULE L4 (reached): `firstReachedAt` is set whenever a change moves the total to a new value
 * (up or down: a player who drops to 1000 "reached 1000" at that moment). A change of 0 keeps it.
 * RULE L5 (overflow): an update whose total or highest score would leave
 * [`Number.MIN_SAFE_INTEGER`, `Number.MAX_SAFE_INTEGER`] is refused with `ladder/score_overflow`
 * and an alert log line; the entry is left as it was.
 */
import type { PlayerId } from "../game/types.js";

export { LADDER_TIERS, type LadderTier } from "../shared/ladderDelta.js";

/** One player's standing in one tier. All numbers are safe integers except `average`. */
export interface LadderEntry {
  readonly playerId: PlayerId;
  /** Sum of every score counted in this tier (may be negative). */
  readonly total: number;
  /** Highest single game score (may be negative when every game was). */
  readonly highest: number;
  /** Games (and verified external scores) counted. */
  readonly games: number;
  readonly wins: number;
  /** `total / games`, 0 when no game was counted. Derived, never stored. */
  readonly average: number;
  /** Epoch milliseconds (UTC) at which the player first reached `total` (RULE L4). */
  readonly firstReachedAt: number;
}

/** The stored fields of an entry; `average` is derived from them. */
export type LadderEntryFields = Omit<LadderEntry, "average">;

/** An entry with its 1-based rank. */
export interface RankedEntry {
  readonly rank: number;
  readonly entry: LadderEntry;
}

/**
 * Brands a string as a {@link PlayerId} after checking it is non-empty and well-formed. The
 * ladder's one place where a string becomes a `PlayerId` (cache members, cursors, DB rows).
 */
export function toPlayerId(raw: string): PlayerId {
  if (raw.length === 0 || raw.length > 256 || !/^(?:[^\ud800-\udfff]|[\ud800-\udbff][\udc00-\udfff])*$/.test(raw)) {
    throw new RangeError(`not a player id: ${JSON.stringify(raw.slice(0, 64))}`);
  }
  return raw as PlayerId;
}

/** Builds an entry, deriving `average`. */
export function makeEntry(fields: LadderEntryFields): LadderEntry {
  return {
    playerId: fields.playerId,
    total: fields.total,
    highest: fields.highest,
    games: fields.games,
    wins: fields.wins,
    average: fields.games === 0 ? 0 : fields.total / fields.games,
    firstReachedAt: fields.firstReachedAt,
  };
}

/** True when two entries hold the same stored fields. */
export function sameEntry(a: LadderEntry, b: LadderEntry): boolean {
  return (
    a.playerId === b.playerId &&
    a.total === b.total &&
    a.highest === b.highest &&
    a.games === b.games &&
    a.wins === b.wins &&
    a.firstReachedAt === b.firstReachedAt
  );
}

/**
 * Compares two strings by Unicode code point (equal to UTF-8 byte order). JS `<` compares
 * UTF-16 code units, which disagrees with byte order for astral characters.
 */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca !== cb) {
      // Only surrogates (0xD800-0xDFFF) break code-unit order; fall back to code points there.
      if (ca >= 0xd800 && ca <= 0xdfff || cb >= 0xd800 && cb <= 0xdfff) {
        const pa = a.codePointAt(i) ?? 0;
        const pb = b.codePointAt(i) ?? 0;
        if (pa !== pb) return pa < pb ? -1 : 1;
        continue;
      }
      return ca < cb ? -1 : 1;
    }
  }
  return a.length - b.length < 0 ? -1 : a.length === b.length ? 0 : 1;
}

/** The fields that decide order (RULES L1-L3). */
export interface OrderKey {
  readonly total: number;
  readonly firstReachedAt: number;
  readonly playerId: string;
}

/**
 * Ladder order: negative when `a` ranks above `b` (RULES L1-L3). Total descending, then
 * `firstReachedAt` ascending, then `playerId` ascending (code point order).
 */
export function compareEntries(a: OrderKey, b: OrderKey): number {
  if (a.total !== b.total) return a.total > b.total ? -1 : 1;
  if (a.firstReachedAt !== b.firstReachedAt) return a.firstReachedAt < b.firstReachedAt ? -1 : 1;
  return compareCodePoints(a.playerId, b.playerId);
}

/** Ranks entries: sorts by the ladder order and numbers them from 1. */
export function rankEntries(entries: readonly LadderEntry[]): RankedEntry[] {
  return [...entries].sort(compareEntries).map((entry, i) => ({ rank: i + 1, entry }));
}

/** One counted score: a finished game, or a verified external score. */
export interface ScoreUpdate {
  readonly playerId: PlayerId;
  /** The score to add to the total (negative allowed). */
  readonly score: number;
  readonly won: boolean;
  /** Epoch ms of the commit; becomes `firstReachedAt` when the total changes. */
  readonly at: number;
}

/** Error codes of the ranking rules. */
export const LADDER_ERRORS = ["ladder/score_overflow"] as const;
export type LadderErrorCode = (typeof LADDER_ERRORS)[number];

/** Refusal of an update that would leave the safe integer range (RULE L5). */
export interface ScoreOverflowError {
  readonly code: "ladder/score_overflow";
  readonly message: string;
  readonly playerId: PlayerId;
  readonly field: "total" | "highest" | "games" | "score";
  /** The refused value, as an exact decimal string (it is not a safe integer). */
  readonly attempted: string;
}

/** Result of {@link applyScore}. */
export type ApplyScoreResult =
  | { readonly ok: true; readonly entry: LadderEntry }
  | { readonly ok: false; readonly error: ScoreOverflowError };

/** The minimal logger the ladder needs; a pino `Logger` satisfies it. */
export interface LadderLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** A logger that drops everything (tests, benches). */
export const silentLogger: LadderLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

function isSafe(n: bigint): boolean {
  return n <= BigInt(Number.MAX_SAFE_INTEGER) && n >= BigInt(Number.MIN_SAFE_INTEGER);
}

/**
 * Checks that `value` is a safe integer, as the rules need; returns the overflow error or null.
 * Use it on values read from BIGINT columns before they enter the ladder.
 */
export function checkSafe(
  playerId: PlayerId,
  field: ScoreOverflowError["field"],
  value: bigint | number,
): ScoreOverflowError | null {
  const big = typeof value === "bigint" ? value : Number.isInteger(value) ? BigInt(value) : null;
  if (big !== null && isSafe(big) && (typeof value === "bigint" || Number.isSafeInteger(value))) return null;
  return {
    code: "ladder/score_overflow",
    message: `${field} ${String(value)} is outside the safe integer range [${Number.MIN_SAFE_INTEGER}, ${Number.MAX_SAFE_INTEGER}]`,
    playerId,
    field,
    attempted: String(value),
  };
}

/**
 * Applies one counted score to an entry (or to no entry yet). Pure except for the alert log
 * line on overflow, which goes to the injected `logger`. The sums are computed in BigInt, so
 * the refusal is exact even when the float sum would round.
 */
export function applyScore(current: LadderEntry | null, update: ScoreUpdate, logger: LadderLogger): ApplyScoreResult {
  const pid = update.playerId;
  const refuse = (error: ScoreOverflowError): ApplyScoreResult => {
    logger.error({ alert: true, code: error.code, playerId: pid, field: error.field, attempted: error.attempted }, "ladder: score update refused: safe integer overflow");
    return { ok: false, error };
  };
  const scoreErr = checkSafe(pid, "score", update.score);
  if (scoreErr) return refuse(scoreErr);
  const total = BigInt(current?.total ?? 0) + BigInt(update.score);
  const totalErr = checkSafe(pid, "total", total);
  if (totalErr) return refuse(totalErr);
  const games = (current?.games ?? 0) + 1;
  const gamesErr = checkSafe(pid, "games", games);
  if (gamesErr) return refuse(gamesErr);
  const nextTotal = Number(total);
  const changed = current === null || nextTotal !== current.total;
  return {
    ok: true,
    entry: makeEntry({
      playerId: pid,
      total: nextTotal,
      highest: current === null ? update.score : Math.max(current.highest, update.score),
      games,
      wins: (current?.wins ?? 0) + (update.won ? 1 : 0),
      firstReachedAt: changed ? update.at : current.firstReachedAt,
    }),
  };
}
