/**
 * Seasons as the API reads them: the open season and its clock (the schedule from
 * `SEASON_SCHEDULE` and `SEASON_TIME_ZONE`, rule S4), and a player's past seasons with the
 * rewards granted (db/seasonEnd.ts). docs/LADDER.md, "Seasons on a schedule".
 */
import type { Database } from "../../../db/client.js";
import { currentSeasonInfo, playerSeasons, type PlayerSeason } from "../../../db/seasonEnd.js";
import { seasonClock, type SeasonSchedule } from "../../ladder/seasonSchedule.js";

/** `GET /api/seasons/current`. */
export interface CurrentSeasonView {
  readonly season: number;
  /** ISO-8601 */
  readonly startedAt: string;
  /** ISO-8601; null without a schedule (seasons end only by admin reset). */
  readonly endsAt: string | null;
  readonly secondsLeft: number | null;
  readonly schedule: { readonly expression: string; readonly timeZone: string } | null;
}

/** One past season of `GET /api/players/:id/seasons`. */
export interface PlayerSeasonView {
  readonly season: number;
  /** ISO-8601 */
  readonly endedAt: string;
  readonly trigger: "schedule" | "admin";
  /** The final standing in the season's points tier and in the rating tier (null: no entry). */
  readonly tiers: PlayerSeason["tiers"];
  readonly rewards: { readonly coins: number; readonly cosmeticId: string | null };
}

/** Binds the season reads to `db`, the schedule (null: none) and the clock. */
export function createSeasonsStore(db: Database, schedule: SeasonSchedule | null, now: () => number) {
  return {
    async current(): Promise<CurrentSeasonView> {
      const { season, startedAt } = await currentSeasonInfo(db);
      const clock = seasonClock(schedule, startedAt, now());
      return {
        season,
        startedAt: startedAt.toISOString(),
        endsAt: clock.endsAt?.toISOString() ?? null,
        secondsLeft: clock.secondsLeft,
        schedule: schedule === null ? null : { expression: schedule.expression, timeZone: schedule.timeZone },
      };
    },
    async ofPlayer(playerId: string): Promise<PlayerSeasonView[]> {
      const rows = await playerSeasons(db, playerId);
      return rows.map((r) => ({
        season: r.season,
        endedAt: r.endedAt.toISOString(),
        trigger: r.trigger,
        tiers: r.tiers,
        rewards: { coins: r.coins, cosmeticId: r.cosmeticId },
      }));
    },
  };
}

/** The season reads. */
export type SeasonsStore = ReturnType<typeof createSeasonsStore>;
