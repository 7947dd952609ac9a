import { describe, expect, it } from "vitest";
import { createReadGate } from "./readGate.js";
import type { ReadPacer } from "./readPace.js";

/** Waits (up to 2 s) until `check` holds. */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
}

describe("read gate", () => {
  it("runs at most `limit` reads, queues the rest in arrival order, and admits the next after a release", async () => {
    const gate = createReadGate(2, 10, { leaseMs: 60_000 });
    const order: number[] = [];
    const releases: (() => void)[] = [];
    for (let i = 0; i < 5; i++) {
      const entered = gate.enter();
      expect(entered).not.toBeNull();
      void entered?.then((release) => {
        order.push(i);
        releases.push(release);
      });
    }
    await until(() => order.length === 2);
    expect({ order, running: gate.running, waiting: gate.waiting }).toEqual({ order: [0, 1], running: 2, waiting: 3 });
    releases[0]?.();
    releases[0]?.(); // a second release of the same read changes nothing
    await until(() => order.length === 3);
    expect({ order, running: gate.running, waiting: gate.waiting }).toEqual({ order: [0, 1, 2], running: 2, waiting: 2 });
    for (const r of [1, 2]) releases[r]?.();
    await until(() => order.length === 5);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    for (const r of releases) r();
    expect({ running: gate.running, waiting: gate.waiting }).toEqual({ running: 0, waiting: 0 });
  });

  it("refuses a read when the queue is full", async () => {
    const gate = createReadGate(1, 2, { leaseMs: 60_000 });
    const first = await gate.enter();
    expect(gate.enter()).not.toBeNull();
    expect(gate.enter()).not.toBeNull();
    expect(gate.enter()).toBeNull();
    first?.();
  });

  it("takes the place back from a read that holds it past the lease", async () => {
    const gate = createReadGate(1, 10, { leaseMs: 20 });
    await gate.enter(); // never released
    let second = false;
    void gate.enter()?.then(() => {
      second = true;
    });
    await until(() => second);
    expect(gate.running).toBe(1);
  });

  it("with limit 0 admits everything at once", async () => {
    const gate = createReadGate(0, 1, { leaseMs: 20 });
    const all = await Promise.all(Array.from({ length: 50 }, () => gate.enter() ?? Promise.reject(new Error("refused"))));
    expect(all.every((r) => typeof r === "function")).toBe(true);
  });

  it("with a pace, a read waits while the pacer holds it and starts when it allows, in order", async () => {
    let hold = true;
    const admittedAt: number[] = [];
    const pacer: ReadPacer = {
      delayMs: () => (hold ? 5 : 0),
      admitted: (now) => void admittedAt.push(now),
      observe: () => undefined,
      rate: 1,
    };
    let clock = 0;
    const gate = createReadGate(2, 10, { leaseMs: 60_000, pacer, now: () => clock });
    const order: number[] = [];
    for (let i = 0; i < 4; i++) void gate.enter()?.then(() => order.push(i));
    await new Promise((r) => setTimeout(r, 30)); // several of the pacer's 5 ms waits
    // The first found the gate empty and started at once; the others overlap it and wait.
    expect({ order, running: gate.running, waiting: gate.waiting }).toEqual({ order: [0], running: 1, waiting: 3 });
    clock = 7;
    hold = false;
    await until(() => order.length === 2); // the concurrency limit still holds the others
    expect({ order, running: gate.running, waiting: gate.waiting, admittedAt }).toEqual({ order: [0, 1], running: 2, waiting: 2, admittedAt: [0, 7] });
  });
});
