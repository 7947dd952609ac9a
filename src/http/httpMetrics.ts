/**
 * The HTTP layer's Prometheus metrics, registered into the Registry the composition root passes
 * in (never prom-client's global default registry). The rooms and the ladder register their own
 * metrics into the same Registry, and `GET /metrics` serves all of them.
 */
import { Counter, Histogram, type Registry } from "prom-client";

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
}

/**
 * Latency buckets, seconds: fine below 10 ms (the read SLO) and 50 ms (the write SLO), coarse
 * above.
 */
export const LATENCY_BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

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
  };
}
