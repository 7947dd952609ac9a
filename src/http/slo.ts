/**
 * Per-endpoint SLO contracts: every route's latency target (p99) and error budget, declared in
 * one table. Reads target p99 <= 10 ms and writes p99 <= 50 ms (specs 000 and 001); routes that
 * hash a password on purpose, stream, or serve documents carry their own line. `/metrics`
 * exports each target as `http_route_slo_p99_seconds` beside the request histogram (whose
 * buckets include every target), docs/API.md renders {@link renderSloTable}'s output, and
 * `npm run bench:season` prints measured p50/p99 next to it.
 */
import type { RouteDef } from "./route.js";

/** One endpoint's contract. */
export interface Slo {
  /** Latency target at the 99th percentile, ms; null: no latency target (a stream). */
  readonly p99Ms: number | null;
  /** Allowed share of 5xx answers over 30 days (0.001 = 99.9% success). */
  readonly errorBudget: number;
  /** Why this line differs from the default, if it does. */
  readonly note?: string;
}

const READ: Slo = { p99Ms: 10, errorBudget: 0.001 };
const WRITE: Slo = { p99Ms: 50, errorBudget: 0.001 };

/** Routes whose contract is not the default of their method. Keys: `METHOD /path`. */
export const SLO_OVERRIDES: Readonly<Record<string, Slo>> = {
  "POST /api/users": { p99Ms: 500, errorBudget: 0.001, note: "password hashing (argon2id) is slow on purpose" },
  "POST /api/users/register": { p99Ms: 500, errorBudget: 0.001, note: "password hashing (argon2id) is slow on purpose" },
  "POST /api/auth/login": { p99Ms: 500, errorBudget: 0.001, note: "password hashing (argon2id) is slow on purpose" },
  "POST /api/users/login": { p99Ms: 500, errorBudget: 0.001, note: "password hashing (argon2id) is slow on purpose" },
  "PUT /api/users/:id": { p99Ms: 500, errorBudget: 0.001, note: "may hash a new password" },
  "GET /api/ladder/stream": { p99Ms: null, errorBudget: 0.001, note: "a stream: no latency target" },
  "GET /api/season/events/stream": { p99Ms: null, errorBudget: 0.001, note: "a stream: no latency target; events arrive within SEASON_STREAM_POLL_MS" },
  "GET /api/games/:id/events": { p99Ms: 50, errorBudget: 0.001, note: "streams a whole game log" },
  "GET /api/games/:id/verify": { p99Ms: 50, errorBudget: 0.001, note: "replays and re-deals a whole game" },
  "GET /api/admin/season/events": { p99Ms: 50, errorBudget: 0.01, note: "admin export, up to 1,000 events a page" },
  "GET /api/waitlist": { p99Ms: 50, errorBudget: 0.01, note: "admin list, up to 500 entries a page" },
  "POST /api/admin/waitlist/admit": { p99Ms: 250, errorBudget: 0.01, note: "an admission wave of up to 1,000 entries in one transaction" },
  "POST /api/admin/waitlist/invite": { p99Ms: 250, errorBudget: 0.01, note: "an invitation wave of up to 1,000 entries in one transaction" },
  "POST /api/admin/ladder/rebuild": { p99Ms: null, errorBudget: 0.01, note: "an operator's repair: no latency target" },
  "POST /api/admin/seasons": { p99Ms: null, errorBudget: 0.01, note: "an operator's season reset: no latency target" },
  "GET /metrics": { p99Ms: 50, errorBudget: 0.01 },
  "GET /api/openapi.json": { p99Ms: 50, errorBudget: 0.01 },
  "GET /api/docs": { p99Ms: 50, errorBudget: 0.01 },
};

/** The key of a route in the table. */
export function sloKey(def: Pick<RouteDef, "method" | "path">): string {
  return `${def.method.toUpperCase()} ${def.path}`;
}

/** A route's contract: its override, else reads 10 ms and writes 50 ms. */
export function sloFor(def: Pick<RouteDef, "method" | "path">): Slo {
  return SLO_OVERRIDES[sloKey(def)] ?? (def.method === "get" ? READ : WRITE);
}

/** Every distinct p99 target, in seconds (the histogram's buckets include them). */
export function sloBucketsSeconds(): number[] {
  const ms = new Set<number>([READ.p99Ms ?? 10, WRITE.p99Ms ?? 50]);
  for (const s of Object.values(SLO_OVERRIDES)) if (s.p99Ms !== null) ms.add(s.p99Ms);
  return [...ms].sort((a, b) => a - b).map((m) => m / 1000);
}

/** The SLO table as Markdown (docs/API.md holds this text between its SLO markers). */
export function renderSloTable(routes: readonly Pick<RouteDef, "method" | "path">[]): string {
  const lines = ["| method | path | p99 target | error budget (5xx, 30 days) | note |", "| --- | --- | ---: | ---: | --- |"];
  for (const r of routes) {
    const s = sloFor(r);
    lines.push(`| ${r.method.toUpperCase()} | \`${r.path}\` | ${s.p99Ms === null ? "none" : `${s.p99Ms} ms`} | ${(s.errorBudget * 100).toFixed(1)}% | ${s.note ?? ""} |`);
  }
  return lines.join("\n");
}
