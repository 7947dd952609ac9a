import { ordinal, rate, rating } from "openskill";
import { plackettLuce } from "openskill/models";
import { describe, expect, it } from "vitest";
import type { PlayerId } from "../game/types.js";
import { BOT_RATING, initialRating, isProvisional, isRatingWin, isRatedGame, placesOf, PROVISIONAL_GAMES, rateGame, shownRating, type RatedSeat } from "./rating.js";

const pid = (s: string): PlayerId => s as PlayerId;
const seat = (id: string, score: number, isBot = false): RatedSeat => ({ playerId: pid(id), isBot, score });

describe("skill rating rules (pure)", () => {
  it("R2: places from totals, equal totals share a place", () => {
    expect(placesOf([120, 80, 120, -10])).toEqual([1, 3, 1, 4]);
    expect(placesOf([5, 5, 5])).toEqual([1, 1, 1]);
    expect(placesOf([-3, 0, 7, 0, 7])).toEqual([5, 3, 1, 3, 1]);
  });

  it("R2: an abandoned seat places last whatever its total; several share the last place", () => {
    expect(placesOf([120, 80, 40, -10], [true, false, false, false])).toEqual([4, 1, 2, 3]);
    expect(placesOf([120, 80, 40, -10], [true, false, false, true])).toEqual([3, 1, 2, 3]);
    expect(placesOf([5, 5, 5], [false, true, false])).toEqual([1, 3, 1]);
    expect(placesOf([5, 9], [true, true])).toEqual([1, 1]);
    const updates = rateGame([{ ...seat("a", 120), abandoned: true }, seat("b", 80), seat("c", 40)], () => null);
    const expected = rate([[rating()], [rating()], [rating()]], { rank: [3, 1, 2], model: plackettLuce });
    expect(updates.map((u) => [u.place, u.abandoned, u.after])).toEqual([
      [3, true, expected[0][0]],
      [1, false, expected[1][0]],
      [2, false, expected[2][0]],
    ]);
    expect(updates.map(isRatingWin)).toEqual([false, true, false]);
    // Everyone abandoned: all share the last (= first) place, and nobody wins.
    expect(rateGame([{ ...seat("a", 1), abandoned: true }, { ...seat("b", 2), abandoned: true }], () => null).map(isRatingWin)).toEqual([false, false]);
  });

  it("R4: a new player shows 0; the shown rating is round(100 * (mu - 3 sigma))", () => {
    expect(shownRating(initialRating())).toBe(0);
    expect(shownRating({ mu: 30, sigma: 2 })).toBe(2400);
    expect(shownRating({ mu: 24.123456, sigma: 8.1 })).toBe(Math.round(100 * (24.123456 - 3 * 8.1)));
    expect(shownRating({ mu: 30, sigma: 2 })).toBe(Math.round(ordinal({ mu: 30, sigma: 2 }) * 100));
  });

  it("R5: provisional until PROVISIONAL_GAMES rated games", () => {
    expect(PROVISIONAL_GAMES).toBe(5);
    expect(isProvisional(0)).toBe(true);
    expect(isProvisional(4)).toBe(true);
    expect(isProvisional(5)).toBe(false);
  });

  it("R1: fewer than two humans: nobody is rated", () => {
    expect(isRatedGame([seat("a", 10), seat("b", 5, true), seat("c", 0, true)])).toBe(false);
    expect(rateGame([seat("a", 10), seat("b", 5, true), seat("c", 0, true)], () => null)).toEqual([]);
    expect(isRatedGame([seat("a", 10), seat("b", 5), seat("c", 0, true)])).toBe(true);
  });

  it("R3: bots take part with their fixed rating and get no update; humans match openskill directly", () => {
    const a = { mu: 27.5, sigma: 6.1 };
    const seats = [seat("a", 40), seat("bot", 90, true), seat("c", 40), seat("d", -20)];
    const updates = rateGame(seats, (id) => (id === "a" ? a : null));
    const expected = rate([[a], [{ ...BOT_RATING }], [rating()], [rating()]], { rank: [2, 1, 2, 4], model: plackettLuce });
    expect(updates.map((u) => u.playerId)).toEqual(["a", "c", "d"]);
    expect(updates.map((u) => u.after)).toEqual([expected[0][0], expected[2][0], expected[3][0]]);
    expect(updates.map((u) => u.place)).toEqual([2, 2, 4]);
    expect(BOT_RATING).toEqual({ mu: 25, sigma: 25 / 3 });
    expect(Object.isFrozen(BOT_RATING)).toBe(true);
  });

  it("docs/LADDER.md worked example: three new players, totals 120, 45, 45", () => {
    const [w, l1, l2] = rateGame([seat("w", 120), seat("l1", 45), seat("l2", 45)], () => null);
    // The figures the document prints (rounded there to 4 decimals).
    expect(w!.after.mu.toFixed(4)).toBe("27.8690");
    expect(w!.after.sigma.toFixed(4)).toBe("8.2052");
    expect(l1!.after.mu.toFixed(4)).toBe("23.5655");
    expect(l1!.after.sigma.toFixed(4)).toBe("8.0582");
    expect(l2!.after).toEqual(l1!.after);
    expect(shownRating(w!.after)).toBe(325);
    expect(shownRating(l1!.after)).toBe(-61);
    // Game 2: the same three and a bot, totals w 10, bot 80, l1 45, l2 -5.
    const now = new Map([w!, l1!, l2!].map((u) => [u.playerId, u.after] as const));
    const second = rateGame([seat("w", 10), seat("bot", 80, true), seat("l1", 45), seat("l2", -5)], (id) => now.get(id) ?? null);
    expect(second.map((u) => [u.playerId, u.place, u.after.mu.toFixed(4), u.after.sigma.toFixed(4), shownRating(u.after)])).toEqual([
      ["w", 3, "26.9995", "7.9477", 316],
      ["l1", 2, "25.2076", "7.9242", 144],
      ["l2", 4, "20.1011", "7.8379", -341],
    ]);
  });
});
