import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { fold } from "./evolve.js";
import { redactEvent } from "./redactEvent.js";
import { run, startedGame, testSeed, type Game } from "./testing/testkit.js";
import type { Card, GameEvent } from "./types.js";
import { verifyGame } from "./verifyGame.js";

function finished(seats = 4): Game {
  let g = startedGame(seats);
  while (g.state.phase !== "completed") g = run(g, { type: "timeout", seat: g.state.turn ?? -1 });
  return g;
}

function replaceAt(events: readonly GameEvent[], index: number, event: GameEvent): GameEvent[] {
  const out = events.slice();
  out[index] = event;
  return out;
}

describe("verifyGame", () => {
  const game = finished();
  const firstDeal = game.events.findIndex((e) => e.type === "round_started" && e.round === 4);

  it("accepts an honest log, with or without the seed in game_created, with an injected hash", () => {
    expect(verifyGame(game.events)).toEqual({ ok: true });
    const clientLog = replaceAt(game.events, 0, redactEvent(game.events[0] as GameEvent, "spectator"));
    expect(verifyGame(clientLog)).toEqual({ ok: true });
    expect(verifyGame(game.events, (t) => createHash("sha256").update(t, "utf8").digest("hex"))).toEqual({ ok: true });
    expect(fold(game.events)).toEqual(game.state);
  });

  it("rejects a log with one card of one deal changed", () => {
    const deal = game.events[firstDeal];
    if (deal?.type !== "round_started") throw new Error("expected round_started");
    const used = new Set<Card>([...deal.hands.flat(), deal.trumpCard]);
    const unused: Card = (["2C", "3C", "4C", "5C", "6C", "7C", "8C", "9C", "TC"] as const).find((c) => !used.has(c)) ?? "AS";
    const hands = deal.hands.map((h, s): readonly Card[] => (s === 1 ? [unused, ...h.slice(1)] : h));
    const verdict = verifyGame(replaceAt(game.events, firstDeal, { ...deal, hands }));
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.problems.join("\n")).toMatch(/seat 1's hand differs/);
  });

  it("rejects two cards swapped between hands, and a changed trump card", () => {
    const deal = game.events[firstDeal];
    if (deal?.type !== "round_started") throw new Error("expected round_started");
    const a = deal.hands[0]?.[0] as Card;
    const b = deal.hands[1]?.[0] as Card;
    const swapped = deal.hands.map((h, s) => (s === 0 ? [b, ...h.slice(1)] : s === 1 ? [a, ...h.slice(1)] : h));
    expect(verifyGame(replaceAt(game.events, firstDeal, { ...deal, hands: swapped })).ok).toBe(false);
    expect(verifyGame(replaceAt(game.events, firstDeal, { ...deal, trumpCard: a })).ok).toBe(false);
  });

  it("rejects a revealed seed that does not match the commitment", () => {
    const last = game.events.length - 1;
    const done = game.events[last];
    if (done?.type !== "game_completed") throw new Error("expected game_completed");
    const verdict = verifyGame(replaceAt(game.events, last, { ...done, sessionSeed: testSeed("other") }));
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.problems.join("\n")).toMatch(/commitment|differs/);
  });

  it("rejects a log that does not fold (a changed bid, a dropped event)", () => {
    const bidAt = game.events.findIndex((e) => e.type === "bid_placed" && e.round === 5);
    const bid = game.events[bidAt];
    if (bid?.type !== "bid_placed") throw new Error("expected bid_placed");
    expect(verifyGame(replaceAt(game.events, bidAt, { ...bid, bid: bid.bid + 1 })).ok).toBe(false);
    expect(verifyGame([...game.events.slice(0, bidAt), ...game.events.slice(bidAt + 1)]).ok).toBe(false);
  });

  it("cannot verify a live log without a seed", () => {
    const live = startedGame(4).events.map((e) => redactEvent(e, "spectator"));
    const verdict = verifyGame(live);
    expect(verdict.ok).toBe(false);
    expect(verifyGame([]).ok).toBe(false);
  });
});
