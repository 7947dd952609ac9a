/**
 * Issue 15, items 8 and 9, against a whole server (its own process state, so its own file):
 * `/stats` needs METRICS_TOKEN when set; every response carries the browser security headers;
 * CORS answers only allow-listed origins, never with credentials, on the API and the matchmaker.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/server.js";

const METRICS_TOKEN = "metrics-token-for-tests-0123";
const ALLOWED = "https://play.example.com";
let ts: TestServer;

beforeAll(async () => {
  ts = await startTestServer({ env: { METRICS_TOKEN, CORS_ORIGINS: ALLOWED, PUBLIC_URL: "https://pzo.example.com" } });
});
afterAll(async () => {
  await ts.close();
});

describe("operational and browser headers (issue 15, items 8-9)", () => {
  it("/stats answers 401 without the metrics token and 200 with it (item 8)", async () => {
    const anonymous = await fetch(`${ts.httpUrl}/stats`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).not.toContain("roomIds");
    const allowed = await fetch(`${ts.httpUrl}/stats`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(allowed.status).toBe(200);
  });

  it("every response has a strict CSP, nosniff, no framing and no X-Powered-By (item 9)", async () => {
    for (const path of ["/healthz", "/api/games", "/", "/api/nope"]) {
      const res = await fetch(`${ts.httpUrl}${path}`, { headers: { accept: "text/html" } });
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("connect-src 'self' wss://pzo.example.com");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("x-powered-by")).toBeNull();
    }
  });

  it("CORS: an unknown origin is not reflected, an allowed one is, and credentials are never allowed (item 9)", async () => {
    for (const url of [`${ts.httpUrl}/api/games`, `${ts.httpUrl}/matchmake/joinOrCreate/lobby`]) {
      const evil = await fetch(url, { method: "OPTIONS", headers: { origin: "https://evil.example", "access-control-request-method": "POST" } });
      expect(evil.headers.get("access-control-allow-origin") ?? "").not.toBe("https://evil.example");
      expect(evil.headers.get("access-control-allow-origin") ?? "").not.toBe("*");
      expect(evil.headers.get("access-control-allow-credentials")).not.toBe("true");
      const good = await fetch(url, { method: "OPTIONS", headers: { origin: ALLOWED, "access-control-request-method": "POST" } });
      expect(good.headers.get("access-control-allow-origin")).toBe(ALLOWED);
      expect(good.headers.get("access-control-allow-credentials")).not.toBe("true");
    }
  });
});
