import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OrderStatisticSkipList } from "./skipList.js";

const SEED = 0x51ce_0001;
const cmp = (a: number, b: number): number => a - b;

describe("order-statistic skip list", () => {
  it("property: rank, countBefore and slice agree with a sorted array under random inserts and deletes", () => {
    const op = fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 60 }));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const list = new OrderStatisticSkipList<number>(cmp, 7);
        const ref = new Set<number>();
        for (const [add, v] of ops) {
          if (add && !ref.has(v)) {
            list.insert(v);
            ref.add(v);
          } else if (!add) {
            expect(list.delete(v)).toBe(ref.delete(v));
          }
        }
        const sorted = [...ref].sort(cmp);
        expect(list.size).toBe(sorted.length);
        expect(list.slice(0, sorted.length + 5)).toEqual(sorted);
        for (let v = -1; v <= 61; v++) {
          const idx = sorted.indexOf(v);
          expect(list.rank(v)).toBe(idx + 1);
          expect(list.countBefore(v)).toBe(sorted.filter((x) => x < v).length);
        }
        for (let i = 0; i < sorted.length; i += 3) expect(list.slice(i, 2)).toEqual(sorted.slice(i, i + 2));
        expect(list.slice(sorted.length, 1)).toEqual([]);
        expect(list.slice(-1, 1)).toEqual([]);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it("stays logarithmic-ish: 100k inserts and ranks finish quickly", () => {
    const list = new OrderStatisticSkipList<number>(cmp);
    for (let i = 0; i < 100_000; i++) list.insert((i * 7919) % 100_003);
    expect(list.size).toBe(100_000);
    expect(list.rank(0)).toBe(1);
    list.clear();
    expect(list.size).toBe(0);
  });
});
