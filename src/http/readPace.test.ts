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

  it("spaces admissions evenly: the next turn is one interval after the last start, however many started at once", () => {
    expect(nextAdmissionAt(1000, 100)).toBe(1010);
    const pacer = createReadPacer(0.5);
    for (let i = 0; i < 20; i++) pacer.observe(1);
    for (const at of [0, 5, 10, 15]) pacer.admitted(at); // reads that found the gate empty started at once
    expect(pacer.delayMs(15)).toBe(1000 / MIN_READ_RATE); // one interval after the last, no debt piled up
    pacer.admitted(5000); // after a quiet spell: one interval from now, not a catch-up burst
    expect(pacer.delayMs(5000)).toBe(1000 / MIN_READ_RATE);
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
