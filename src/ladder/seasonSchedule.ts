/**
 * Seasons on a schedule (rules, no I/O): when the current season is due to end, and the coins
 * each final rank earns. docs/LADDER.md, "Seasons on a schedule".
 *
 * - S1 The schedule is a cron expression read by `croner` in a time zone (`SEASON_SCHEDULE`,
 *   `SEASON_TIME_ZONE`). A season that started at `t` is due to end at the schedule's first time
 *   strictly after `t`. A scheduled end starts the next season at the latest schedule time not
 *   after now ({@link nextSeasonStart}): on time, that is the due time itself; late (every
 *   process was down), missed periods are skipped, not ended one after another. An admin reset
 *   starts the next season at the database clock.
 * - S2 Rewards by rank bands (`SEASON_REWARD_BANDS`, e.g. `1:500,3:300,10:100`): a band
 *   `upTo:coins` pays `coins` to every final rank up to `upTo` not covered by an earlier band
 *   (here rank 1 gets 500, ranks 2-3 get 300, ranks 4-10 get 100, the rest nothing).
 * - S3 A season cosmetic: final ranks up to `SEASON_COSMETIC_RANKS` (default 10; 0: none) of
 *   season `n` are granted the seat frame `season_<n>_frame` ({@link seasonCosmeticId}).
 */
import { Cron } from "croner";

/** A parsed season schedule. */
export interface SeasonSchedule {
  readonly expression: string;
  readonly timeZone: string;
  /** S1: when a season that started at `startedAt` is due to end (null: never again). */
  dueAfter(startedAt: Date): Date | null;
}

/** Parses a cron expression and an IANA time zone; throws a RangeError naming what is wrong. */
export function parseSeasonSchedule(expression: string, timeZone: string): SeasonSchedule {
  let cron: Cron;
  try {
    cron = new Cron(expression, { timezone: timeZone, paused: true });
    cron.nextRun(new Date(0));
  } catch (err) {
    throw new RangeError(`bad season schedule ${JSON.stringify(expression)} in ${JSON.stringify(timeZone)}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return {
    expression,
    timeZone,
    dueAfter: (startedAt) => cron.nextRun(startedAt),
  };
}

/**
 * S1: when the season after a scheduled end starts: the latest schedule time not after `now`,
 * from `dueAt` on (so a late end, a process having been down, neither drifts off the schedule
 * nor leaves missed periods to end one after another).
 */
export function nextSeasonStart(schedule: SeasonSchedule, dueAt: Date, now: number): Date {
  let start = dueAt;
  for (let i = 0; i < 100_000; i++) {
    const next = schedule.dueAfter(start);
    if (next === null || next.getTime() > now) break;
    start = next;
  }
  return start;
}

/** One reward band: every rank up to `upTo` (after the bands before it) gets `coins`. */
export interface RewardBand {
  readonly upTo: number;
  readonly coins: number;
}

/**
 * Parses `upTo:coins[,upTo:coins...]` (S2): `upTo` strictly increasing positive integers, coins
 * positive integers. The empty string is no rewards. Throws a RangeError on anything else.
 */
export function parseRewardBands(raw: string): RewardBand[] {
  if (raw.trim() === "") return [];
  const bands = raw.split(",").map((part) => {
    const m = /^\s*(\d{1,9}):(\d{1,15})\s*$/.exec(part);
    if (m === null) throw new RangeError(`bad reward band ${JSON.stringify(part)}: expected upTo:coins`);
    const band = { upTo: Number(m[1]), coins: Number(m[2]) };
    if (band.upTo < 1 || band.coins < 1 || !Number.isSafeInteger(band.coins)) throw new RangeError(`bad reward band ${JSON.stringify(part)}: both numbers must be positive`);
    return band;
  });
  bands.forEach((b, i) => {
    const prev = bands[i - 1];
    if (prev !== undefined && b.upTo <= prev.upTo) throw new RangeError(`reward bands must have increasing ranks: ${raw}`);
  });
  return bands;
}

/** S2: the coins a final rank earns (0: none). */
export function rewardFor(rank: number, bands: readonly RewardBand[]): number {
  return bands.find((b) => rank <= b.upTo)?.coins ?? 0;
}

/** The wallet idempotency key of a season reward: one per season and player. */
export function seasonRewardKey(season: number, playerId: string): string {
  return `season-reward:${season}:${playerId}`;
}

/** Who the wallet records as having asked for season rewards. */
export const SEASON_REWARD_REQUESTER = "system:season-end";

/** S3: final ranks that get the season cosmetic when no limit is configured. */
export const DEFAULT_SEASON_COSMETIC_RANKS = 10;

/** S3: the seat frame granted to the top of season `season`'s final standings. */
export function seasonCosmeticId(season: number): string {
  return `season_${season}_frame`;
}

/** S3: the catalogue name of a season's cosmetic. */
export function seasonCosmeticName(season: number): string {
  return `Season ${season} frame`;
}

/** S4: the open season's clock, as `GET /api/seasons/current` shows it. */
export interface SeasonClock {
  /** When the season is due to end (null: no schedule, or the schedule never fires again). */
  readonly endsAt: Date | null;
  /** Whole seconds until `endsAt`, rounded up; 0 once it is due (the scheduler ends it at its next check); null without `endsAt`. */
  readonly secondsLeft: number | null;
}

/** S4: when a season that started at `startedAt` ends, and the seconds left at `now` (epoch ms). */
export function seasonClock(schedule: SeasonSchedule | null, startedAt: Date, now: number): SeasonClock {
  const endsAt = schedule?.dueAfter(startedAt) ?? null;
  return { endsAt, secondsLeft: endsAt === null ? null : Math.max(0, Math.ceil((endsAt.getTime() - now) / 1000)) };
}
