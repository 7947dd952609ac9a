import { describe, expect, it } from "vitest";
import { sortForDisplay } from "./cards.js";
import { redactEvent } from "./redactEvent.js";
import { run, startedGame, testSeed } from "./testing/testkit.js";
import type { GameEvent } from "./types.js";
import { viewFor } from "./view.js";

describe("viewFor: what each side may see", () => {
  it("a seat sees its own hand, sorted, and never another seat's", () => {
    let g = bidAllZero(startedGame(4));
    while (g.state.round < 3) g = run(g, { type: "timeout", seat: g.state.turn ?? -1 });
    g = bidAllZero(g);
    for (let seat = 0; seat < 4; seat++) {
      const view = viewFor(g.state, seat);
      expect(view.hand).toEqual(sortForDisplay(g.state.hands[seat] ?? []));
      const text = JSON.stringify(view);
      for (let other = 0; other < 4; other++) {
        if (other === seat) continue;
        for (const card of g.state.hands[other] ?? []) expect(text).not.toContain(`"${card}"`);
      }
      expect(view.seats.map((s) => s.handSize)).toEqual([3, 3, 3, 3]);
    }
  });

  it("a spectator sees no hand at all", () => {
    const g = startedGame(4);
    const view = viewFor(g.state, "spectator");
    expect(view.hand).toBeNull();
    expect(view.legalBids).toEqual([]);
    expect(view.legalCards).toEqual([]);
    const text = JSON.stringify(view);
    for (const card of g.state.hands.flat()) expect(text).not.toContain(`"${card}"`);
  });

  it("legal moves appear only for the seat whose turn it is", () => {
    const g = startedGame(4);
    expect(viewFor(g.state, 1).legalBids).toEqual([0, 1]);
    expect(viewFor(g.state, 2).legalBids).toEqual([]);
    const p = bidAllZero(g);
    expect(viewFor(p.state, 1).legalCards).toEqual(p.state.hands[1]);
    expect(viewFor(p.state, 0).legalCards).toEqual([]);
  });

  it("the seed is revealed only once the game is completed", () => {
    let g = startedGame(3);
    const seed = testSeed();
    while (g.state.phase !== "completed") {
      for (const viewer of [0, 1, 2, "spectator"] as const) {
        const view = viewFor(g.state, viewer);
        expect(view.revealedSeed).toBeNull();
        expect(JSON.stringify(view)).not.toContain(seed);
      }
      g = run(g, { type: "timeout", seat: g.state.turn ?? -1 });
    }
    expect(viewFor(g.state, "spectator").revealedSeed).toBe(seed);
    expect(viewFor(g.state, 0).seedCommitment).toBe(g.state.seedCommitment);
  });

  it("a viewer that is not a seat at the table is an error", () => {
    expect(() => viewFor(startedGame(3).state, 3)).toThrow(RangeError);
  });
});

describe("redactEvent: events as a live client may see them", () => {
  const g = startedGame(4);
  const created = g.events[0] as GameEvent;
  const dealt = g.events[g.events.length - 1] as GameEvent;

  it("game_created loses the secret seed", () => {
    expect(redactEvent(created, 0)).toMatchObject({ type: "game_created", sessionSeed: "", seedCommitment: g.state.seedCommitment });
    expect(redactEvent(created, "spectator")).toMatchObject({ sessionSeed: "" });
  });

  it("round_started keeps only the receiver's own hand; a spectator gets none", () => {
    if (dealt.type !== "round_started") throw new Error("expected round_started");
    const mine = redactEvent(dealt, 2);
    expect(mine).toMatchObject({ type: "round_started", trumpCard: dealt.trumpCard, dealer: 0 });
    expect(mine.type === "round_started" && mine.hands).toEqual([[], [], dealt.hands[2], []]);
    const watcher = redactEvent(dealt, "spectator");
    expect(watcher.type === "round_started" && watcher.hands).toEqual([[], [], [], []]);
    expect(dealt.hands.every((h) => h.length === 1)).toBe(true); // the original is untouched
  });

  it("every other event is public and unchanged", () => {
    const p = run(g, { type: "bid", seat: 1, bid: 0 });
    const bid = p.events[p.events.length - 1] as GameEvent;
    expect(redactEvent(bid, 3)).toBe(bid);
  });
});

function bidAllZero(game: ReturnType<typeof startedGame>): ReturnType<typeof startedGame> {
  let g = game;
  while (g.state.phase === "bidding") g = run(g, { type: "timeout", seat: g.state.turn ?? -1 });
  return g;
}
