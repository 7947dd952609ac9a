import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { PlayerId } from "../game/types.js";
import { compareEntries, makeEntry, toPlayerId, type LadderEntry } from "./ranking.js";
import { compareKeysRev, decodeMember, encodeKey, keyOf, MAX_REACHED_AT, MIN_REACHED_AT } from "./sortKey.js";

const pid = (s: string): PlayerId => toPlayerId(s);
const entry = (id: string, total: number, at: number): LadderEntry =>
  makeEntry({ playerId: pid(id), total, highest: 0, games: 1, wins: 0, firstReachedAt: at });
const MAX = Number.MAX_SAFE_INTEGER;
const MIN = Number.MIN_SAFE_INTEGER;

/** Fixed seed, logged by fast-check on failure; change only to pin a newly found case. */
const SEED = 0x5eed_1add;

describe("sort key", () => {
  it("round-trips the tie-break fields at the edges of the range", () => {
    for (const at of [MIN_REACHED_AT, 1, Date.UTC(2026, 0, 1), MAX_REACHED_AT - 1, MAX_REACHED_AT]) {
      for (const id of ["a", "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff", "\u{1F600}é"]) {
        const key = encodeKey({ total: 0, firstReachedAt: at, playerId: id });
        expect(decodeMember(key.member)).toEqual({ firstReachedAt: at, playerId: id });
      }
    }
    expect(new Date(MAX_REACHED_AT).toISOString()).toBe("9999-12-31T23:59:59.999Z");
  });

  it("keeps totals exact at MAX_SAFE, MIN_SAFE and 0 (and -0 is canonical 0)", () => {
    for (const total of [MAX, MAX - 1, MIN, MIN + 1, 0, -0, 1, -1]) {
      const key = encodeKey({ total, firstReachedAt: 0, playerId: "p" });
      expect(Number(String(key.score)) === total).toBe(true);
      expect(Object.is(key.score, -0)).toBe(false);
    }
    expect(compareKeysRev(encodeKey({ total: MAX, firstReachedAt: 0, playerId: "p" }), encodeKey({ total: MAX - 1, firstReachedAt: 0, playerId: "p" }))).toBe(-1);
    expect(compareKeysRev(encodeKey({ total: MIN + 1, firstReachedAt: 0, playerId: "p" }), encodeKey({ total: MIN, firstReachedAt: 0, playerId: "p" }))).toBe(-1);
  });

  it("refuses values outside the documented range", () => {
    expect(() => encodeKey({ total: MAX + 1, firstReachedAt: 0, playerId: "p" })).toThrow(RangeError);
    expect(() => encodeKey({ total: MIN - 1, firstReachedAt: 0, playerId: "p" })).toThrow(RangeError);
    expect(() => encodeKey({ total: 0.5, firstReachedAt: 0, playerId: "p" })).toThrow(RangeError);
    expect(() => encodeKey({ total: 0, firstReachedAt: -1, playerId: "p" })).toThrow(RangeError);
    expect(() => encodeKey({ total: 0, firstReachedAt: MAX_REACHED_AT + 1, playerId: "p" })).toThrow(RangeError);
    expect(() => encodeKey({ total: 0, firstReachedAt: 0, playerId: "" })).toThrow(RangeError);
    expect(() => encodeKey({ total: 0, firstReachedAt: 0, playerId: "\ud800" })).toThrow(RangeError);
    expect(decodeMember("garbage")).toBeNull();
  });

  it("orders equal totals by firstReachedAt (equal and adjacent ms) then playerId", () => {
    const cases: [LadderEntry, LadderEntry][] = [
      [entry("b", 5, 100), entry("a", 5, 101)],
      [entry("a", 5, 100), entry("b", 5, 100)],
      [entry("ab", 5, 100), entry("abc", 5, 100)],
      [entry("z", 5, MIN_REACHED_AT), entry("a", 5, MIN_REACHED_AT + 1)],
      [entry("z", MAX, MAX_REACHED_AT - 1), entry("a", MAX, MAX_REACHED_AT)],
      [entry("z", MIN, MAX_REACHED_AT - 1), entry("a", MIN, MAX_REACHED_AT)],
    ];
    for (const [first, second] of cases) {
      expect(compareEntries(first, second)).toBe(-1);
      expect(compareKeysRev(keyOf(first), keyOf(second))).toBe(-1);
      expect(compareKeysRev(keyOf(second), keyOf(first))).toBe(1);
    }
  });

  it("property: ordering by the key equals ordering by the rules", () => {
    const total = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom(MAX, MAX - 1, MIN, MIN + 1, 0), fc.maxSafeInteger().map((n) => n), fc.integer());
    const at = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom(MIN_REACHED_AT, MAX_REACHED_AT, MAX_REACHED_AT - 1), fc.integer({ min: MIN_REACHED_AT, max: MAX_REACHED_AT }));
    const id = fc.oneof(fc.constantFrom("a", "ab", "abc", "b"), fc.uuid(), fc.string({ unit: "grapheme", minLength: 1, maxLength: 6 }));
    const arb = fc.record({ total: fc.oneof(total, fc.maxSafeInteger(), fc.integer({ min: MIN, max: MAX })), firstReachedAt: at, playerId: id });
    fc.assert(
      fc.property(arb, arb, (a, b) => {
        const byRules = Math.sign(compareEntries(a, b));
        const byKey = Math.sign(compareKeysRev(encodeKey(a), encodeKey(b)));
        expect(byKey).toBe(byRules);
      }),
      { seed: SEED, numRuns: 5000 },
    );
  });
});
