/**
 * The ladder-delta outbox (issue 19, item 1): deltas published while presence (Redis) is down are
 * kept and sent, in order, once it is back; publishing never throws nor waits.
 */
import { LocalPresence } from "@colyseus/core";
import { describe, expect, it } from "vitest";
import { asPlayerId } from "../src/shared/identity.js";
import type { LadderDelta } from "../src/shared/ladderDelta.js";
import { PresenceDeltaBus } from "./presenceBus.js";

const delta = (total: number): LadderDelta => ({ type: "ladder.changed", tier: "all_time", season: null, playerId: asPlayerId("p-1"), total, at: 1_700_000_000_000, oldRank: null, newRank: 1, change: total });

async function until(check: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** LocalPresence whose publish fails while `down`. */
class FlakyPresence extends LocalPresence {
  down = false;

  override publish(topic: string, data: unknown): this {
    if (this.down) throw new Error("Connection is closed.");
    return super.publish(topic, data);
  }
}

function flakyPresence() {
  const presence = new FlakyPresence();
  return { presence, state: presence };
}

describe("PresenceDeltaBus outbox", () => {
  it("deltas published while presence is down are delivered in order when it returns; publish never throws", async () => {
    const { presence, state } = flakyPresence();
    const failures: number[] = [];
    let flushed = -1;
    const bus = new PresenceDeltaBus(presence, "t:", { onPublishFailed: (_e, outbox) => failures.push(outbox), onFlushed: (n) => (flushed = n) });
    const received: number[] = [];
    await bus.subscribe((d) => received.push(d.total));
    await bus.publish(delta(1));
    await until(() => received.length === 1);
    state.down = true;
    await bus.publish(delta(2));
    await bus.publish(delta(3));
    await until(() => failures.length > 0);
    expect(received).toEqual([1]);
    expect(bus.pending).toBe(2);
    state.down = false;
    bus.flushSoon();
    await until(() => received.length === 3);
    expect(received).toEqual([1, 2, 3]);
    expect(bus.pending).toBe(0);
    expect(flushed).toBe(2);
    bus.stop();
  });

  it("without flushSoon, the outbox is retried by itself about every second", async () => {
    const { presence, state } = flakyPresence();
    const bus = new PresenceDeltaBus(presence, "t:");
    const received: number[] = [];
    await bus.subscribe((d) => received.push(d.total));
    state.down = true;
    await bus.publish(delta(7));
    await new Promise((r) => setTimeout(r, 50));
    state.down = false;
    await until(() => received.length === 1, 3_000);
    expect(received).toEqual([7]);
    bus.stop();
  });
});
