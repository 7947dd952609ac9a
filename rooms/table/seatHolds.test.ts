import { describe, expect, it } from "vitest";
import { SeatHolds } from "./seatHolds.js";

describe("SeatHolds", () => {
  it("a hold keeps its seat for its session only, until it expires or is released", () => {
    const holds = new SeatHolds();
    holds.hold("s1", 2, 1_000, 15_000);
    expect(holds.seatFor("s1", 1_001)).toBe(2);
    expect(holds.isHeld(2, 1_001)).toBe(true);
    expect(holds.isHeld(2, 1_001, "s1")).toBe(false);
    expect(holds.isHeld(1, 1_001)).toBe(false);
    expect(holds.seatFor("s2", 1_001)).toBeNull();
    // Expired: the seat is open again.
    expect(holds.seatFor("s1", 16_000)).toBeNull();
    expect(holds.isHeld(2, 16_000)).toBe(false);
    holds.hold("s3", 0, 2_000, 15_000);
    holds.release("s3");
    expect(holds.isHeld(0, 2_001)).toBe(false);
  });
});
