import { describe, expect, it } from "vitest";
import { decide } from "./decide.js";
import { legalBids, legalCards } from "./legal.js";
import { bidAll, gameWithDeals, newGame, playAll, run, startedGame, testClientSeed, testPlayer, type CraftedDeal, type Game } from "./testing/testkit.js";
import type { Command, GameState, PlayerId, RuleRejectionCode } from "./types.js";

function rejection(state: GameState, command: Command): RuleRejectionCode | null {
  const d = decide(state, command);
  return d.ok ? null : d.rejection.code;
}

function eventsOf(state: GameState, command: Command) {
  const d = decide(state, command);
  if (!d.ok) throw new Error(`rejected: ${d.rejection.code}`);
  return d.events;
}

// Round 1 (dealer 0): one card each. Round 2 (dealer 1; seat 2 bids first and leads): spades trump.
const ROUND1: CraftedDeal = { hands: [["2C"], ["3C"], ["4C"], ["5C"]], trumpCard: "6C" };
const ROUND2: CraftedDeal = {
  hands: [
    ["AD", "6S"], // seat 0: no hearts
    ["QH", "7D"], // seat 1 (dealer)
    ["AH", "3D"], // seat 2: leads
    ["KH", "4D"], // seat 3
  ],
  trumpCard: "2S",
};

/** Round 2 of the crafted game, bids placed (2,3,0,1 bid 1,0,0,0), seat 2 to lead. */
function round2Playing(): Game {
  return bidAll(gameWithDeals([ROUND1, ROUND2]), [1, 0, 0, 0]);
}

describe("follow suit", () => {
  it("rules/must_follow_suit: a seat holding the led suit must play it", () => {
    const g = playAll(round2Playing(), ["AH"]);
    expect(rejection(g.state, { type: "play", seat: 3, card: "4D" })).toBe("rules/must_follow_suit");
    expect(legalCards(g.state, 3)).toEqual(["KH"]);
    expect(rejection(g.state, { type: "play", seat: 3, card: "KH" })).toBeNull();
  });

  it("a seat void in the led suit may play any card", () => {
    const g = playAll(round2Playing(), ["AH", "KH"]);
    expect(legalCards(g.state, 0)).toEqual(["AD", "6S"]);
    expect(rejection(g.state, { type: "play", seat: 0, card: "AD" })).toBeNull();
    expect(rejection(g.state, { type: "play", seat: 0, card: "6S" })).toBeNull();
  });

  it("the leader may lead any card", () => {
    const g = round2Playing();
    expect(legalCards(g.state, 2)).toEqual(["3D", "AH"]);
  });
});

describe("who wins a trick", () => {
  it("trump wins: the highest trump takes the trick, even a low one over the led ace", () => {
    const g = playAll(round2Playing(), ["AH", "KH", "6S"]);
    const events = eventsOf(g.state, { type: "play", seat: 1, card: "QH" });
    expect(events.map((e) => e.type)).toEqual(["card_played", "trick_won"]);
    expect(events[1]).toMatchObject({ type: "trick_won", round: 2, trick: 1, seat: 0 });
  });

  it("led suit wins: with no trump, the highest card of the led suit wins; an off-suit ace does not", () => {
    const g = playAll(round2Playing(), ["AH", "KH", "AD", "QH"]);
    expect(g.state.lastTrick?.seat).toBe(2);
    expect(g.state.tricksWon).toEqual([0, 0, 1, 0]);
  });

  it("the winner leads the next trick", () => {
    const g = playAll(round2Playing(), ["AH", "KH", "6S", "QH"]);
    expect(g.state.turn).toBe(0);
    expect(g.state.trick).toBe(2);
    expect(rejection(g.state, { type: "play", seat: 2, card: "3D" })).toBe("rules/not_your_turn");
  });
});

describe("bidding and the hook", () => {
  it("bidding starts left of the dealer and the dealer bids last", () => {
    const g = startedGame(4);
    expect(g.state.dealer).toBe(0);
    const order: number[] = [];
    let h = g;
    for (let i = 0; i < 4; i++) {
      order.push(h.state.turn ?? -1);
      h = run(h, { type: "bid", seat: h.state.turn ?? -1, bid: 1 });
    }
    expect(order).toEqual([1, 2, 3, 0]);
  });

  it("the hook on the dealer only: the dealer may not make the bids add up to the round number", () => {
    const g = bidAll(startedGame(4), [0, 0, 0]);
    expect(g.state.turn).toBe(0);
    expect(legalBids(g.state, 0)).toEqual([0]);
    expect(rejection(g.state, { type: "bid", seat: 0, bid: 1 })).toBe("rules/hook_violation");
    expect(rejection(g.state, { type: "bid", seat: 0, bid: 0 })).toBeNull();
  });

  it("the hook on the dealer only: a non-dealer may bring the sum to the round number", () => {
    const g = startedGame(4);
    expect(rejection(g.state, { type: "bid", seat: 1, bid: 1 })).toBeNull();
    const h = bidAll(g, [1, 0, 0]);
    // Seat 1 already bid the whole round: the dealer may not bid 0 (sum 1) but may bid 1.
    expect(legalBids(h.state, 0)).toEqual([1]);
    expect(rejection(h.state, { type: "bid", seat: 0, bid: 0 })).toBe("rules/hook_violation");
  });

  it("the hook forbids nothing when the other bids already exceed the round number", () => {
    const h = bidAll(startedGame(4), [1, 1, 0]);
    expect(legalBids(h.state, 0)).toEqual([0, 1]);
  });

  it("rules/bid_out_of_range: a bid is a whole number 0..r", () => {
    const g = startedGame(4);
    for (const bid of [-1, 2, 0.5, Number.NaN, 11]) {
      expect(rejection(g.state, { type: "bid", seat: 1, bid })).toBe("rules/bid_out_of_range");
    }
  });

  it("rules/not_your_turn, rules/not_bidding_phase, rules/not_playing_phase", () => {
    const g = startedGame(4);
    expect(rejection(g.state, { type: "bid", seat: 2, bid: 0 })).toBe("rules/not_your_turn");
    expect(rejection(g.state, { type: "play", seat: 1, card: g.state.hands[1]?.[0] ?? "2C" })).toBe("rules/not_playing_phase");
    const p = bidAll(g, [0, 0, 0, 0]);
    expect(rejection(p.state, { type: "bid", seat: 1, bid: 0 })).toBe("rules/not_bidding_phase");
  });

  it("rules/card_not_in_hand: a card the seat does not hold, or no card at all", () => {
    const g = round2Playing();
    expect(rejection(g.state, { type: "play", seat: 2, card: "KH" })).toBe("rules/card_not_in_hand");
    expect(rejection(g.state, { type: "play", seat: 2, card: "ZZ" as never })).toBe("rules/card_not_in_hand");
  });

  it("rules/seat_out_of_range: seats are 0..n-1", () => {
    const g = startedGame(4);
    for (const seat of [-1, 4, 1.5]) expect(rejection(g.state, { type: "bid", seat, bid: 0 })).toBe("rules/seat_out_of_range");
  });
});

describe("scoring", () => {
  // Round 1 (dealer 0, seat 1 leads), hearts trump: seat 3's AC wins.
  const deal: CraftedDeal = { hands: [["2C"], ["3C"], ["4C"], ["AC"]], trumpCard: "5H" };

  it("exact bid scores 10 + bid; a missed bid loses the size of the miss (its misplay)", () => {
    const g = bidAll(gameWithDeals([deal]), [1, 0, 1, 1]); // seats 1, 2, 3, 0
    const events = eventsOf(playAll(g, ["3C", "4C", "AC"]).state, { type: "play", seat: 0, card: "2C" });
    expect(events.map((e) => e.type)).toEqual(["card_played", "trick_won", "round_scored", "round_started"]);
    const scored = events[2];
    if (scored?.type !== "round_scored") throw new Error("expected round_scored");
    expect(scored.results).toEqual([
      { seat: 0, bid: 1, tricks: 0, points: -1, misplay: 1 },
      { seat: 1, bid: 1, tricks: 0, points: -1, misplay: 1 },
      { seat: 2, bid: 0, tricks: 0, points: 10, misplay: 0 },
      { seat: 3, bid: 1, tricks: 1, points: 11, misplay: 0 },
    ]);
    expect(scored.totals).toEqual([-1, -1, 10, 11]);
    expect(events[3]).toMatchObject({ type: "round_started", round: 2, dealer: 1 });
  });
});

describe("dealer rotation", () => {
  for (const seats of [3, 4, 5]) {
    it(`dealer of round r is (r - 1) mod n; bidding and the first lead start left of the dealer (${seats} seats)`, () => {
      let g = startedGame(seats);
      const seen: number[] = [];
      while (g.state.phase !== "completed") {
        const last = g.events[g.events.length - 1];
        if (last?.type === "round_started") {
          seen.push(last.dealer);
          expect(last.dealer).toBe((last.round - 1) % seats);
          expect(g.state.turn).toBe((last.dealer + 1) % seats);
        }
        if (g.state.phase === "playing" && g.state.trick === 1 && g.state.currentTrick.length === 0) {
          expect(g.state.turn).toBe((g.state.dealer + 1) % seats);
        }
        g = run(g, { type: "timeout", seat: g.state.turn ?? -1 });
      }
      expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => i % seats));
    });
  }
});

describe("timeout auto-moves", () => {
  it("timeout while bidding: bid 0, recorded auto: true", () => {
    const g = startedGame(4);
    expect(eventsOf(g.state, { type: "timeout", seat: 1 })).toEqual([
      { _v: 1, type: "bid_placed", round: 1, seat: 1, bid: 0, auto: true },
    ]);
  });

  it("timeout while bidding: bid 1 when the hook forbids 0", () => {
    const g = bidAll(startedGame(4), [1, 0, 0]);
    expect(eventsOf(g.state, { type: "timeout", seat: 0 })).toMatchObject([{ type: "bid_placed", seat: 0, bid: 1, auto: true }]);
  });

  it("timeout while playing: the lowest legal card (lowest rank, ties C < D < H < S)", () => {
    const deal: CraftedDeal = {
      hands: [["2C", "KC", "AC"], ["3S", "3D", "9C"], ["QH", "JH", "4H"], ["5S", "5D", "7C"]],
      trumpCard: "TS",
    };
    const r1: CraftedDeal = { hands: [["2H"], ["3H"], ["4H"], ["5H"]], trumpCard: "6H" };
    const r2: CraftedDeal = { hands: [["2H", "2S"], ["3H", "3S"], ["4H", "4S"], ["5H", "5S"]], trumpCard: "6H" };
    // Round 3: dealer 2, seat 3 leads.
    const g = bidAll(gameWithDeals([r1, r2, deal]), [0, 0, 0, 0]);
    expect(g.state.turn).toBe(3);
    // Leading: lowest rank 5; tie 5D < 5S.
    const lead = eventsOf(g.state, { type: "timeout", seat: 3 });
    expect(lead).toEqual([{ _v: 1, type: "card_played", round: 3, trick: 1, seat: 3, card: "5D", auto: true }]);
    // Seat 0 is void in diamonds: lowest of its whole hand, 2C.
    const h = playAll(g, ["5D"]);
    expect(eventsOf(h.state, { type: "timeout", seat: 0 })).toMatchObject([{ card: "2C", auto: true }]);
    // Seat 1 holds a diamond: must follow, 3D.
    const k = playAll(h, ["AC"]);
    expect(eventsOf(k.state, { type: "timeout", seat: 1 })).toMatchObject([{ card: "3D", auto: true }]);
  });

  it("a stale timer changes nothing: rules/not_your_turn", () => {
    const g = startedGame(4);
    expect(rejection(g.state, { type: "timeout", seat: 2 })).toBe("rules/not_your_turn");
    expect(rejection(newGame(4).state, { type: "timeout", seat: 0 })).toBe("rules/game_not_started");
  });
});

describe("join, leave, start and replace_with_bot", () => {
  const join = (seat: number, id = seat): Command => ({ type: "join", seat, ...testPlayer(id), clientSeed: testClientSeed(id) });

  it("join only before the start, in range, on an empty seat, once per player", () => {
    let g = newGame(3);
    expect(rejection(g.state, join(3))).toBe("rules/seat_out_of_range");
    expect(rejection(g.state, join(-1))).toBe("rules/seat_out_of_range");
    g = run(g, join(0));
    expect(rejection(g.state, join(0, 7))).toBe("rules/seat_taken");
    expect(rejection(g.state, join(1, 0))).toBe("rules/already_seated");
    expect(rejection(g.state, join(0, 0))).toBe("rules/already_seated");
    g = run(run(g, join(1)), join(2));
    g = run(g, { type: "start" });
    expect(rejection(g.state, join(0, 9))).toBe("rules/game_already_started");
  });

  it("start needs every seat taken: rules/not_enough_players; and starts once", () => {
    let g = run(run(newGame(3), join(0)), join(1));
    expect(rejection(g.state, { type: "start" })).toBe("rules/not_enough_players");
    g = run(run(g, join(2)), { type: "start" });
    expect(g.events.slice(-2).map((e) => e.type)).toEqual(["game_started", "round_started"]);
    expect(g.state).toMatchObject({ phase: "bidding", round: 1, dealer: 0, turn: 1 });
    expect(rejection(g.state, { type: "start" })).toBe("rules/game_already_started");
  });

  it("leave before the start frees the seat", () => {
    let g = run(run(newGame(3), join(0)), { type: "leave", seat: 0, reason: "left" });
    expect(g.state.seats[0]).toEqual({ occupant: null, away: false });
    expect(rejection(g.state, { type: "leave", seat: 0, reason: "left" })).toBe("rules/seat_empty");
    g = run(g, join(0, 5));
    expect(g.state.seats[0]?.occupant?.playerId).toBe("p5");
  });

  it("leave after the start marks the seat away; its turns remain (the timer plays them)", () => {
    let g = startedGame(4);
    g = run(g, { type: "leave", seat: 1, reason: "disconnected" });
    expect(g.state.seats[1]).toMatchObject({ away: true, occupant: { playerId: "p1" } });
    expect(g.state.turn).toBe(1);
    expect(rejection(g.state, { type: "leave", seat: 1, reason: "left" })).toBe("rules/seat_away");
    g = run(g, { type: "timeout", seat: 1 });
    expect(g.events[g.events.length - 1]).toMatchObject({ type: "bid_placed", seat: 1, auto: true });
  });

  it("replace_with_bot only after the start, on an occupied seat, with a bot not already seated", () => {
    const bot = { type: "replace_with_bot", seat: 1, botPlayerId: "bot-1" as PlayerId, botName: "Bot" } as const;
    expect(rejection(run(newGame(3), join(1)).state, bot)).toBe("rules/game_not_started");
    let g = startedGame(4);
    expect(rejection(g.state, { ...bot, seat: 4 })).toBe("rules/seat_out_of_range");
    expect(rejection(g.state, { ...bot, botPlayerId: "p2" as PlayerId })).toBe("rules/already_seated");
    g = run(run(g, { type: "leave", seat: 1, reason: "disconnected" }), bot);
    expect(g.events[g.events.length - 1]).toEqual({
      _v: 1,
      type: "seat_taken_by_bot",
      seat: 1,
      previousPlayerId: "p1",
      botPlayerId: "bot-1",
      botName: "Bot",
    });
    expect(g.state.seats[1]).toEqual({ occupant: { playerId: "bot-1", displayName: "Bot", isBot: true }, away: false });
    expect(g.state.originalOccupants[1]?.playerId).toBe("p1");
  });

  it("rules/game_completed: a finished game takes no more commands", () => {
    let g = startedGame(3);
    while (g.state.phase !== "completed") g = run(g, { type: "timeout", seat: g.state.turn ?? -1 });
    const commands: Command[] = [
      { type: "bid", seat: 0, bid: 0 },
      { type: "play", seat: 0, card: "2C" },
      { type: "timeout", seat: 0 },
      { type: "start" },
      join(0, 9),
      { type: "leave", seat: 0, reason: "left" },
      { type: "replace_with_bot", seat: 0, botPlayerId: "b" as PlayerId, botName: "b" },
    ];
    for (const c of commands) expect(rejection(g.state, c)).toBe("rules/game_completed");
  });
});
