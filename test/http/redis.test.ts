/**
 * With Redis (REDIS_URL), rate-limit counters and idempotency records are shared: two API
 * instances (two "processes") over one Redis enforce one budget and replay one
 * first response (each instance has its own database here: only Redis is shared). Skipped
 * loudly without REDIS_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testBackends } from "../support/db.js";
import { openTestRedis, redisMissing, redisSuiteName, type TestRedis } from "../support/redis.js";
import { call, codeOf, field } from "./support/client.js";
import { startTestApi, type TestApi } from "./support/httpApp.js";

const [backend] = testBackends();

describe.skipIf(redisMissing)(redisSuiteName("HTTP rate limits and idempotency shared through Redis"), () => {
  let redisA: TestRedis;
  let redisB: TestRedis;
  let a: TestApi;
  let b: TestApi;
  beforeAll(async () => {
    if (backend === undefined) throw new Error("no backend");
    redisA = await openTestRedis();
    redisB = await openTestRedis();
    const env = { REDIS_PREFIX: redisA.prefix, RATE_LIMIT_READ: "3/60", RATE_LIMIT_AUTH: "100/60" };
    a = await startTestApi(backend, { env, redis: redisA.redis });
    b = await startTestApi(backend, { env, redis: redisB.redis });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    redisB.redis.disconnect();
    await redisA.cleanup();
  });

  it("one budget across instances: the fourth read, on either, is 429", async () => {
    expect((await call(a.url, "GET", "/api/games")).status).toBe(200);
    expect((await call(b.url, "GET", "/api/games")).status).toBe(200);
    expect((await call(a.url, "GET", "/api/games")).status).toBe(200);
    const r = await call(b.url, "GET", "/api/games");
    expect({ status: r.status, code: codeOf(r) }).toEqual({ status: 429, code: "rate_limited" });
    expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("an Idempotency-Key replayed on the other instance returns the first response", async () => {
    const headers = { "idempotency-key": "cross-instance-1" };
    const first = await call(a.url, "POST", "/api/auth/guest", { headers, body: { displayName: "Once" } });
    const again = await call(b.url, "POST", "/api/auth/guest", { headers, body: { displayName: "Once" } });
    expect(first.status).toBe(201);
    expect(again.text).toBe(first.text);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(field(again.json, "data", "playerId")).toBe(field(first.json, "data", "playerId"));
  });
});
