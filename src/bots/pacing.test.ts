import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../platform/config.js";
import { drawDelay } from "./pacing.js";

describe("bot pacing", () => {
  it("draws every delay inside the range, both ends reachable", () => {
    fc.assert(
      fc.property(fc.nat(30_000), fc.nat(30_000), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (a, b, r) => {
        const range = { minMs: Math.min(a, b), maxMs: Math.max(a, b) };
        const d = drawDelay(range, () => r);
        expect(d).toBeGreaterThanOrEqual(range.minMs);
        expect(d).toBeLessThanOrEqual(range.maxMs);
      }),
      { seed: 18, numRuns: 300 },
    );
    expect(drawDelay({ minMs: 600, maxMs: 1200 }, () => 0)).toBe(600);
    expect(drawDelay({ minMs: 600, maxMs: 1200 }, () => 0.9999999)).toBe(1200);
  });

  it("BOT_HUMAN_DELAY_MS: 600-1200 by default, a range or one figure, anything else refused", () => {
    expect(loadConfig({}).BOT_HUMAN_DELAY_MS).toEqual({ minMs: 600, maxMs: 1200 });
    expect(loadConfig({ BOT_HUMAN_DELAY_MS: "200-400" }).BOT_HUMAN_DELAY_MS).toEqual({ minMs: 200, maxMs: 400 });
    expect(loadConfig({ BOT_HUMAN_DELAY_MS: "0" }).BOT_HUMAN_DELAY_MS).toEqual({ minMs: 0, maxMs: 0 });
    for (const bad of ["1200-600", "fast", "-5", "1-99999"]) expect(() => loadConfig({ BOT_HUMAN_DELAY_MS: bad })).toThrow(/BOT_HUMAN_DELAY_MS/);
  });
});
