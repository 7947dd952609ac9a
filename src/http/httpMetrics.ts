/**
 * The HTTP layer's Prometheus metrics, registered into the Registry the composition root passes
 * in (never prom-client's global default registry). The rooms and the ladder register their own
 * metrics into the same Registry, and `GET /metrics` serves all of them.
 */
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { ReadGate } from "./readGate.js";
import type { ReadPacer } from "./readPace.js";
import { sloBucketsSeconds } from "./slo.js";

/** The HTTP layer's metrics. */
export interface HttpMetrics {
  /** `http_request_duration_seconds{method,route,status}`: latency per route template. */
  readonly requestDuration: Histogram<"method" | "route" | "status">;
  /** `http_rate_limit_rejections_total{group}`: 429s sent, per rate-limit group. */
  readonly rateLimitRejections: Counter<"group">;
  /** `http_problems_total{code}`: problem responses, per problem code. */
  readonly problems: Counter<"code">;
  /** `auth_login_failures_total{reason}`: failed logins (wrong credentials or locked out). */
  readonly loginFailures: Counter<"reason">;
  /** `http_idempotent_replays_total`: responses replayed for a repeated Idempotency-Key. */
  readonly idempotentReplays: Counter;
  /** `http_route_slo_p99_seconds{method,route}`: each route's latency target (slo.ts). */
  readonly sloP99: Gauge<"method" | "route">;
  /** `http_route_slo_error_budget_ratio{method,route}`: each route's allowed 5xx share. */
  readonly sloErrorBudget: Gauge<"method" | "route">;
}

/**
 * Latency buckets, seconds: fine below 10 ms (the read SLO) and 50 ms (the write SLO), coarse
 * above, and every per-route p99 target of slo.ts is a bucket boundary.
 */
export const LATENCY_BUCKETS = [...new Set([0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, ...sloBucketsSeconds()])].sort((a, b) => a - b);

/** Creates the HTTP metrics in `registry`. */
export function createHttpMetrics(registry: Registry): HttpMetrics {
  const registers = [registry];
  return {
    requestDuration: new Histogram({
      name: "http_request_duration_seconds",
      help: "HTTP request latency by method, route template and status code",
      labelNames: ["method", "route", "status"] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    rateLimitRejections: new Counter({
      name: "http_rate_limit_rejections_total",
      help: "Requests rejected with 429 by the rate limiter, by route group",
      labelNames: ["group"] as const,
      registers,
    }),
    problems: new Counter({
      name: "http_problems_total",
      help: "Problem (error) responses by problem code",
      labelNames: ["code"] as const,
      registers,
    }),
    loginFailures: new Counter({
      name: "auth_login_failures_total",
      help: "Failed login attempts by reason (invalid_credentials, locked_out)",
      labelNames: ["reason"] as const,
      registers,
    }),
    idempotentReplays: new Counter({
      name: "http_idempotent_replays_total",
      help: "Responses replayed for a repeated Idempotency-Key",
      registers,
    }),
    sloP99: new Gauge({
      name: "http_route_slo_p99_seconds",
      help: "Each route's latency SLO at p99 (src/http/slo.ts); routes without a target are absent",
      labelNames: ["method", "route"] as const,
      registers,
    }),
    sloErrorBudget: new Gauge({
      name: "http_route_slo_error_budget_ratio",
      help: "Each route's error budget: the allowed share of 5xx answers over 30 days",
      labelNames: ["method", "route"] as const,
      registers,
    }),
  };
}

/**
 * The read gate's gauges, read at scrape time: `http_read_gate_waiting` (list and stream reads
 * waiting for the gate now) and `http_read_pace_per_second` (the pace's rate now, readPace.ts;
 * `+Inf` without a pace).
 */
export function registerReadGateMetrics(registry: Registry, gate: ReadGate, pacer: ReadPacer): void {
  new Gauge({
    name: "http_read_gate_waiting",
    help: "List and stream reads waiting for this process's read gate now",
    registers: [registry],
    collect() {
      this.set(gate.waiting);
    },
  });
  new Gauge({
    name: "http_read_pace_per_second",
    help: "The read gate's pace now: overlapping list and stream reads started per second at most (+Inf: no pace)",
    registers: [registry],
    collect() {
      this.set(pacer.rate);
    },
  });
}
