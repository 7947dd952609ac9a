import { describe, expect, it } from "vitest";
import { parseSeasonSchedule, seasonClock, seasonCosmeticId } from "./seasonSchedule.js";

describe("season clock (S4) and season cosmetic id (S3)", () => {
  const schedule = parseSeasonSchedule("0 0 1 * *", "Europe/Stockholm");
  const started = new Date("2026-12-07T10:00:00Z");
  const end = new Date("2026-12-31T23:00:00Z"); // 2027-01-01 00:00 in Stockholm (UTC+1)

  it("ends at the schedule's first time after the start, in its time zone; seconds left round up", () => {
    expect(seasonClock(schedule, started, end.getTime() - 90_500)).toEqual({ endsAt: end, secondsLeft: 91 });
    expect(seasonClock(schedule, started, end.getTime() - 1)).toEqual({ endsAt: end, secondsLeft: 1 });
  });

  it("is 0 once due (the scheduler ends it at its next check), and null without a schedule", () => {
    expect(seasonClock(schedule, started, end.getTime())).toEqual({ endsAt: end, secondsLeft: 0 });
    expect(seasonClock(schedule, started, end.getTime() + 60_000)).toEqual({ endsAt: end, secondsLeft: 0 });
    expect(seasonClock(null, started, 0)).toEqual({ endsAt: null, secondsLeft: null });
  });

  it("names a season's frame season_<n>_frame", () => {
    expect(seasonCosmeticId(0)).toBe("season_0_frame");
    expect(seasonCosmeticId(12)).toBe("season_12_frame");
  });
});
