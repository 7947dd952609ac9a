/**
 * Contract suite of the keyed rate limiter (src/http/rateLimit.ts), run against both backends in
 * the same run: in-process always, Redis when REDIS_URL is set (a loud SKIPPED line otherwise).
 * Each backend gets a private key prefix.
 */
import { randomBytes } from "node:crypto";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { openTestRedis, redisMissing, redisSuiteName, type TestRedis } from "../../test/support/redis.js";
import { createConcurrencyLimiter, createKeyedLimiter, type LimiterBackend } from "./rateLimit.js";

const logger = pino({ enabled: false });

interface LimiterLeg {
  readonly name: string;
  readonly skip: boolean;
  backend(): Promise<LimiterBackend>;
}

const opened: TestRedis[] = [];
const legs: readonly LimiterLeg[] = [
  { name: "in-process", skip: false, backend: () => Promise.resolve({ prefix: `test:${randomBytes(6).toString("hex")}:`, logger }) },
  {
    name: redisSuiteName("Redis"),
    skip: redisMissing,
    async backend() {
      const t = await openTestRedis();
      opened.push(t);
      return { redis: t.redis, prefix: t.prefix, logger };
    },
  },
];

afterAll(async () => {
  for (const t of opened) await t.cleanup();
});

describe.each(legs)("rate limiter contract on $name", (leg) => {
  it.skipIf(leg.skip)("R1: a key gets exactly `points` requests per window; the next is refused with a retry-after within the window", async () => {
    const limiter = createKeyedLimiter("r1", { points: 3, seconds: 60 }, await leg.backend());
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push(await limiter.consume("alice"));
    expect(decisions.slice(0, 3)).toEqual([{ allowed: true }, { allowed: true }, { allowed: true }]);
    expect(decisions[3]).toMatchObject({ allowed: false });
    const refused = decisions[3];
    if (refused?.allowed !== false) throw new Error("expected a refusal");
    expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
  });

  it.skipIf(leg.skip)("R2: keys are independent, and so are limiters of different names", async () => {
    const backend = await leg.backend();
    const a = createKeyedLimiter("r2a", { points: 1, seconds: 60 }, backend);
    const b = createKeyedLimiter("r2b", { points: 1, seconds: 60 }, backend);
    expect(await a.consume("alice")).toEqual({ allowed: true });
    expect(await a.consume("alice")).toMatchObject({ allowed: false });
    expect(await a.consume("bob")).toEqual({ allowed: true });
    expect(await b.consume("alice")).toEqual({ allowed: true });
  });

  it.skipIf(leg.skip)("R3: blocked() reports a spent key without consuming; reset() gives the budget back", async () => {
    const limiter = createKeyedLimiter("r3", { points: 2, seconds: 60 }, await leg.backend());
    expect(await limiter.blocked("alice")).toEqual({ allowed: true });
    await limiter.consume("alice");
    expect(await limiter.blocked("alice")).toEqual({ allowed: true });
    await limiter.consume("alice");
    expect(await limiter.blocked("alice")).toMatchObject({ allowed: false });
    expect(await limiter.blocked("alice")).toMatchObject({ allowed: false });
    await limiter.reset("alice");
    expect(await limiter.blocked("alice")).toEqual({ allowed: true });
    expect(await limiter.consume("alice")).toEqual({ allowed: true });
  });

  it.skipIf(leg.skip)("R4: concurrent requests never exceed the budget", async () => {
    const limiter = createKeyedLimiter("r4", { points: 5, seconds: 60 }, await leg.backend());
    const decisions = await Promise.all(Array.from({ length: 20 }, () => limiter.consume("alice")));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(5);
  });

  it.skipIf(leg.skip)("R5: limiters of one name share the budget through Redis (several processes), and keep their own in-process", async () => {
    const backend = await leg.backend();
    const first = createKeyedLimiter("r5", { points: 2, seconds: 60 }, backend);
    const second = createKeyedLimiter("r5", { points: 2, seconds: 60 }, backend);
    expect(await first.consume("alice")).toEqual({ allowed: true });
    expect(await second.consume("alice")).toEqual({ allowed: true });
    const third = await first.consume("alice");
    // In-process limiters each keep their own memory; Redis limiters share the key.
    expect(third.allowed).toBe(leg.name === "in-process");
  });

  it.skipIf(leg.skip)("C1: a concurrency cap admits `max` places per key; a refused acquire takes nothing; a release makes room again", async () => {
    const cap = createConcurrencyLimiter("c1", { max: 2, leaseSeconds: 600 }, await leg.backend());
    expect(await cap.acquire("alice")).toBe(true);
    expect(await cap.acquire("alice")).toBe(true);
    expect(await cap.acquire("alice")).toBe(false);
    expect(await cap.acquire("alice")).toBe(false);
    expect(await cap.held("alice")).toBe(2);
    expect(await cap.acquire("bob")).toBe(true);
    await cap.release("alice");
    expect(await cap.held("alice")).toBe(1);
    expect(await cap.acquire("alice")).toBe(true);
    expect(await cap.acquire("alice")).toBe(false);
  });

  it.skipIf(leg.skip)("C2: several places at once are all or nothing; releases never go below zero", async () => {
    const cap = createConcurrencyLimiter("c2", { max: 5, leaseSeconds: 600 }, await leg.backend());
    expect(await cap.acquire("alice", 4)).toBe(true);
    expect(await cap.acquire("alice", 2)).toBe(false);
    expect(await cap.held("alice")).toBe(4);
    await cap.release("alice", 4);
    await cap.release("alice", 3);
    expect(await cap.held("alice")).toBe(0);
    expect(await cap.acquire("alice", 5)).toBe(true);
  });

  it.skipIf(leg.skip)("C3: concurrent acquires never pass the cap", async () => {
    const cap = createConcurrencyLimiter("c3", { max: 3, leaseSeconds: 600 }, await leg.backend());
    const taken = await Promise.all(Array.from({ length: 12 }, () => cap.acquire("alice")));
    expect(taken.filter(Boolean)).toHaveLength(3);
    expect(await cap.held("alice")).toBe(3);
  });

  it.skipIf(leg.skip)("C4: caps of one name share their count through Redis (several processes), and keep their own in-process", async () => {
    const backend = await leg.backend();
    const first = createConcurrencyLimiter("c4", { max: 1, leaseSeconds: 600 }, backend);
    const second = createConcurrencyLimiter("c4", { max: 1, leaseSeconds: 600 }, backend);
    expect(await first.acquire("alice")).toBe(true);
    expect(await second.acquire("alice")).toBe(leg.name === "in-process");
    // Through Redis, the first process's release frees the place for the second.
    await first.release("alice");
    if (leg.name !== "in-process") expect(await second.acquire("alice")).toBe(true);
  });
});
