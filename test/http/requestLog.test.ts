/**
 * The request log middleware (src/http/requestLog.ts): the request id (given or made) on the
 * response and on every line of the request, one completion line at the status's level and
 * only when that level is enabled, and the latency histogram.
 */
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import express from "express";
import { pino } from "pino";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpMetrics } from "../../src/http/httpMetrics.js";
import { createRequestLog } from "../../src/http/requestLog.js";

describe("request log", () => {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split("\n")) if (l !== "") lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  const registry = new Registry();
  const metrics = createHttpMetrics(registry);
  let url = "";
  let close = (): void => undefined;

  beforeAll(async () => {
    const app = express();
    app.use(createRequestLog(pino({ level: "info" }, sink), metrics));
    app.get("/ok", (_req, res) => void res.json({ fine: true }));
    app.get("/talks", (req, res) => {
      req.log.info({ extra: 1 }, "handler says");
      res.json({ fine: true });
    });
    app.get("/missing", (_req, res) => void res.status(404).json({ code: "not_found" }));
    app.get("/broken", (_req, res) => void res.status(500).json({ code: "internal" }));
    const server = app.listen(0, "127.0.0.1");
    await new Promise<void>((r) => server.once("listening", () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => void server.close();
  });
  afterAll(() => close());

  it("keeps a sane caller id, makes a UUID otherwise, and binds it to the handler's lines", async () => {
    const given = await fetch(`${url}/talks`, { headers: { "x-request-id": "trace-42" } });
    expect(given.headers.get("x-request-id")).toBe("trace-42");
    const made = await fetch(`${url}/ok`, { headers: { "x-request-id": "bad id with spaces" } });
    expect(made.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const said = lines.find((l) => l["msg"] === "handler says");
    expect(said).toMatchObject({ reqId: "trace-42", extra: 1 });
  });

  it("writes one completion line for 4xx (info) and 5xx (error), none for 2xx at level info", async () => {
    lines.length = 0;
    await fetch(`${url}/ok`);
    const missing = await fetch(`${url}/missing`);
    await fetch(`${url}/broken`);
    await new Promise((r) => setTimeout(r, 20));
    const done = lines.filter((l) => l["msg"] === "request completed");
    expect(done.map((l) => [l["level"], (l["res"] as { statusCode: number }).statusCode, l["route"]])).toEqual([
      [30, 404, "/missing"],
      [50, 500, "/broken"],
    ]);
    expect(done[0]?.["reqId"]).toBe(missing.headers.get("x-request-id"));
    expect(done[0]?.["req"]).toMatchObject({ method: "GET", url: "/missing" });
  });

  it("observes the latency histogram per route template and status", async () => {
    const text = await registry.metrics();
    expect(text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/ok",status="200"\} [1-9]/);
    expect(text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/missing",status="404"\} 1/);
  });
});
