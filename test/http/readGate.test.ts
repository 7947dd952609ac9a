/**
 * The read gate in the route pipeline (src/http/readGate.ts, router.ts): with one list read running
 * at a time and one waiting, a third is answered 503 `service/busy` with `Retry-After: 1` and its
 * handler never runs; the waiting one runs once the first has answered; writes and point reads
 * are not gated. The reads' handlers wait on promises the test resolves, so the order is fixed.
 */
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import express from "express";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createLogger } from "../../src/platform/logger.js";
import { createTokenService } from "../../src/http/auth.js";
import { createHttpMetrics } from "../../src/http/httpMetrics.js";
import { createMemoryIdempotencyStore } from "../../src/http/idempotency.js";
import { RATE_GROUPS, type KeyedLimiter, type RateGroup } from "../../src/http/rateLimit.js";
import { createReadGate } from "../../src/http/readGate.js";
import { jsonRoute, none, ok } from "../../src/http/route.js";
import { mountRoute } from "../../src/http/router.js";
import { TEST_JWT_SECRET } from "./support/httpApp.js";

const open: KeyedLimiter = { consume: () => Promise.resolve({ allowed: true }), blocked: () => Promise.resolve({ allowed: true }), reset: () => Promise.resolve() };

describe("read gate in the pipeline", () => {
  const started: string[] = [];
  const gates = new Map<string, () => void>();
  let base = "";
  let close: () => Promise<void> = () => Promise.resolve();
  const gate = createReadGate(1, 1, { leaseMs: 60_000 });

  beforeAll(async () => {
    const route = (method: "get" | "post", group: RateGroup, paginated: boolean) =>
      jsonRoute({
        method,
        path: `/t/${method}${paginated ? "/list" : ""}/:name`,
        paginated,
        summary: "test",
        tags: [],
        access: "public",
        group,
        errors: [],
        params: z.object({ name: z.string() }),
        query: none,
        body: none,
        response: z.object({ name: z.string() }),
        async handler({ params }) {
          started.push(params.name);
          await new Promise<void>((resolve) => gates.set(params.name, resolve));
          return ok({ name: params.name });
        },
      });
    const app = express();
    const router = express.Router();
    const deps = {
      tokens: createTokenService({ secret: TEST_JWT_SECRET, accessTtlSeconds: 60 }),
      limiters: Object.fromEntries(RATE_GROUPS.map((g) => [g, open])) as Record<RateGroup, KeyedLimiter>,
      idempotency: createMemoryIdempotencyStore(60_000),
      metrics: createHttpMetrics(new Registry()),
      serviceKey: undefined,
      logger: createLogger("silent"),
      // A long lease: the places are given back by the answers, not by the timer.
      readGate: gate,
    };
    mountRoute(router, route("get", "read", true), deps);
    mountRoute(router, route("get", "read", false), deps);
    mountRoute(router, route("post", "write", false), deps);
    app.use(router);
    const server = app.listen(0, "127.0.0.1");
    await once(server, "listening");
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => new Promise((r) => server.close(() => r()));
  });
  afterAll(() => close());

  /** Waits (up to 2 s) until `check` holds. */
  async function until(check: () => boolean): Promise<void> {
    for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
    expect(check()).toBe(true);
  }

  it("runs one read, queues one, refuses the next with 503 service/busy; the queued one runs after", async () => {
    const a = fetch(`${base}/t/get/list/a`);
    await until(() => started.includes("a"));
    const b = fetch(`${base}/t/get/list/b`);
    await until(() => gate.waiting === 1);
    expect(started).toEqual(["a"]);
    const c = await fetch(`${base}/t/get/list/c`);
    expect(c.status).toBe(503);
    expect(c.headers.get("retry-after")).toBe("1");
    expect(await c.json()).toMatchObject({ code: "service/busy", retryAfter: 1 });
    // Neither a write nor a point read is gated.
    const w = fetch(`${base}/t/post/w`, { method: "POST" });
    const p = fetch(`${base}/t/get/p`);
    await until(() => started.includes("w") && started.includes("p"));
    gates.get("w")?.();
    gates.get("p")?.();
    expect((await w).status).toBe(200);
    expect((await p).status).toBe(200);
    gates.get("a")?.();
    expect((await a).status).toBe(200);
    await until(() => started.includes("b"));
    gates.get("b")?.();
    expect((await b).status).toBe(200);
    expect(started.filter((n) => n !== "p")).toEqual(["a", "w", "b"]);
  });
});
