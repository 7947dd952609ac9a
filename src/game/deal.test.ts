import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DECK } from "./cards.js";
import { dealerForRound, dealRound } from "./deal.js";
import { dealKeyTextV1, dealRngV1, type DealSource } from "./fairness.js";
import { randomInt, sfc32, sfc32FromBytes } from "./prng.js";
import { sha256Bytes, sha256Hex } from "./hash.js";
import { shuffle } from "./shuffle.js";

/** A v1 deal source (these tests pin the v1 generator; v2 is in fairnessV2.test.ts). */
const v1 = (sessionSeed: string): DealSource => ({ scheme: "v1", sessionSeed });

/** sfc32 again, in BigInt arithmetic, as an independent check of the 32-bit code. */
function sfc32BigInt(a0: number, b0: number, c0: number, d0: number): () => number {
  const M = 0xffffffffn;
  let a = BigInt(a0 >>> 0), b = BigInt(b0 >>> 0), c = BigInt(c0 >>> 0), d = BigInt(d0 >>> 0);
  return () => {
    const t = (a + b + d) & M;
    d = (d + 1n) & M;
    a = b ^ (b >> 9n);
    b = (c + (c << 3n)) & M;
    c = ((c << 21n) | (c >> 11n)) & M;
    c = (c + t) & M;
    return Number(t);
  };
}

describe("PRNG, shuffle and deal", () => {
  it("sfc32 matches an independent BigInt implementation", () => {
    for (const [a, b, c, d] of [[0, 0, 0, 0], [1, 2, 3, 4], [0xffffffff, 0x80000000, 0x7fffffff, 0xdeadbeef]] as const) {
      const x = sfc32(a, b, c, d);
      const y = sfc32BigInt(a, b, c, d);
      for (let i = 0; i < 1000; i++) expect(x()).toBe(y());
    }
  });

  it("sfc32 is seeded from the first 16 bytes of the key, big-endian", () => {
    const key = sha256Bytes("k");
    const hex = sha256Hex("k");
    const word = (i: number): number => parseInt(hex.slice(i * 8, i * 8 + 8), 16);
    const x = sfc32FromBytes(key);
    const y = sfc32(word(0), word(1), word(2), word(3));
    for (let i = 0; i < 10; i++) expect(x()).toBe(y());
  });

  it("the round key is sha256('pzo:deal:v1:<seed>:<round>')", () => {
    expect(dealKeyTextV1("ab", 7)).toBe("pzo:deal:v1:ab:7");
  });

  it("randomInt rejects draws at or above the largest multiple of the bound (no modulo bias)", () => {
    // bound 3: limit = 2^32 - (2^32 mod 3) = 4294967295; the draw 4294967295 is rejected.
    const draws = [4294967295, 4294967294, 7];
    const next = (): number => draws.shift() ?? 0;
    expect(randomInt(next, 3)).toBe(4294967294 % 3);
    expect(randomInt(next, 3)).toBe(1);
    expect(() => randomInt(next, 0)).toThrow(RangeError);
  });

  it("randomInt is roughly uniform (60,000 draws, bound 6)", () => {
    const next = sfc32(1, 2, 3, 4);
    const counts = [0, 0, 0, 0, 0, 0];
    for (let i = 0; i < 60_000; i++) {
      const k = randomInt(next, 6);
      counts[k] = (counts[k] ?? 0) + 1;
    }
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
  });

  it("Fisher-Yates from the top: i from n-1 down to 1 swaps i with randomInt(i + 1)", () => {
    const next = sfc32(9, 8, 7, 6);
    const mirror = sfc32(9, 8, 7, 6);
    const items = ["a", "b", "c", "d", "e"];
    const expected = items.slice();
    for (let i = expected.length - 1; i >= 1; i--) {
      const j = randomInt(mirror, i + 1);
      [expected[i], expected[j]] = [expected[j] as string, expected[i] as string];
    }
    expect(shuffle(items, next)).toEqual(expected);
    expect(items).toEqual(["a", "b", "c", "d", "e"]);
  });

  it("dealer rotation: the dealer of round r is (r - 1) mod n", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((r) => dealerForRound(r, 4))).toEqual([0, 1, 2, 3, 0, 1, 2, 3, 0, 1]);
    expect(dealRound(v1("00".repeat(32)), 7, 5).dealer).toBe(1);
  });

  it("deals come one card at a time from the top, starting left of the dealer; the next card is trump", () => {
    const seed = sha256Hex("deal order");
    const deck = shuffle(DECK, dealRngV1(seed, 3));
    const deal = dealRound(v1(seed), 3, 4); // dealer 2: seats 3, 0, 1, 2 receive in that order
    expect(deal.hands[3]).toEqual([deck[0], deck[4], deck[8]]);
    expect(deal.hands[0]).toEqual([deck[1], deck[5], deck[9]]);
    expect(deal.hands[2]).toEqual([deck[3], deck[7], deck[11]]);
    expect(deal.trumpCard).toBe(deck[12]);
  });

  it("deals depend only on the seed and the round, and no card is dealt twice (fast-check seed 777, 200 runs)", () => {
    const seed = 777;
    console.info(`deal property: fast-check seed ${seed}`);
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9a-f]{64}$/),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 3, max: 5 }),
        (sessionSeed, round, seats) => {
          const deal = dealRound(v1(sessionSeed), round, seats);
          const cards = [...deal.hands.flat(), deal.trumpCard];
          expect(deal.hands.every((h) => h.length === round)).toBe(true);
          expect(new Set(cards).size).toBe(cards.length);
          expect(dealRound(v1(sessionSeed), round, seats)).toEqual(deal);
        },
      ),
      { seed, numRuns: 200 },
    );
  });

  it("different rounds of one seed get different shuffles", () => {
    const seed = sha256Hex("rounds");
    expect(dealRound(v1(seed), 5, 4).hands).not.toEqual(dealRound(v1(seed), 6, 4).hands.map((h) => h.slice(0, 5)));
    expect(dealRound(v1(seed), 1, 4)).not.toEqual(dealRound(v1(sha256Hex("other")), 1, 4));
  });
});
