import { describe, expect, it } from "vitest";
import { trustOf } from "./clientAddress.js";
import { matchmakeAddress, tooManyRequests } from "./matchmakeBudget.js";

const context = (headers: Record<string, string>) => ({ ip: undefined, headers: new Headers(headers) });

describe("matchmakeAddress", () => {
  it("ws transport: the rewritten X-Real-IP is the address", () => {
    const addressing = { normalized: true, trustProxy: "false", trust: trustOf("false") };
    expect(matchmakeAddress(context({ "x-real-ip": "198.51.100.4" }), addressing)).toEqual({ ok: true, address: "198.51.100.4" });
  });

  it("uWebSockets.js behind a hop count: the X-Forwarded-For hop decides", () => {
    const addressing = { normalized: false, trustProxy: "1", trust: trustOf("1") };
    expect(matchmakeAddress(context({ "x-forwarded-for": "203.0.113.1, 198.51.100.7" }), addressing)).toEqual({ ok: true, address: "198.51.100.7" });
  });

  it("uWebSockets.js without a hop count: forwarding headers are refused, none leaves the request uncounted", () => {
    const addressing = { normalized: false, trustProxy: "false", trust: trustOf("false") };
    expect(matchmakeAddress(context({ "x-forwarded-for": "203.0.113.1" }), addressing)).toMatchObject({ ok: false });
    expect(matchmakeAddress(context({}), addressing)).toEqual({ ok: true, address: null });
    expect(matchmakeAddress(undefined, addressing)).toEqual({ ok: true, address: null });
  });

  it("the refusal is a 429 join error naming the budget", () => {
    const err = tooManyRequests(300, 60, 12);
    expect(err.code).toBe(429);
    expect(err.message).toBe("limits/too_many_requests: one address may make at most 300 matchmaking requests per 60 s; retry in 12 s");
  });
});
