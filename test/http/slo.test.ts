/**
 * The per-endpoint SLO table: every mounted route has a line, docs/API.md renders exactly the
 * table in code, and `/metrics` exports each target next to the request histogram.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderSloTable, sloFor, sloKey } from "../../src/http/slo.js";
import { PROBLEM_CODE_LIST } from "../../src/http/problem.js";
import { testBackends } from "../support/db.js";
import { call } from "./support/client.js";
import { startTestApi, type TestApi } from "./support/httpApp.js";

const [backend] = testBackends();
const apiDoc = readFileSync(new URL("../../docs/API.md", import.meta.url), "utf8");

describe("SLO contracts per endpoint", () => {
  let t: TestApi;
  beforeAll(async () => {
    if (backend === undefined) throw new Error("no backend");
    t = await startTestApi(backend);
  });
  afterAll(async () => {
    await t.close();
  });

  it("docs/API.md holds the table rendered from src/http/slo.ts, one line per mounted route", () => {
    const m = /<!-- slo:begin -->\n([\s\S]*?)\n<!-- slo:end -->/.exec(apiDoc);
    expect(m?.[1]).toBe(renderSloTable(t.api.routes));
    expect(new Set(t.api.routes.map(sloKey)).size).toBe(t.api.routes.length);
  });

  it("reads target 10 ms and writes 50 ms unless the table says why not", () => {
    expect(sloFor({ method: "get", path: "/api/currency" }).p99Ms).toBe(10);
    expect(sloFor({ method: "post", path: "/api/currency/withdraw" }).p99Ms).toBe(50);
  });

  it("/metrics exports each route's target beside the per-route histogram", async () => {
    await call(t.url, "GET", "/api/items");
    const m = await call(t.url, "GET", "/metrics");
    expect(m.text).toContain('http_route_slo_p99_seconds{method="GET",route="/api/items"} 0.01');
    expect(m.text).toContain('http_route_slo_p99_seconds{method="POST",route="/api/currency/withdraw"} 0.05');
    expect(m.text).toContain('http_request_duration_seconds_bucket{le="0.01",method="GET",route="/api/items",status="200"}');
  });

  it("docs/API.md lists every problem code", () => {
    const missing = PROBLEM_CODE_LIST.filter((c) => !apiDoc.includes(`| \`${c}\` |`));
    expect(missing).toEqual([]);
  });
});
