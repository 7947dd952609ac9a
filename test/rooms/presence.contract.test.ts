/**
 * Contract suite of Colyseus presence as PZO uses it, run against `LocalPresence` and
 * `RedisPresence` in the same run (the way Colyseus' own tests run `[LocalPresence,
 * RedisPresence]`); the Redis leg needs REDIS_URL and prints a loud SKIPPED line without it.
 *
 * What the project relies on: ladder deltas published by one process reach every lobby through
 * `PresenceDeltaBus` (rooms/presenceBus.ts), validated on receipt; and listing changes, which
 * Colyseus' realtime listing publishes as `"<roomId>,1|0"` strings on a channel the lobbies
 * subscribe to. Each run uses its own channel prefix, so parallel runs on one Redis never mix.
 */
import { randomBytes } from "node:crypto";
import { LocalPresence, type Presence } from "@colyseus/core";
import { RedisPresence } from "@colyseus/redis-presence";
import { afterEach, describe, expect, it } from "vitest";
import { PresenceDeltaBus } from "../../rooms/presenceBus.js";
import { asPlayerId } from "../../src/shared/identity.js";
import type { LadderDelta } from "../../src/shared/ladderDelta.js";
import { redisMissing, redisSuiteName, TEST_REDIS_URL } from "../support/redis.js";

/** A backend: `open()` gives two presences that share their channels (two processes, or one). */
interface PresenceLeg {
  readonly name: string;
  readonly skip: boolean;
  open(): { readonly a: Presence; readonly b: Presence; close(): void };
}

const legs: readonly PresenceLeg[] = [
  {
    name: "LocalPresence",
    skip: false,
    open() {
      const p = new LocalPresence();
      return { a: p, b: p, close: () => p.shutdown() };
    },
  },
  {
    name: redisSuiteName("RedisPresence"),
    skip: redisMissing,
    open() {
      const a = new RedisPresence(TEST_REDIS_URL);
      const b = new RedisPresence(TEST_REDIS_URL);
      return { a, b, close: () => [a, b].forEach((p) => p.shutdown()) };
    },
  },
];

/** Resolves once `check` holds (polling each tick), or rejects after `ms`. */
async function until(check: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out waiting for a presence message");
    await new Promise((r) => setImmediate(r));
  }
}

const delta = (total: number): LadderDelta => ({
  type: "ladder.changed",
  tier: "all_time",
  season: null,
  playerId: asPlayerId("p-1"),
  total,
  at: 1_700_000_000_000,
  oldRank: null,
  newRank: 1,
  change: total,
});

describe.each(legs)("presence contract on $name", (leg) => {
  const closers: (() => void)[] = [];
  afterEach(() => {
    for (const close of closers.splice(0)) close();
  });
  const open = () => {
    const pair = leg.open();
    closers.push(() => pair.close());
    return { ...pair, prefix: `test:${randomBytes(6).toString("hex")}:` };
  };

  it.skipIf(leg.skip)("P1: a ladder delta published on one presence reaches every subscriber on the other, in order, intact", async () => {
    const { a, b, prefix } = open();
    const publisher = new PresenceDeltaBus(a, prefix);
    const receiver = new PresenceDeltaBus(b, prefix);
    const first: LadderDelta[] = [];
    const second: LadderDelta[] = [];
    await receiver.subscribe((d) => first.push(d));
    await receiver.subscribe((d) => second.push(d));
    await publisher.publish(delta(10));
    await publisher.publish(delta(20));
    await until(() => first.length === 2 && second.length === 2);
    expect(first).toEqual([delta(10), delta(20)]);
    expect(second).toEqual(first);
  });

  it.skipIf(leg.skip)("P2: after unsubscribing, a listener gets nothing more; other listeners still do", async () => {
    const { a, b, prefix } = open();
    const publisher = new PresenceDeltaBus(a, prefix);
    const receiver = new PresenceDeltaBus(b, prefix);
    const gone: LadderDelta[] = [];
    const staying: LadderDelta[] = [];
    const unsubscribe = await receiver.subscribe((d) => gone.push(d));
    await receiver.subscribe((d) => staying.push(d));
    unsubscribe();
    await publisher.publish(delta(5));
    await until(() => staying.length === 1);
    expect(gone).toEqual([]);
  });

  it.skipIf(leg.skip)("P3: a malformed message on the delta channel is refused (onInvalid), never handed to listeners", async () => {
    const { a, b, prefix } = open();
    const invalid: unknown[] = [];
    const receiver = new PresenceDeltaBus(b, prefix, { onInvalid: (err) => invalid.push(err) });
    const received: LadderDelta[] = [];
    await receiver.subscribe((d) => received.push(d));
    await a.publish(`${prefix}ladder:delta`, { type: "ladder.changed", total: "lots" });
    await new PresenceDeltaBus(a, prefix).publish(delta(1));
    await until(() => received.length === 1);
    expect(invalid).toHaveLength(1);
    expect(received).toEqual([delta(1)]);
  });

  it.skipIf(leg.skip)("P4: listing changes (`roomId,1|0` strings, as Colyseus' realtime listing sends them) arrive as sent; other channels are not heard", async () => {
    const { a, b, prefix } = open();
    const heard: unknown[] = [];
    const other: unknown[] = [];
    await b.subscribe(`${prefix}$lobby`, (message: unknown) => heard.push(message));
    await b.subscribe(`${prefix}elsewhere`, (message: unknown) => other.push(message));
    await a.publish(`${prefix}$lobby`, "room-1,1");
    await a.publish(`${prefix}$lobby`, "room-1,0");
    await until(() => heard.length === 2);
    expect(heard).toEqual(["room-1,1", "room-1,0"]);
    expect(other).toEqual([]);
  });
});
