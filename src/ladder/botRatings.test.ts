import { rate } from "openskill";
import { plackettLuce } from "openskill/models";
import { describe, expect, it } from "vitest";
import { pickBots, RANKED_BOT_STEP, RANKED_BOTS, rankedBot } from "./botRatings.js";
import { BOT_RATING, botRatingOf, rateGame, shownRating } from "./rating.js";
import { asPlayerId } from "../shared/identity.js";

describe("ranked bots (B1-B3)", () => {
  it("B1: 13 distinct bots whose shown rating is their grade, 0..3600", () => {
    expect(RANKED_BOTS).toHaveLength(13);
    expect(new Set(RANKED_BOTS.map((b) => b.playerId)).size).toBe(13);
    RANKED_BOTS.forEach((b, i) => {
      expect(b.shown).toBe(i * RANKED_BOT_STEP);
      expect(shownRating(b.rating)).toBe(b.shown);
      expect(b.playerId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(rankedBot(b.playerId)).toBe(b);
      expect(Object.isFrozen(b.rating)).toBe(true);
    });
  });

  it("B2: any other bot takes part at the default BOT_RATING; a ranked bot at its own", () => {
    expect(botRatingOf("someone-else")).toEqual(BOT_RATING);
    expect(botRatingOf(RANKED_BOTS[4]!.playerId)).toEqual({ mu: 15, sigma: 1 });
  });

  it("B3: picks the distinct bots nearest the mean, nearest first, ties to the lower grade", () => {
    expect(pickBots(1000, 1).map((b) => b.shown)).toEqual([900]);
    expect(pickBots(1000, 3).map((b) => b.shown)).toEqual([900, 1200, 600]);
    expect(pickBots(1050, 2).map((b) => b.shown)).toEqual([900, 1200]);
    expect(pickBots(-400, 2).map((b) => b.shown)).toEqual([0, 300]);
    expect(pickBots(9000, 2).map((b) => b.shown)).toEqual([3600, 3300]);
    expect(() => pickBots(0, 14)).toThrow(RangeError);
  });

  it("R3: a game with a ranked bot rates the humans against its graded rating; the bot gets no update", () => {
    const bot = RANKED_BOTS[8]!; // shown 2400: mu 27, sigma 1
    const seats = [
      { playerId: asPlayerId("a"), isBot: false, score: 40 },
      { playerId: asPlayerId(bot.playerId), isBot: true, score: 90 },
      { playerId: asPlayerId("b"), isBot: false, score: 10 },
    ];
    const updates = rateGame(seats, () => null);
    const expected = rate([[{ mu: 25, sigma: 25 / 3 }], [{ mu: 27, sigma: 1 }], [{ mu: 25, sigma: 25 / 3 }]], { rank: [2, 1, 3], model: plackettLuce });
    expect(updates.map((u) => u.playerId)).toEqual(["a", "b"]);
    expect(updates[0]?.after).toEqual({ mu: expected[0][0].mu, sigma: expected[0][0].sigma });
    expect(updates[1]?.after).toEqual({ mu: expected[2][0].mu, sigma: expected[2][0].sigma });
    expect(bot.rating).toEqual({ mu: 27, sigma: 1 });
  });
});
