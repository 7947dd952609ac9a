import { describe, expect, it } from "vitest";
import { smartPolicy } from "../bots/policy.js";
import { fairnessOf, simulateGame, type GameId, type PlayerId } from "../game/index.js";
import { verifyLogText } from "./verifyLog.js";

const seed = "0123456789abcdef".repeat(4);
const input = {
  gameId: "00000000-0000-4000-8000-000000000001" as GameId,
  config: { seats: 4, turnSeconds: 30 },
  sessionSeed: seed,
  players: [0, 1, 2, 3].map((i) => ({ playerId: `p${i}` as PlayerId, displayName: `P${i}`, isBot: true })),
  policies: [smartPolicy, smartPolicy, smartPolicy, smartPolicy],
  clientSeeds: ["00112233445566778899aabbccddeeff", "fedcba9876543210fedcba9876543210"],
};
const game = simulateGame(input);
const ndjson = (events: readonly unknown[]): string =>
  events.map((event, index) => JSON.stringify({ index, createdAt: "2026-01-01T00:00:00.000Z", event })).join("\n") + "\n";

describe("verify command (FAIRNESS: anyone can check a finished game from its log)", () => {
  it("accepts an honest published log", () => {
    const verdict = verifyLogText(ndjson(game.events));
    expect(verdict).toMatchObject({ ok: true, sessionSeed: seed, events: game.events.length });
  });

  it("rejects a log with one card of one deal changed", () => {
    const tampered = JSON.parse(JSON.stringify(game.events)) as { type: string; hands?: string[][] }[];
    const round = tampered.find((e) => e.type === "round_started" && (e.hands?.[0]?.length ?? 0) >= 3);
    const hand = round?.hands?.[0];
    expect(hand).toBeDefined();
    if (hand === undefined) return;
    const other = round?.hands?.[1];
    if (other === undefined) return;
    [hand[0], other[0]] = [other[0] ?? hand[0] ?? "", hand[0] ?? ""];
    const verdict = verifyLogText(ndjson(tampered));
    expect(verdict.ok).toBe(false);
  });

  it("rejects a gap in the indexes", () => {
    const lines = ndjson(game.events).split("\n");
    lines.splice(5, 1);
    const verdict = verifyLogText(lines.join("\n"));
    expect(verdict).toMatchObject({ ok: false });
    expect(verdict.ok ? [] : verdict.problems.join(" ")).toMatch(/gap/);
  });

  it("reports the scheme and the client seeds of a v2 game; a v1 log still verifies", () => {
    expect(verifyLogText(ndjson(game.events))).toMatchObject({ ok: true, fairness: "v2", clientSeeds: fairnessOf(game.events).clientSeeds });
    expect(fairnessOf(game.events).clientSeeds).toHaveLength(4);
    const v1 = simulateGame({ ...input, fairness: "v1" });
    expect(verifyLogText(ndjson(v1.events))).toMatchObject({ ok: true, fairness: "v1", clientSeeds: [] });
  });

  it("names the event a changed client seed, server seed or deal breaks at", () => {
    const events = JSON.parse(JSON.stringify(game.events)) as Record<string, unknown>[];
    const at = (type: string): number => events.findIndex((e) => e["type"] === type);
    const problems = (log: readonly unknown[]): string => {
      const verdict = verifyLogText(ndjson(log));
      return verdict.ok ? "" : verdict.problems.join("\n");
    };
    const started = at("game_started");
    const firstDeal = at("round_started");
    const last = events.length - 1;

    const seeds = events[started]?.["clientSeeds"] as string[];
    const withSeed = events.map((e, i) => (i === started ? { ...e, clientSeeds: seeds.map((s, seat) => (seat === 2 ? "ab".repeat(16) : s)) } : e));
    expect(problems(withSeed)).toContain(`event ${started} (game_started): seat 2's client seed differs`);
    expect(problems(withSeed)).toContain(`event ${firstDeal} (round_started, round 1)`);

    const publicLog = events.map((e, i) => (i === 0 ? { ...e, sessionSeed: "" } : e));
    const withServerSeed = publicLog.map((e, i) => (i === last ? { ...e, sessionSeed: "e".repeat(64) } : e));
    expect(problems(withServerSeed)).toContain(`event ${last} (game_completed): the seed does not match the commitment`);

    const round2 = events.findIndex((e) => e["type"] === "round_started" && e["round"] === 2);
    const deal = events[round2] as { hands: string[][] };
    const hands = deal.hands.map((h) => h.slice());
    const [a, b] = [hands[0]?.[0] ?? "", hands[1]?.[0] ?? ""];
    if (hands[0] !== undefined) hands[0][0] = b;
    if (hands[1] !== undefined) hands[1][0] = a;
    const withDeal = events.map((e, i) => (i === round2 ? { ...e, hands } : e));
    expect(problems(withDeal)).toContain(`event ${round2} (round_started, round 2): seat 0's hand differs`);
  });

  it("refuses an unfinished game: its seed is not revealed", () => {
    expect(verifyLogText(ndjson(game.events.slice(0, 20)))).toMatchObject({ ok: false });
  });

  it("names a line that is not JSON", () => {
    const verdict = verifyLogText("{not json}\n");
    expect(verdict.ok ? [] : verdict.problems).toEqual(["line 1: not JSON"]);
  });
});
