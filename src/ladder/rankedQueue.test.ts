import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bandAfter, compatible, DEFAULT_RANKED_BANDS, parseBands, RankedQueue, type QueueEntry } from "./rankedQueue.js";

const bands = parseBands(DEFAULT_RANKED_BANDS);
const SEC = 1000;

/** A fake clock: the tests move it by hand. */
class FakeClock {
  t = 1_000_000;
  advance(seconds: number): number {
    this.t += seconds * SEC;
    return this.t;
  }
}

function queue(botFillSeconds = 45, seats = 4): RankedQueue {
  return new RankedQueue({ bands, seats, botFillSeconds });
}

const entry = (playerId: string, rating: number, enqueuedAt: number): QueueEntry => ({ playerId, rating, enqueuedAt });

describe("RANKED_BANDS", () => {
  it("parses the default and refuses malformed, narrowing or unordered steps", () => {
    expect(bands).toEqual([
      { afterSeconds: 0, width: 100 },
      { afterSeconds: 10, width: 200 },
      { afterSeconds: 20, width: 400 },
      { afterSeconds: 30, width: 800 },
      { afterSeconds: 60, width: null },
    ]);
    expect(() => parseBands("5:100")).toThrow(/first step/);
    expect(() => parseBands("0:100,0:200")).toThrow(/increase/);
    expect(() => parseBands("0:200,10:100")).toThrow(/narrow/);
    expect(() => parseBands("0:any,10:100")).toThrow(/last/);
    expect(() => parseBands("0:x")).toThrow(/seconds:width/);
  });

  it("widens at each step, exactly at the step's second", () => {
    const expected: [number, number | null][] = [
      [0, 100],
      [9_999, 100],
      [10_000, 200],
      [19_999, 200],
      [20_000, 400],
      [30_000, 800],
      [59_999, 800],
      [60_000, null],
      [3_600_000, null],
    ];
    for (const [ms, width] of expected) expect(bandAfter(bands, ms), `${ms} ms`).toBe(width);
  });

  it("the queue reports the widening band and the wait at each step", () => {
    const clock = new FakeClock();
    const q = queue(1_000);
    q.enqueue(entry("a", 1000, clock.t));
    const seen = [0, 10, 10, 10, 30].map((s) => q.status("a", clock.advance(s)));
    expect(seen).toEqual([
      { rating: 1000, band: 100, waitedSeconds: 0, nextWideningSeconds: 10 },
      { rating: 1000, band: 200, waitedSeconds: 10, nextWideningSeconds: 20 },
      { rating: 1000, band: 400, waitedSeconds: 20, nextWideningSeconds: 30 },
      { rating: 1000, band: 800, waitedSeconds: 30, nextWideningSeconds: 60 },
      { rating: 1000, band: null, waitedSeconds: 60, nextWideningSeconds: null },
    ]);
    expect(q.status("nobody", clock.t)).toBeNull();
  });
});

describe("matching", () => {
  it("forms a table only inside everyone's band", () => {
    const clock = new FakeClock();
    const q = queue();
    for (const [id, r] of [["a", 1000], ["b", 1050], ["c", 1100], ["d", 1101]] as const) q.enqueue(entry(id, r, clock.t));
    // d is 101 from a: outside a's ±100.
    expect(q.tick(clock.t)).toEqual([]);
    expect(q.size).toBe(4);
    // After 10 s everyone's band is ±200: one table.
    const tables = q.tick(clock.advance(10));
    expect(tables).toHaveLength(1);
    expect(tables[0]?.players.map((p) => p.playerId)).toEqual(["a", "b", "c", "d"]);
    expect(tables[0]?.bots).toBe(0);
    expect(tables[0]?.humanMean).toBeCloseTo(1062.75, 6);
    expect(q.size).toBe(0);
  });

  it("a newcomer's narrow band limits a long waiter's wide one (each within the other's band)", () => {
    const clock = new FakeClock();
    const old = entry("old", 1000, clock.t);
    const fresh = entry("fresh", 1300, clock.advance(30));
    // old waited 30 s (±800), fresh 0 s (±100): 300 apart is outside fresh's band.
    expect(compatible(bands, old, fresh, clock.t)).toBe(false);
    expect(compatible(bands, old, fresh, clock.advance(20))).toBe(true); // fresh: ±400 after 20 s
  });

  it("leaves out a player outside the band and matches the rest", () => {
    const clock = new FakeClock();
    const q = queue(1_000);
    for (const [id, r] of [["a", 1000], ["far", 3000], ["b", 1010], ["c", 1020], ["d", 1030]] as const) q.enqueue(entry(id, r, clock.advance(0.001)));
    const tables = q.tick(clock.t);
    expect(tables.map((t) => t.players.map((p) => p.playerId))).toEqual([["a", "b", "c", "d"]]);
    expect(q.has("far")).toBe(true);
  });

  it("fills the longest waiter's table with bots after the wait, not before", () => {
    const clock = new FakeClock();
    const q = queue(45);
    q.enqueue(entry("a", 1000, clock.t));
    q.enqueue(entry("b", 1500, clock.advance(5)));
    expect(q.tick(clock.advance(39.999))).toEqual([]); // a waited 44.999 s
    const tables = q.tick(clock.advance(0.001)); // a: 45 s (band ±800, b: 40 s, ±800)
    expect(tables).toHaveLength(1);
    expect(tables[0]?.players.map((p) => p.playerId)).toEqual(["a", "b"]);
    expect(tables[0]?.bots).toBe(2);
    expect(tables[0]?.humanMean).toBe(1250);
    expect(q.size).toBe(0);
  });

  it("bot fill takes only compatible players with the anchor", () => {
    const clock = new FakeClock();
    const q = queue(45);
    q.enqueue(entry("a", 0, clock.t));
    q.enqueue(entry("b", 2000, clock.advance(1)));
    const tables = q.tick(clock.advance(44)); // a 45 s (±800), b 44 s: 2000 apart
    expect(tables.map((t) => [t.players.map((p) => p.playerId), t.bots])).toEqual([[["a"], 3]]);
    expect(q.has("b")).toBe(true);
    const later = q.tick(clock.advance(1)); // b reaches 45 s alone
    expect(later.map((t) => [t.players.map((p) => p.playerId), t.bots])).toEqual([[["b"], 3]]);
  });

  it("cancel removes the player: they are never matched", () => {
    const clock = new FakeClock();
    const q = queue();
    for (const id of ["a", "b", "c", "d"]) q.enqueue(entry(id, 1000, clock.t));
    expect(q.cancel("b")).toBe(true);
    expect(q.cancel("b")).toBe(false);
    expect(q.tick(clock.t)).toEqual([]);
    q.enqueue(entry("e", 1000, clock.t));
    const tables = q.tick(clock.t);
    expect(tables[0]?.players.map((p) => p.playerId)).toEqual(["a", "c", "d", "e"]);
  });

  it("refuses a second enqueue of the same player", () => {
    const q = queue();
    expect(q.enqueue(entry("a", 1, 0))).toBe(true);
    expect(q.enqueue(entry("a", 2, 5))).toBe(false);
    expect(q.status("a", 0)).toMatchObject({ rating: 1, band: 100, waitedSeconds: 0 });
  });

  it("order fairness: the longest waiters are seated first", () => {
    const clock = new FakeClock();
    const q = queue();
    const ids = ["p1", "p2", "p3", "p4", "p5", "p6"];
    for (const id of ids) q.enqueue(entry(id, 1000, clock.advance(1)));
    const tables = q.tick(clock.t);
    expect(tables.map((t) => t.players.map((p) => p.playerId))).toEqual([["p1", "p2", "p3", "p4"]]);
    expect([...ids.filter((id) => q.has(id))]).toEqual(["p5", "p6"]);
  });

  it("property: no player on two tables, every table pairwise compatible and full unless bot-filled", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ rating: fc.integer({ min: -500, max: 4000 }), arrive: fc.integer({ min: 0, max: 120 }) }), { maxLength: 60 }),
        fc.integer({ min: 2, max: 5 }),
        (arrivals, seats) => {
          const q = new RankedQueue({ bands, seats, botFillSeconds: 45 });
          const seen = new Set<string>();
          const sorted = arrivals.map((a, i) => ({ ...a, id: `p${i}` })).sort((a, b) => a.arrive - b.arrive);
          let next = 0;
          for (let t = 0; t <= 200; t++) {
            const now = t * SEC;
            while (next < sorted.length && (sorted[next]?.arrive ?? Infinity) <= t) {
              const a = sorted[next++];
              if (a !== undefined) q.enqueue(entry(a.id, a.rating, now));
            }
            for (const table of q.tick(now)) {
              expect(table.players.length + table.bots).toBe(seats);
              expect(table.players.length).toBeGreaterThan(0);
              for (const p of table.players) {
                expect(seen.has(p.playerId)).toBe(false);
                seen.add(p.playerId);
                expect(q.has(p.playerId)).toBe(false);
              }
              if (table.bots > 0) expect(now - (table.players[0]?.enqueuedAt ?? now)).toBeGreaterThanOrEqual(45 * SEC);
              for (const a of table.players) for (const b of table.players) expect(compatible(bands, a, b, now)).toBe(true);
            }
          }
          expect(q.size).toBe(0); // everyone is seated within 45 s of bot fill
          expect(seen.size).toBe(arrivals.length);
        },
      ),
      { seed: 16_016, numRuns: 150 },
    );
  });
});
