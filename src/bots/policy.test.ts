import { describe, expect, it } from "vitest";
import { seededRandom, viewFor } from "../game/index.js";
import { bidAll, gameWithDeals, playAll, startedGame, type CraftedDeal } from "../game/testing/testkit.js";
import { comparePolicies } from "./compare.js";
import { estimateTricks, smartPolicy } from "./policy.js";
import { randomPolicy } from "./randomPolicy.js";

const ROUND1: CraftedDeal = { hands: [["2C"], ["3C"], ["4C"], ["5C"]], trumpCard: "6C" };
// Round 2: dealer 1, seat 2 bids first and leads; spades are trump.
const ROUND2: CraftedDeal = {
  hands: [
    ["KH", "2D"], // seat 0
    ["QH", "7D"], // seat 1 (dealer)
    ["AH", "3D"], // seat 2
    ["JH", "TH"], // seat 3
  ],
  trumpCard: "2S",
};

describe("smartPolicy", () => {
  it("passes (null) when it is not its turn, and for a spectator", () => {
    const g = startedGame(4);
    expect(smartPolicy(viewFor(g.state, 2))).toBeNull();
    expect(smartPolicy(viewFor(g.state, "spectator"))).toBeNull();
    expect(smartPolicy(viewFor(g.state, 1))).toMatchObject({ type: "bid", seat: 1 });
  });

  it("bids from hand strength: high trumps and side aces count, low cards do not", () => {
    expect(estimateTricks(["AS", "KS", "AH"], "S", 4)).toBeGreaterThan(2);
    expect(estimateTricks(["2C", "3D", "4H"], "S", 4)).toBe(0);
  });

  it("respects the hook: the dealer's bid is always one of its legal bids", () => {
    const g = bidAll(startedGame(4), [0, 0, 0]);
    const view = viewFor(g.state, 0);
    expect(view.legalBids).toEqual([0]);
    expect(smartPolicy(view)).toEqual({ type: "bid", seat: 0, bid: 0 });
  });

  it("plays to win while under its bid: leads its ace; with no winner, throws its weakest card", () => {
    const g = bidAll(gameWithDeals([ROUND1, ROUND2]), [1, 1, 1, 0]); // seats 2, 3, 0, 1 bid 1, 1, 1, 0
    expect(smartPolicy(viewFor(g.state, 2))).toEqual({ type: "play", seat: 2, card: "AH" });
    const after = playAll(g, ["AH"]);
    // Seat 3 wants a trick but neither JH nor TH beats the ace: it keeps JH and throws TH.
    expect(smartPolicy(viewFor(after.state, 3))).toEqual({ type: "play", seat: 3, card: "TH" });
  });

  it("plays to win while under its bid: the cheapest winner when it plays last", () => {
    const deal: CraftedDeal = { hands: [["KH", "2D"], ["9D", "KD"], ["AH", "3D"], ["JH", "TH"]], trumpCard: "2S" };
    const g = bidAll(gameWithDeals([ROUND1, deal]), [1, 1, 0, 1]); // seat 1 (dealer, last to play) bids 1
    const after = playAll(g, ["3D", "TH", "2D"]);
    // Seat 1 plays last with 9D and KD: both win, so it keeps the king and wins with the nine.
    expect(smartPolicy(viewFor(after.state, 1))).toEqual({ type: "play", seat: 1, card: "9D" });
  });

  it("ducks once it has its bid: the highest card that still loses", () => {
    const g = bidAll(gameWithDeals([ROUND1, ROUND2]), [1, 0, 1, 1]); // seat 3 bids 0
    const after = playAll(g, ["3D"]);
    // Seat 3 has no diamonds and no trump: JH and TH both lose, so it sheds the higher, JH.
    expect(smartPolicy(viewFor(after.state, 3))).toEqual({ type: "play", seat: 3, card: "JH" });
  });

  it("clearly beats random-legal bots: 200 seeded 4-seat games (seeds pzo:compare:0..199)", () => {
    const result = comparePolicies(200);
    console.info(
      `policy vs random, 200 games: smart avg ${result.smartAverage.toFixed(1)}, random avg ${result.randomAverage.toFixed(1)}, ` +
        `smart win rate ${(result.smartWinRate * 100).toFixed(1)}%`,
    );
    expect(result.smartAverage).toBeGreaterThan(result.randomAverage + 20);
    expect(result.smartWinRate).toBeGreaterThan(0.6);
  });
});

describe("randomPolicy", () => {
  it("plays only legal moves, drawn from the injected rng, and passes when it is not its turn", () => {
    const g = startedGame(4);
    const policy = randomPolicy(seededRandom("random policy test"));
    expect(policy(viewFor(g.state, 3))).toBeNull();
    const command = policy(viewFor(g.state, 1));
    expect(command?.type).toBe("bid");
    expect(command?.type === "bid" && [0, 1].includes(command.bid)).toBe(true);
    expect(randomPolicy(() => 0.99)(viewFor(g.state, 1))).toEqual({ type: "bid", seat: 1, bid: 1 });
    expect(randomPolicy(() => 0)(viewFor(g.state, 1))).toEqual({ type: "bid", seat: 1, bid: 0 });
  });
});
