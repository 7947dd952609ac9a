/**
 * Fairness v2 properties (docs/FAIRNESS.md § v2): the deals are a function of the server seed
 * and of every seat's client seed; v1 games keep verifying; a changed client seed, server seed
 * or deal is reported at the event it breaks at. Property tests use fixed fast-check seeds.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dealRound } from "./deal.js";
import { dealKeyV2, serverClientSeedV2 } from "./fairness.js";
import { simulateGame } from "./simulate.js";
import { ROUND_COUNT, type Command, type GameEvent, type GameId, type GameView, type PlayerId } from "./types.js";
import { verifyGame } from "./verifyGame.js";

const hex = (min: number, max: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${min},${max}}$`));
const serverSeed = hex(64, 64);
const clientSeed = hex(32, 128);

/** Every deal of a game (10 rounds) under a deal key. */
function allDeals(dealKey: string, seats: number): string {
  const deals = [];
  for (let round = 1; round <= ROUND_COUNT; round++) deals.push(dealRound({ scheme: "v2", dealKey }, round, seats));
  return JSON.stringify(deals);
}

/** The first legal move of the viewer, as a command. */
const firstLegal = (view: GameView): Command | null => {
  if (typeof view.viewer !== "number") return null;
  const bid = view.legalBids[0];
  if (bid !== undefined) return { type: "bid", seat: view.viewer, bid };
  const card = view.legalCards[0];
  return card === undefined ? null : { type: "play", seat: view.viewer, card };
};

function playGame(sessionSeed: string, seats: number, fairness: "v1" | "v2", clientSeeds?: readonly string[]): readonly GameEvent[] {
  const players = Array.from({ length: seats }, (_, s) => ({ playerId: `p${s}` as PlayerId, displayName: `P${s}`, isBot: false }));
  return simulateGame({
    gameId: "g-fair" as GameId,
    config: { seats, turnSeconds: 30 },
    sessionSeed,
    players,
    policies: players.map(() => firstLegal),
    fairness,
    ...(clientSeeds === undefined ? {} : { clientSeeds }),
  }).events;
}

function indexOfType(events: readonly GameEvent[], type: GameEvent["type"]): number {
  return events.findIndex((e) => e.type === type);
}

describe("fairness v2 properties", () => {
  it("the deals are a function of every client seed: changing any one changes them (fast-check seed 1717, 150 runs)", () => {
    const seed = 1717;
    console.info(`fairness v2 client-seed property: fast-check seed ${seed}`);
    fc.assert(
      fc.property(
        serverSeed,
        fc.integer({ min: 3, max: 5 }).chain((n) => fc.tuple(fc.array(clientSeed, { minLength: n, maxLength: n }), fc.nat(n - 1), clientSeed)),
        (server, [seeds, seat, replacement]) => {
          fc.pre(replacement !== seeds[seat]);
          const key = dealKeyV2(server, seeds);
          const changed = seeds.map((s, i) => (i === seat ? replacement : s));
          const changedKey = dealKeyV2(server, changed);
          expect(changedKey).not.toBe(key);
          expect(allDeals(changedKey, seeds.length)).not.toBe(allDeals(key, seeds.length));
          // Deterministic: the same seeds give the same deals.
          expect(allDeals(dealKeyV2(server, seeds), seeds.length)).toBe(allDeals(key, seeds.length));
        },
      ),
      { seed, numRuns: 150 },
    );
  });

  it("the deals are a function of the server seed and of the seat order (fast-check seed 1718, 100 runs)", () => {
    const seed = 1718;
    console.info(`fairness v2 server-seed property: fast-check seed ${seed}`);
    fc.assert(
      fc.property(serverSeed, serverSeed, fc.array(clientSeed, { minLength: 3, maxLength: 5 }), (a, b, seeds) => {
        fc.pre(a !== b);
        expect(allDeals(dealKeyV2(a, seeds), seeds.length)).not.toBe(allDeals(dealKeyV2(b, seeds), seeds.length));
        const swapped = [seeds[1] ?? "", seeds[0] ?? "", ...seeds.slice(2)];
        if (swapped[0] !== seeds[0]) expect(dealKeyV2(a, swapped)).not.toBe(dealKeyV2(a, seeds));
      }),
      { seed, numRuns: 100 },
    );
  });

  it("whole v1 and v2 games verify, and v1 games are written without v2 fields (fast-check seed 1719, 12 runs)", () => {
    const seed = 1719;
    console.info(`fairness v1/v2 game property: fast-check seed ${seed}`);
    fc.assert(
      fc.property(serverSeed, fc.integer({ min: 3, max: 5 }), fc.array(clientSeed, { minLength: 5, maxLength: 5 }), (server, seats, seeds) => {
        const v1 = playGame(server, seats, "v1");
        expect(verifyGame(v1)).toEqual({ ok: true });
        expect(v1[0]).not.toHaveProperty("fairness");
        expect(v1.some((e) => "clientSeed" in e || "clientSeeds" in e)).toBe(false);
        const v2 = playGame(server, seats, "v2", seeds.slice(0, seats));
        expect(verifyGame(v2)).toEqual({ ok: true });
        expect(v2[0]).toMatchObject({ fairness: "v2" });
        // The same server seed deals differently under v1 and v2.
        expect(v2.find((e) => e.type === "round_started")).not.toEqual(v1.find((e) => e.type === "round_started"));
      }),
      { seed, numRuns: 12 },
    );
  });
});

describe("verifyGame v2: tampering is reported at the event it breaks at", () => {
  const seeds = ["00112233445566778899aabbccddeeff", "fedcba9876543210fedcba9876543210", "0f1e2d3c4b5a69788796a5b4c3d2e1f0"];
  const server = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  const game = playGame(server, 4, "v2", seeds); // seat 3 sends none: its seed is server-derived
  const started = indexOfType(game, "game_started");
  const firstDeal = indexOfType(game, "round_started");
  const last = game.length - 1;
  const replaced = (index: number, event: GameEvent): GameEvent[] => game.map((e, i) => (i === index ? event : e));
  const problems = (events: readonly GameEvent[]): string => {
    const verdict = verifyGame(events);
    return verdict.ok ? "" : verdict.problems.join("\n");
  };

  it("the honest log verifies; seat 3's seed is the server-derived one", () => {
    expect(verifyGame(game)).toEqual({ ok: true });
    const joined = game.find((e) => e.type === "player_joined" && e.seat === 3);
    expect(joined).toMatchObject({ clientSeedBy: "server", clientSeed: serverClientSeedV2(server, game.indexOf(joined as GameEvent)) });
  });

  it("a changed client seed in game_started", () => {
    const event = game[started];
    if (event?.type !== "game_started" || event.clientSeeds === undefined) throw new Error("expected game_started");
    const clientSeeds = event.clientSeeds.map((s, seat) => (seat === 1 ? `${s.slice(0, -1)}1` : s));
    const text = problems(replaced(started, { ...event, clientSeeds }));
    expect(text).toContain(`event ${started} (game_started): seat 1's client seed differs from the one it joined with (event 2 (player_joined))`);
    expect(text).toContain(`event ${firstDeal} (round_started, round 1)`);
  });

  it("a changed client seed in player_joined", () => {
    const event = game[1];
    if (event?.type !== "player_joined") throw new Error("expected player_joined");
    const text = problems(replaced(1, { ...event, clientSeed: "ab".repeat(16) }));
    expect(text).toContain(`event ${started} (game_started): seat 0's client seed differs from the one it joined with (event 1 (player_joined))`);
  });

  it("a server-drawn seed that is not the derived one", () => {
    const index = game.findIndex((e) => e.type === "player_joined" && e.seat === 3);
    const event = game[index];
    if (event?.type !== "player_joined") throw new Error("expected player_joined");
    const forged = "cd".repeat(32);
    const started0 = game[started];
    if (started0?.type !== "game_started" || started0.clientSeeds === undefined) throw new Error("expected game_started");
    const log = replaced(index, { ...event, clientSeed: forged });
    log[started] = { ...started0, clientSeeds: started0.clientSeeds.map((s, seat) => (seat === 3 ? forged : s)) };
    expect(problems(log)).toContain(`event ${index} (player_joined, seat 3): the server-drawn client seed is not the one the revealed seed derives`);
  });

  it("a changed server seed (the reveal)", () => {
    const event = game[last];
    if (event?.type !== "game_completed") throw new Error("expected game_completed");
    const tampered = replaced(last, { ...event, sessionSeed: "f".repeat(64) });
    // A server-side log still holds the seed in game_created; a public one has it blanked.
    expect(problems(tampered)).toContain(`event ${last} (game_completed): the revealed seed differs from the seed in event 0 (game_created)`);
    const created = game[0];
    if (created?.type !== "game_created") throw new Error("expected game_created");
    tampered[0] = { ...created, sessionSeed: "" };
    expect(problems(tampered)).toContain(`event ${last} (game_completed): the seed does not match the commitment in event 0 (game_created)`);
  });

  it("a changed card of a deal", () => {
    const index = game.findIndex((e) => e.type === "round_started" && e.round === 2);
    const event = game[index];
    if (event?.type !== "round_started") throw new Error("expected round_started");
    const text = problems(replaced(index, { ...event, trumpCard: event.trumpCard === "2C" ? "3C" : "2C" }));
    expect(text).toContain(`event ${index} (round_started, round 2): trump`);
  });
});
