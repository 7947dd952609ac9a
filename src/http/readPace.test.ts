import { describe, expect, it } from "vitest";
import { createReadPacer, MAX_READ_RATE, MAX_STEP, MIN_READ_RATE, nextAdmissionAt, nextReadRate, UNPACED } from "./readPace.js";

describe("read pace", () => {
  it("scales the rate by target / utilization, by at most 1.25x up and 2x down a window", () => {
    expect(nextReadRate(100, 0.5, 0.5)).toBe(100);
    expect(nextReadRate(100, 0.4, 0.5)).toBe(125);
    expect(nextReadRate(100, 0.1, 0.5)).toBe(100 * MAX_STEP);
    expect(nextReadRate(100, 0, 0.5)).toBe(100 * MAX_STEP);
    expect(nextReadRate(100, 0.625, 0.5)).toBe(80);
    expect(nextReadRate(100, 1, 0.35)).toBe(50);
  });

  it("keeps the rate within its bounds: reads are always admitted at the lowest rate", () => {
    expect(nextReadRate(MIN_READ_RATE, 1, 0.1)).toBe(MIN_READ_RATE);
    expect(nextReadRate(MAX_READ_RATE, 0, 0.9)).toBe(MAX_READ_RATE);
  });

  it("spaces admissions evenly, with no burst after a quiet spell", () => {
    expect(nextAdmissionAt(Number.NEGATIVE_INFINITY, 1000, 100)).toBe(1010);
    expect(nextAdmissionAt(1010, 1005, 100)).toBe(1020); // admitted early (first in a while): the next keeps the spacing
    expect(nextAdmissionAt(1020, 5000, 100)).toBe(5010); // after a quiet spell: one interval from now, not a catch-up burst
  });

  it("a pacer holds the next read until its turn and follows the loop's utilization", () => {
    const pacer = createReadPacer(0.5);
    expect(pacer.rate).toBe(MAX_READ_RATE);
    expect(pacer.delayMs(0)).toBe(0);
    for (let i = 0; i < 20; i++) pacer.observe(1); // a loop busy past its target halves the rate each window
    expect(pacer.rate).toBe(MIN_READ_RATE);
    pacer.admitted(0);
    expect(pacer.delayMs(0)).toBe(1000 / MIN_READ_RATE);
    expect(pacer.delayMs(40)).toBe(1000 / MIN_READ_RATE - 40);
    expect(pacer.delayMs(1000 / MIN_READ_RATE)).toBe(0);
    pacer.observe(0.25);
    expect(pacer.rate).toBe(MIN_READ_RATE * MAX_STEP);
  });

  it("unpaced never holds a read", () => {
    UNPACED.admitted(0);
    UNPACED.observe(1);
    expect(UNPACED.delayMs(0)).toBe(0);
  });
});
