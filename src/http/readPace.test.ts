import { describe, expect, it } from "vitest";
import { createReadPacer, FIRST_TURN, MAX_READ_RATE, MAX_STEP, MIN_READ_RATE, nextReadRate, turnAfter, turnDelayMs, UNPACED } from "./readPace.js";

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

  it("turns: `batch` reads start together, the next turn `batch` intervals later; reads out of turn leave the pace alone", () => {
    let turn = FIRST_TURN;
    expect(turnDelayMs(turn, 1000)).toBe(0);
    turn = turnAfter(turn, 1000, 100, 2); // opens a turn of 2 at 100 reads/s
    expect(turn).toEqual({ left: 1, nextAt: 1020 });
    expect(turnDelayMs(turn, 1000)).toBe(0);
    turn = turnAfter(turn, 1000, 100, 2); // the turn's second place
    expect(turn).toEqual({ left: 0, nextAt: 1020 });
    expect(turnDelayMs(turn, 1005)).toBe(15);
    for (const at of [1005, 1010, 1015]) turn = turnAfter(turn, at, 100, 2); // found the gate empty: started at once
    expect(turn).toEqual({ left: 0, nextAt: 1020 }); // no wait piled up
    expect(turnDelayMs(turn, 1020)).toBe(0);
    turn = turnAfter(turn, 5000, 100, 2); // after a quiet spell: a turn from now, no catch-up burst
    expect(turn).toEqual({ left: 1, nextAt: 5020 });
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
