import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { registerReadGateMetrics } from "./httpMetrics.js";
import { createReadGate } from "./readGate.js";
import { createReadPacer, MAX_READ_RATE, UNPACED } from "./readPace.js";

describe("read gate metrics", () => {
  it("report the reads waiting and the pace at scrape time", async () => {
    const registry = new Registry();
    const gate = createReadGate(1, 10, { leaseMs: 60_000 });
    const pacer = createReadPacer(0.5);
    registerReadGateMetrics(registry, gate, pacer);
    const release = await gate.enter();
    void gate.enter();
    const text = await registry.metrics();
    expect(text).toContain("http_read_gate_waiting 1");
    expect(text).toContain(`http_read_pace_per_second ${MAX_READ_RATE}`);
    release?.();
  });

  it("without a pace the rate is +Inf", async () => {
    const registry = new Registry();
    registerReadGateMetrics(registry, createReadGate(1, 10), UNPACED);
    expect(await registry.metrics()).toContain("http_read_pace_per_second +Inf");
  });
});
