import { describe, expect, it } from "vitest";
import type { PlayerId } from "../game/types.js";
import { applyScore, compareCodePoints, toPlayerId, compareEntries, makeEntry, rankEntries, type LadderEntry, type LadderLogger } from "./ranking.js";

const pid = (s: string): PlayerId => toPlayerId(s);
const entry = (id: string, total: number, at: number): LadderEntry =>
  makeEntry({ playerId: pid(id), total, highest: total, games: 1, wins: 0, firstReachedAt: at });

function recordingLogger(): LadderLogger & { lines: { level: string; obj: object; msg: string }[] } {
  const lines: { level: string; obj: object; msg: string }[] = [];
  return {
    lines,
    info: (obj, msg) => lines.push({ level: "info", obj, msg }),
    warn: (obj, msg) => lines.push({ level: "warn", obj, msg }),
    error: (obj, msg) => lines.push({ level: "error", obj, msg }),
  };
}

describe("ranking rules", () => {
  it("L1: total descending, negatives last", () => {
    const ranked = rankEntries([entry("a", -5, 1), entry("b", 10, 1), entry("c", 0, 1)]);
    expect(ranked.map((r) => [r.rank, r.entry.playerId])).toEqual([[1, "b"], [2, "c"], [3, "a"]]);
  });

  it("L2: a tie goes to whoever reached the total first, in both insertion orders", () => {
    const early = entry("zzz", 1000, 100);
    const late = entry("aaa", 1000, 101);
    expect(rankEntries([early, late]).map((r) => r.entry.playerId)).toEqual(["zzz", "aaa"]);
    expect(rankEntries([late, early]).map((r) => r.entry.playerId)).toEqual(["zzz", "aaa"]);
  });

  it("L3: same total, same millisecond: playerId ascending, ranks distinct", () => {
    const ranked = rankEntries([entry("b", 7, 5), entry("a", 7, 5), entry("c", 7, 5)]);
    expect(ranked.map((r) => `${r.rank}${r.entry.playerId}`)).toEqual(["1a", "2b", "3c"]);
  });

  it("L3: player ids compare by code point (UTF-8 byte order), not UTF-16 code unit", () => {
    // U+1F600 (surrogate pair D83D DE00) is above U+FF5E in code points but below it in code units.
    expect(compareCodePoints("\u{1F600}", "\uFF5E")).toBe(1);
    expect(compareCodePoints("ab", "abc")).toBe(-1);
    expect(compareCodePoints("abc", "abc")).toBe(0);
    expect(compareEntries(entry("x", 1, 1), entry("x", 1, 1))).toBe(0);
  });

  it("L4: firstReachedAt moves when the total changes (up or down), not on a zero change", () => {
    const log = recordingLogger();
    const first = applyScore(null, { playerId: pid("p"), score: 10, won: true, at: 1 }, log);
    expect(first).toMatchObject({ ok: true, entry: { total: 10, highest: 10, games: 1, wins: 1, average: 10, firstReachedAt: 1 } });
    if (!first.ok) throw new Error("unreachable");
    const zero = applyScore(first.entry, { playerId: pid("p"), score: 0, won: false, at: 2 }, log);
    expect(zero).toMatchObject({ ok: true, entry: { total: 10, games: 2, average: 5, firstReachedAt: 1 } });
    if (!zero.ok) throw new Error("unreachable");
    const down = applyScore(zero.entry, { playerId: pid("p"), score: -30, won: false, at: 3 }, log);
    expect(down).toMatchObject({ ok: true, entry: { total: -20, highest: 10, games: 3, firstReachedAt: 3 } });
    expect(log.lines).toEqual([]);
  });

  it("L5: refuses passing MAX_SAFE_INTEGER with ladder/score_overflow and an alert line", () => {
    const log = recordingLogger();
    const near = entry("p", Number.MAX_SAFE_INTEGER - 1, 1);
    expect(applyScore(near, { playerId: pid("p"), score: 1, won: false, at: 2 }, log)).toMatchObject({ ok: true, entry: { total: Number.MAX_SAFE_INTEGER } });
    const over = applyScore(near, { playerId: pid("p"), score: 2, won: false, at: 2 }, log);
    expect(over).toMatchObject({ ok: false, error: { code: "ladder/score_overflow", field: "total", attempted: "9007199254740992" } });
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]).toMatchObject({ level: "error", obj: { alert: true, code: "ladder/score_overflow" } });
  });

  it("L5: refuses passing MIN_SAFE_INTEGER, and an unsafe score itself", () => {
    const log = recordingLogger();
    const low = entry("p", Number.MIN_SAFE_INTEGER + 1, 1);
    expect(applyScore(low, { playerId: pid("p"), score: -2, won: false, at: 2 }, log)).toMatchObject({ ok: false, error: { field: "total", attempted: "-9007199254740992" } });
    expect(applyScore(null, { playerId: pid("p"), score: 2 ** 53, won: false, at: 2 }, log)).toMatchObject({ ok: false, error: { field: "score" } });
    expect(applyScore(null, { playerId: pid("p"), score: 1.5, won: false, at: 2 }, log)).toMatchObject({ ok: false, error: { field: "score" } });
    expect(log.lines).toHaveLength(3);
  });
});
