import { describe, expect, it } from "vitest";
import { FanoutDeltaPublisher, InProcessDeltaPublisher, type LadderDelta } from "./deltas.js";
import { toPlayerId } from "./ranking.js";

const delta = (n: number): LadderDelta => ({ type: "ladder.changed", tier: "all_time", season: null, playerId: toPlayerId(`p${n}`), oldRank: null, newRank: n, total: n, change: n, at: n });

describe("deltas", () => {
  it("in-process: subscribers get sequenced deltas; since() resumes after a Last-Event-ID", () => {
    const pub = new InProcessDeltaPublisher(3);
    const got: number[] = [];
    const off = pub.subscribe((d) => got.push(d.id));
    for (let i = 1; i <= 5; i++) pub.publish(delta(i));
    off();
    pub.publish(delta(6));
    expect(got).toEqual([1, 2, 3, 4, 5]);
    expect(pub.lastId).toBe(6);
    expect(pub.since(4)).toEqual({ deltas: [expect.objectContaining({ id: 5 }), expect.objectContaining({ id: 6 })], complete: true });
    // Ids 1-3 fell out of the 3-entry history: a resume from 1 is incomplete (refetch a snapshot).
    expect(pub.since(1).complete).toBe(false);
    expect(pub.since(6)).toEqual({ deltas: [], complete: true });
  });

  it("a throwing subscriber does not starve the others", () => {
    const pub = new InProcessDeltaPublisher();
    const got: number[] = [];
    pub.subscribe(() => {
      throw new Error("boom");
    });
    pub.subscribe((d) => got.push(d.id));
    pub.publish(delta(1));
    expect(got).toEqual([1]);
  });

  it("fan-out publishes to every target and reports a failure after trying all", async () => {
    const a = new InProcessDeltaPublisher();
    const b = new InProcessDeltaPublisher();
    await new FanoutDeltaPublisher([a, b]).publish(delta(1));
    expect([a.lastId, b.lastId]).toEqual([1, 1]);
    const failing = { publish: (): Promise<void> => Promise.reject(new Error("presence down")) };
    await expect(new FanoutDeltaPublisher([failing, a]).publish(delta(2))).rejects.toThrow("presence down");
    expect(a.lastId).toBe(2);
  });
});
