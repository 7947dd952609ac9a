/**
 * Seasons on a schedule: the one path every season end takes (docs/LADDER.md, "Seasons on a
 * schedule"). The scheduler of every process checks the current season against the schedule
 * (`SEASON_SCHEDULE`, `SEASON_TIME_ZONE`; rule S1 of src/ladder/seasonSchedule.ts); the database
 * makes the end happen once (db/seasonEnd.ts, SE1-SE2); the rewards follow, idempotent (SE3).
 * The admin reset (`POST /api/admin/seasons`) calls {@link SeasonScheduler.endNow}: the same
 * ladder reset and the same rewards. A process that was down at the scheduled time ends the
 * season at its first check, on start.
 */
import type { Database } from "../../db/client.js";
import { currentSeasonInfo, grantSeasonRewards, seasonsAwaitingRewards, type SeasonRewards } from "../../db/seasonEnd.js";
import { nextSeasonStart, type RewardBand, type SeasonSchedule } from "../ladder/seasonSchedule.js";
import type { LadderService, SeasonReset } from "../ladder/service.js";
import type { LadderLogger } from "../ladder/ranking.js";

/** The scheduler's collaborators and tunables. */
export interface SeasonSchedulerOptions {
  readonly db: Database;
  readonly ladder: Pick<LadderService, "resetSeason">;
  /** Null: seasons end only by admin reset. */
  readonly schedule: SeasonSchedule | null;
  readonly rewardBands: readonly RewardBand[];
  /** Final ranks that get the season cosmetic (S3; default 10, 0: none). */
  readonly cosmeticRanks?: number;
  readonly logger: LadderLogger;
  /** Epoch ms (default `Date.now`); tests pass a fake clock. */
  readonly now?: () => number;
  /** Longest wait between two checks in ms (default 60 s); 0: no timer (call {@link SeasonScheduler.tick}). */
  readonly checkEveryMs?: number;
}

/** What one scheduler check did. */
export interface SeasonTick {
  /** The season end this check made (null: none was due, or another process made it). */
  readonly ended: SeasonReset | null;
  /** When the current season is due to end (null: no schedule, or never). */
  readonly dueAt: Date | null;
  /** Rewards granted in this check (for seasons whose rewards were not all in). */
  readonly rewards: readonly SeasonRewards[];
}

/** Checks the schedule, ends due seasons through the ladder, grants rewards. */
export class SeasonScheduler {
  private readonly now: () => number;
  private readonly checkEveryMs: number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<SeasonTick> | null = null;
  private stopped = true;

  constructor(private readonly opts: SeasonSchedulerOptions) {
    this.now = opts.now ?? Date.now;
    this.checkEveryMs = opts.checkEveryMs ?? 60_000;
  }

  /** Grants rewards still owed, ends the season if it is overdue, then checks on a timer. */
  async start(): Promise<void> {
    this.stopped = false;
    const first = await this.tick();
    this.arm(first.dueAt);
  }

  /** Stops the timer and waits for a running check. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  private arm(dueAt: Date | null): void {
    if (this.stopped || this.checkEveryMs <= 0 || this.opts.schedule === null) return;
    const untilDue = dueAt === null ? this.checkEveryMs : dueAt.getTime() - this.now();
    const delay = Math.max(1_000, Math.min(this.checkEveryMs, untilDue));
    this.timer = setTimeout(() => {
      this.timer = null;
      this.tick()
        .then((t) => this.arm(t.dueAt))
        .catch((err: unknown) => {
          this.opts.logger.error({ err }, "seasons: scheduled check failed; retrying");
          this.arm(null);
        });
    }, delay);
    this.timer.unref();
  }

  /** One check (one at a time per process): rewards owed, then the schedule. */
  tick(): Promise<SeasonTick> {
    this.running ??= this.check().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async check(): Promise<SeasonTick> {
    const rewards = await this.grantOwed();
    const { schedule } = this.opts;
    if (schedule === null) return { ended: null, dueAt: null, rewards };
    const { season, startedAt } = await currentSeasonInfo(this.opts.db);
    const dueAt = schedule.dueAfter(startedAt);
    if (dueAt === null || dueAt.getTime() > this.now()) return { ended: null, dueAt, rewards };
    const nextStartsAt = nextSeasonStart(schedule, dueAt, this.now());
    const ended = await this.opts.ladder.resetSeason({ trigger: "schedule", expectedSeason: season, scheduledFor: dueAt, nextStartsAt, ...this.cosmetic() });
    if (ended === null) {
      this.opts.logger.info({ season }, "seasons: the due season was already ended elsewhere");
      const next = await currentSeasonInfo(this.opts.db);
      return { ended: null, dueAt: schedule.dueAfter(next.startedAt), rewards };
    }
    this.opts.logger.info({ closed: ended.closed, opened: ended.opened, scheduledFor: dueAt.toISOString() }, "seasons: season ended on schedule");
    const after = await this.grantOwed();
    const next = await currentSeasonInfo(this.opts.db);
    return { ended, dueAt: schedule.dueAfter(next.startedAt), rewards: [...rewards, ...after] };
  }

  /** The admin reset: ends the current season now, through the same path, and grants its rewards. */
  async endNow(): Promise<SeasonReset> {
    const ended = await this.opts.ladder.resetSeason({ trigger: "admin", ...this.cosmetic() });
    if (ended === null) throw new Error("season reset: an admin reset always ends the current season");
    this.opts.logger.info({ closed: ended.closed, opened: ended.opened }, "seasons: season ended by an admin reset");
    await this.grantOwed();
    return ended;
  }

  private cosmetic(): { cosmeticRanks?: number } {
    return this.opts.cosmeticRanks === undefined ? {} : { cosmeticRanks: this.opts.cosmeticRanks };
  }

  /** SE3: grants the rewards of every ended season whose rewards are not all in (idempotent). */
  private async grantOwed(): Promise<SeasonRewards[]> {
    const out: SeasonRewards[] = [];
    for (const season of await seasonsAwaitingRewards(this.opts.db)) {
      try {
        const r = await grantSeasonRewards(this.opts.db, season, this.opts.rewardBands);
        this.opts.logger.info({ ...r }, "seasons: rewards granted");
        out.push(r);
      } catch (err: unknown) {
        this.opts.logger.error({ err, season }, "seasons: granting rewards failed; retried at the next check");
      }
    }
    return out;
  }
}
