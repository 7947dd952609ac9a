/**
 * Redis down at run time (issue 19, item 1), HTTP side: with a Redis client aimed at a port where
 * nothing listens (configured as the server configures it: no offline queue, 1 s command timeout),
 * `/readyz` answers 200 `degraded` naming Redis, reads answer at once (rate limits fall back to the
 * process), and an idempotent write still works (its key kept per process).
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RUNTIME_REDIS_OPTIONS } from "../../src/app/redisClients.js";
import { testBackends } from "../support/db.js";
import { freePort } from "../rooms/serverProcess.js";
import { call, field } from "./support/client.js";
import { startTestApi, type TestApi } from "./support/httpApp.js";

const [backend] = testBackends();

describe("HTTP with Redis down", () => {
  let api: TestApi;
  let redis: Redis;
  beforeAll(async () => {
    if (backend === undefined) throw new Error("no backend");
    redis = new Redis(`redis://127.0.0.1:${await freePort()}`, { ...RUNTIME_REDIS_OPTIONS, enableOfflineQueue: false });
    redis.on("error", () => undefined);
    api = await startTestApi(backend, { env: { REDIS_PREFIX: "down:" }, redis });
  });
  afterAll(async () => {
    await api.close();
    redis.disconnect();
  });

  it("/readyz is 200 degraded with Redis's error; /healthz 200", async () => {
    const r = await call(api.url, "GET", "/readyz");
    expect(r.status).toBe(200);
    expect(field(r.json, "data", "status")).toBe("degraded");
    expect(field(r.json, "data", "checks", "database")).toBe("ok");
    expect(field(r.json, "data", "checks", "redis")).not.toBe("ok");
    expect((await call(api.url, "GET", "/healthz")).status).toBe(200);
  });

  it("reads are answered at once (rate limits in the process), ten in a row", async () => {
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      const r = await call(api.url, "GET", "/api/games?limit=5");
      expect(r.status).toBe(200);
      expect(performance.now() - t0).toBeLessThan(900);
    }
  });

  it("a guest login (a write with its rate limit) works", async () => {
    const r = await call(api.url, "POST", "/api/auth/guest", { body: { displayName: "NoRedis" } });
    expect(r.status).toBe(201);
  });
});
