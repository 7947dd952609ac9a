import { describe, expect, it } from "vitest";
import { smartPolicy } from "../bots/policy.js";
import { simulateGame, type GameId, type PlayerId } from "../game/index.js";
import { verifyLogText } from "./verifyLog.js";

const seed = "0123456789abcdef".repeat(4);
const game = simulateGame({
  gameId: "00000000-0000-4000-8000-000000000001" as GameId,
  config: { seats: 4, turnSeconds: 30 },
  sessionSeed: seed,
  players: [0, 1, 2, 3].map((i) => ({ playerId: `p${i}` as PlayerId, displayName: `P${i}`, isBot: true })),
  policies: [smartPolicy, smartPolicy, smartPolicy, smartPolicy],
});
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

  it("refuses an unfinished game: its seed is not revealed", () => {
    expect(verifyLogText(ndjson(game.events.slice(0, 20)))).toMatchObject({ ok: false });
  });

  it("names a line that is not JSON", () => {
    const verdict = verifyLogText("{not json}\n");
    expect(verdict.ok ? [] : verdict.problems).toEqual(["line 1: not JSON"]);
  });
});
