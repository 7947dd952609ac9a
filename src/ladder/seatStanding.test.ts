import { describe, expect, it } from "vitest";
import { abandonedSeats, isAbandoned, seatStanding } from "./seatStanding.js";
import { gameLadderWrites } from "./ladderChange.js";
import type { LifetimeStatDelta, PlayerId } from "../game/types.js";

const delta = (playerId: string, over: Partial<LifetimeStatDelta> = {}): LifetimeStatDelta => ({
  playerId: playerId as PlayerId,
  isBot: false,
  score: 20,
  won: true,
  tricksWon: 5,
  roundsPlayed: 10,
  bidsMade: 4,
  zeroBidsMade: 1,
  moves: { moves: 65, notOwn: 0 },
  ...over,
});

describe("rule L8: abandoned seats and unranked players", () => {
  it("a seat is abandoned when more than half of its moves were not its player's; exactly half is not", () => {
    expect(isAbandoned({ moves: 65, notOwn: 33 })).toBe(true);
    expect(isAbandoned({ moves: 64, notOwn: 32 })).toBe(false);
    expect(isAbandoned({ moves: 64, notOwn: 33 })).toBe(true);
    expect(isAbandoned({ moves: 0, notOwn: 0 })).toBe(false);
  });

  it("an abandoned seat is a loss with no ladder points, even when the seat won", () => {
    expect(seatStanding(delta("a", { moves: { moves: 65, notOwn: 40 } }), { unranked: false })).toEqual({ abandoned: true, won: false, ranked: false });
    expect(seatStanding(delta("a"), { unranked: false })).toEqual({ abandoned: false, won: true, ranked: true });
  });

  it("bots and unranked test clients are never ranked, but keep their result", () => {
    expect(seatStanding(delta("b", { isBot: true, moves: { moves: 65, notOwn: 65 } }), { unranked: false })).toEqual({ abandoned: false, won: true, ranked: false });
    expect(seatStanding(delta("c"), { unranked: true })).toEqual({ abandoned: false, won: true, ranked: false });
  });

  it("gameLadderWrites leaves out bots, unranked players and abandoned seats", () => {
    const deltas = [delta("d"), delta("a", { moves: { moves: 65, notOwn: 60 } }), delta("b", { isBot: true }), delta("c")];
    const writes = gameLadderWrites(deltas, { allTime: 0, current: 1 }, new Set(["c"]));
    expect(writes.map((w) => `${w.playerId}/${w.tier}`)).toEqual(["d/all_time", "d/season"]);
  });

  it("abandonedSeats names the seats of abandoned humans, ascending (never a bot's)", () => {
    const seats = [
      { playerId: "d", seat: 0 },
      { playerId: "a", seat: 1 },
      { playerId: "b", seat: 2 },
      { playerId: "c", seat: 3 },
    ];
    const deltas = [delta("c", { moves: { moves: 65, notOwn: 33 } }), delta("a", { moves: { moves: 65, notOwn: 40 } }), delta("b", { isBot: true, moves: { moves: 65, notOwn: 65 } }), delta("d")];
    expect(abandonedSeats(seats, deltas)).toEqual([1, 3]);
    expect(abandonedSeats(seats, [delta("a", { moves: { moves: 64, notOwn: 32 } })])).toEqual([]);
  });
});
