import { describe, expect, it } from "vitest";
import { sha256Hex } from "./hash.js";
import { isPerfectGame, lifetimeDeltas, summarize } from "./summary.js";
import { run, startedGame, type Game } from "./testing/testkit.js";
import { legalBids, legalCards } from "./legal.js";
import { winnersOf } from "./scoring.js";
import { roundPoints } from "./scoring.js";
import type { PlayerId } from "./types.js";

function playOut(game: Game): Game {
  let g = game;
  while (g.state.phase !== "completed") g = run(g, { type: "timeout", seat: g.state.turn ?? -1 });
  return g;
}

/** Plays to the end with each seat's first legal move, made by the seat itself (not on timeout). */
function playOwnMoves(game: Game): Game {
  let g = game;
  while (g.state.phase !== "completed") {
    const seat = g.state.turn ?? -1;
    const bid = legalBids(g.state, seat)[0];
    const card = legalCards(g.state, seat)[0];
    g = g.state.phase === "bidding" && bid !== undefined ? run(g, { type: "bid", seat, bid }) : run(g, { type: "play", seat, card: card ?? "2C" });
  }
  return g;
}

describe("scoring and winners", () => {
  it("exact bid scores 10 + bid; a miss scores -|bid - tricks|", () => {
    expect(roundPoints(0, 0)).toBe(10);
    expect(roundPoints(3, 3)).toBe(13);
    expect(roundPoints(2, 0)).toBe(-2);
    expect(roundPoints(0, 4)).toBe(-4);
  });

  it("ties on the top total: every seat tied on top is a winner", () => {
    expect(winnersOf([10, 12, 12, 3])).toEqual([1, 2]);
    expect(winnersOf([5, 5, 5])).toEqual([0, 1, 2]);
    expect(winnersOf([-3, -7, -4])).toEqual([0]);
  });

  it("ties on the top total in a played game: game_completed lists every tied seat", () => {
    // Search a fixed range of seeds for an all-timeout game that ends in a tie on top.
    let tied: Game | null = null;
    for (let i = 0; i < 300 && tied === null; i++) {
      const g = playOut(startedGame(3, sha256Hex(`pzo:test:tie:${i}`)));
      const top = Math.max(...g.state.scores);
      if (g.state.scores.filter((s) => s === top).length > 1) tied = g;
    }
    if (tied === null) throw new Error("no tied game among the fixed seeds");
    const top = Math.max(...tied.state.scores);
    const expected = tied.state.scores.flatMap((s, seat) => (s === top ? [seat] : []));
    expect(expected.length).toBeGreaterThan(1);
    expect(tied.events[tied.events.length - 1]).toMatchObject({ type: "game_completed", winners: expected });
    expect(summarize(tied.state).players.filter((p) => p.won).map((p) => p.seat)).toEqual(expected);
  });
});

describe("summarize and lifetimeDeltas", () => {
  it("the summary row of a completed game: players, rounds, scores, records", () => {
    const g = playOut(startedGame(4));
    const s = summarize(g.state);
    const all = g.state.roundResults.flat();
    expect(s.players.map((p) => p.playerId)).toEqual(["p0", "p1", "p2", "p3"]);
    expect(s.players.map((p) => p.score)).toEqual(g.state.scores);
    expect(s.finalScores).toEqual({ p0: g.state.scores[0], p1: g.state.scores[1], p2: g.state.scores[2], p3: g.state.scores[3] });
    expect(s.rounds.map((r) => [r.round, r.dealer])).toEqual(Array.from({ length: 10 }, (_, i) => [i + 1, i % 4]));
    const dealt = g.events.flatMap((e) => (e.type === "round_started" ? [e.trumpCard] : []));
    expect(s.rounds.map((r) => r.trumpCard)).toEqual(dealt);
    expect(s.highestBid).toBe(Math.max(...all.map((r) => r.bid)));
    expect(s.highestMisplay).toBe(Math.max(...all.map((r) => r.misplay)));
    expect(s.highestScore).toBe(Math.max(...g.state.scores));
    expect(s.lowestScore).toBe(Math.min(...g.state.scores));
    expect(s.players.reduce((a, p) => a + p.tricksWon, 0)).toBe(55);
  });

  it("consecutive wins/losses: the longest run of made/missed bids by any one seat", () => {
    const g = playOut(startedGame(4));
    const s = summarize(g.state);
    let wins = 0, losses = 0;
    for (let seat = 0; seat < 4; seat++) {
      let w = 0, l = 0;
      for (const round of g.state.roundResults) {
        const r = round[seat];
        w = r?.misplay === 0 ? w + 1 : 0;
        l = r?.misplay === 0 ? 0 : l + 1;
        wins = Math.max(wins, w);
        losses = Math.max(losses, l);
      }
    }
    expect([s.mostConsecutiveWins, s.mostConsecutiveLosses]).toEqual([wins, losses]);
  });

  it("a seat a bot took over mid-game: the result belongs to the player seated at game_started", () => {
    let g = startedGame(4);
    g = run(g, { type: "leave", seat: 2, reason: "left" });
    g = run(g, { type: "replace_with_bot", seat: 2, botPlayerId: "bot-9" as PlayerId, botName: "Bot" });
    g = playOut(g);
    const s = summarize(g.state);
    expect(s.players[2]).toMatchObject({ playerId: "p2", displayName: "Player 2", isBot: false, score: g.state.scores[2] });
    expect(Object.keys(s.finalScores)).not.toContain("bot-9");
    const deltas = lifetimeDeltas(g.state);
    expect(deltas.map((d) => d.playerId)).toEqual(["p0", "p1", "p2", "p3"]);
    const results = g.state.roundResults.map((r) => r[2]);
    expect(deltas[2]).toEqual({
      playerId: "p2",
      isBot: false,
      score: g.state.scores[2],
      won: g.state.winners.includes(2),
      tricksWon: s.players[2]?.tricksWon,
      roundsPlayed: 10,
      bidsMade: results.filter((r) => r?.bid === r?.tricks).length,
      zeroBidsMade: results.filter((r) => r?.bid === 0 && r.tricks === 0).length,
      // 10 bids and 55 cards, every one made by the bot that took the seat before its first move.
      moves: { moves: 65, notOwn: 65 },
    });
  });

  it("moves: every bid and card a seat made counts; those made on timeout or by a replacement bot are not its player's own", () => {
    let g = startedGame(4);
    const firstBidder = g.state.turn ?? -1;
    g = run(g, { type: "timeout", seat: firstBidder });
    g = run(g, { type: "leave", seat: 3, reason: "left" });
    g = run(g, { type: "replace_with_bot", seat: 3, botPlayerId: "bot-3" as PlayerId, botName: "Bot" });
    g = playOwnMoves(g);
    const deltas = lifetimeDeltas(g.state);
    expect(deltas.map((d) => d.moves.moves)).toEqual([65, 65, 65, 65]);
    // Round 1's first bidder timed out once; every move of seat 3 was the bot's.
    expect(deltas.map((d) => d.moves.notOwn)).toEqual([0, 1, 2, 3].map((seat) => (seat === 3 ? 65 : seat === firstBidder ? 1 : 0)));
  });

  it("bid figures: rounds played, bids made exactly, zero bids made (rule: a made bid takes exactly the tricks bid)", () => {
    const g = playOut(startedGame(3));
    const deltas = lifetimeDeltas(g.state);
    for (const [seat, d] of deltas.entries()) {
      const results = g.state.roundResults.map((r) => r[seat]);
      expect(d.roundsPlayed).toBe(10);
      expect(d.bidsMade).toBe(results.filter((r) => r !== undefined && r.bid === r.tricks).length);
      expect(d.zeroBidsMade).toBe(results.filter((r) => r !== undefined && r.bid === 0 && r.tricks === 0).length);
      expect(d.zeroBidsMade).toBeLessThanOrEqual(d.bidsMade);
    }
    expect(deltas.reduce((n, d) => n + d.bidsMade, 0)).toBeGreaterThan(0);
  });

  it("a perfect game: at least one round played and every bid made", () => {
    expect(isPerfectGame({ roundsPlayed: 10, bidsMade: 10 })).toBe(true);
    expect(isPerfectGame({ roundsPlayed: 10, bidsMade: 9 })).toBe(false);
    expect(isPerfectGame({ roundsPlayed: 0, bidsMade: 0 })).toBe(false);
    const g = playOut(startedGame(4));
    for (const [seat, d] of lifetimeDeltas(g.state).entries()) {
      const results = g.state.roundResults.map((r) => r[seat]);
      expect(isPerfectGame(d)).toBe(results.length > 0 && results.every((r) => r !== undefined && r.bid === r.tricks));
    }
  });

  it("a game that is not completed has no summary", () => {
    expect(() => summarize(startedGame(3).state)).toThrow(/not completed/);
    expect(() => lifetimeDeltas(startedGame(3).state)).toThrow(/not completed/);
  });
});
