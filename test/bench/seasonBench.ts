/**
 * `npm run bench:season`: the Season 0 endpoints on PostgreSQL, each request's latency next to
 * its SLO (src/http/slo.ts).
 *
 * Makes a scratch database through DATABASE_URL (default postgres://postgres@127.0.0.1:5432/
 * postgres, used only as the admin connection; the scratch database is dropped at the end),
 * starts the API in its own process (test/bench/httpServer.ts: the same registerHttpRoutes the
 * server uses, NODE_ENV=production, rate limits raised), registers BENCH_USERS users, funds them
 * and puts them on the waitlist, then offers a mix of reads and writes open-loop (requests
 * evenly spaced, latency timed from when each was due: test/bench/openLoop.ts) at BENCH_RATE
 * requests/s (default 500) for BENCH_SECONDS (default 10) over BENCH_CONNECTIONS (default 100)
 * open keep-alive connections. Prints the mix, p50/p99 per endpoint beside its SLO target and
 * per kind (all reads, all writes) beside the issue's targets (reads 10 ms, writes 50 ms), the
 * CPU each process used per 1000 requests (the API process, the scratch database's PostgreSQL
 * backends and this load generator, from /proc), the API's event-loop delay, and the machine's
 * load average (the latencies depend on it; the CPU figures much less), and the API process's
 * JavaScript heap allocation per request with its garbage collections over the run (count,
 * total and longest pause: test/bench/heapMeter.ts); allocation does not depend on how busy the
 * machine is. With BENCH_ALLOC_EACH=1 it then sends 200 requests of each endpoint one after
 * another and prints each one's allocation per request. The API process runs with the
 * production server's Node flags (benchServer.ts); BENCH_SERVER_ARGS adds node flags to it
 * (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
 */
import type { ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { loadavg, cpus } from "node:os";
import { createScratchDatabase } from "../../db/testing/scratchDatabase.js";
import { createTokenService } from "../../src/http/auth.js";
import { sloFor } from "../../src/http/slo.js";
import { startBenchServer } from "./benchServer.js";
import { z } from "zod";
import type { HeapReading } from "./heapMeter.js";
import { openLoop, type OpenLoopRequest } from "./openLoop.js";
import { backendCpu, backendCpuDelta, cpuSecondsOf } from "./procCpu.js";

const env = (k: string): string | undefined => (process.env[k] === undefined || process.env[k] === "" ? undefined : process.env[k]);
const num = (k: string, d: number): number => Number(env(k) ?? d);
const RATE = num("BENCH_RATE", 500);
const SECONDS = num("BENCH_SECONDS", 10);
const CONNECTIONS = num("BENCH_CONNECTIONS", 100);
const USERS = num("BENCH_USERS", 40);
const admin = env("DATABASE_URL") ?? "postgres://postgres@127.0.0.1:5432/postgres";
const JWT_SECRET = randomBytes(32).toString("hex");

interface User {
  readonly userId: string;
  readonly playerId: string;
  readonly token: string;
}

/** One endpoint of the mix: its route (for the SLO), its share, and how to make a request. */
interface Endpoint {
  readonly method: "get" | "post" | "put";
  readonly route: string;
  readonly weight: number;
  make(u: User, adminToken: string): OpenLoopRequest;
}

/** Shop cosmetics without an achievement gate (the seeded catalogue, docs/SEASON0.md). */
const SHOP = ["midnight_back", "royal_back", "silver_frame", "green_felt"] as const;

const json = (token: string, extra: Record<string, string> = {}): Record<string, string> => ({ authorization: `Bearer ${token}`, "content-type": "application/json", ...extra });

const MIX: readonly Endpoint[] = [
  { method: "get", route: "/api/currency", weight: 15, make: (u) => ({ method: "GET", path: "/api/currency", headers: json(u.token) }) },
  { method: "get", route: "/api/inventory", weight: 15, make: (u) => ({ method: "GET", path: "/api/inventory", headers: json(u.token) }) },
  { method: "get", route: "/api/waitlist/status", weight: 15, make: (u) => ({ method: "GET", path: "/api/waitlist/status", headers: json(u.token) }) },
  { method: "get", route: "/api/currency/:id/transactions", weight: 10, make: (u) => ({ method: "GET", path: `/api/currency/${u.playerId}/transactions?limit=20`, headers: json(u.token) }) },
  { method: "get", route: "/api/users/:id/preferences", weight: 10, make: (u) => ({ method: "GET", path: `/api/users/${u.userId}/preferences`, headers: json(u.token) }) },
  { method: "get", route: "/api/items", weight: 10, make: (u) => ({ method: "GET", path: "/api/items", headers: json(u.token) }) },
  {
    method: "post",
    route: "/api/currency/withdraw",
    weight: 8,
    make: (u) => ({ method: "POST", path: "/api/currency/withdraw", headers: json(u.token, { "idempotency-key": randomUUID() }), body: JSON.stringify({ currency: "coins", amount: 1 }) }),
  },
  {
    method: "post",
    route: "/api/currency/deposit",
    weight: 7,
    make: (u, a) => ({ method: "POST", path: "/api/currency/deposit", headers: json(a, { "idempotency-key": randomUUID() }), body: JSON.stringify({ playerId: u.playerId, currency: "coins", amount: 1 }) }),
  },
  {
    method: "put",
    route: "/api/users/:id/preferences",
    weight: 5,
    make: (u) => ({ method: "PUT", path: `/api/users/${u.userId}/preferences`, headers: json(u.token), body: JSON.stringify({ cardStyle: "modern", sound: false, locale: "en", colourBlindDeck: true }) }),
  },
  { method: "post", route: "/api/waitlist", weight: 5, make: (u) => ({ method: "POST", path: "/api/waitlist", headers: json(u.token) }) },
  // Season 0 part 2: achievements and cosmetics.
  { method: "get", route: "/api/achievements", weight: 5, make: (u) => ({ method: "GET", path: "/api/achievements", headers: json(u.token) }) },
  { method: "get", route: "/api/cosmetics", weight: 5, make: (u) => ({ method: "GET", path: "/api/cosmetics", headers: json(u.token) }) },
  {
    method: "post",
    route: "/api/cosmetics/unlock",
    weight: 4,
    // A shop cosmetic at random: the first unlock of each buys it (a ledger withdrawal), later ones find it owned.
    make: (u) => ({ method: "POST", path: "/api/cosmetics/unlock", headers: json(u.token), body: JSON.stringify({ cosmeticId: SHOP[Math.floor(Math.random() * SHOP.length)] }) }),
  },
  {
    method: "put",
    route: "/api/cosmetics/equipped",
    weight: 4,
    // Every user owns midnight_back (set-up): equip or empty the slot, a real change about half the time.
    make: (u) => ({ method: "PUT", path: "/api/cosmetics/equipped", headers: json(u.token), body: JSON.stringify({ card_back: Math.random() < 0.5 ? "midnight_back" : null }) }),
  },
];

function startServer(url: string): Promise<{ proc: ChildProcess; base: string }> {
  // Registration is not measured here: cheap hashes keep the set-up short.
  return startBenchServer(url, { JWT_SECRET, ACTION_TOKEN_SECRET: randomBytes(32).toString("hex"), PASSWORD_HASH: "scrypt", PASSWORD_SCRYPT_N: "1024" });
}

async function post(base: string, p: string, headers: Record<string, string>, body?: unknown): Promise<unknown> {
  const r = await fetch(base + p, { method: "POST", headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const j: unknown = await r.json();
  if (r.status >= 300) throw new Error(`${p} answered ${r.status}: ${JSON.stringify(j)}`);
  return j;
}

const get = (v: unknown, ...keys: string[]): unknown => keys.reduce<unknown>((o, k) => (typeof o === "object" && o !== null ? Reflect.get(o, k) : undefined), v);

async function setUp(base: string): Promise<{ users: User[]; adminToken: string }> {
  const users: User[] = [];
  for (let i = 0; i < USERS; i++) {
    const name = `season_${i}_${randomBytes(3).toString("hex")}`;
    const j = await post(base, "/api/users", { "content-type": "application/json" }, { username: name, email: `${name}@bench.example`, password: "bench password 123" });
    const token = get(j, "data", "accessToken");
    const userId = get(j, "data", "user", "id");
    const playerId = get(j, "data", "playerId");
    if (typeof token !== "string" || typeof userId !== "string" || typeof playerId !== "string") throw new Error("register answered no session");
    users.push({ token, userId, playerId });
  }
  const first = users[0];
  if (first === undefined) throw new Error("BENCH_USERS must be >= 1");
  const tokens = createTokenService({ secret: JWT_SECRET, accessTtlSeconds: 3600 });
  const adminToken = (await tokens.issueAccessToken({ userId: first.userId, playerId: first.playerId, role: "admin", kind: "user" })).accessToken;
  for (const u of users) {
    await post(base, "/api/currency/deposit", json(adminToken, { "idempotency-key": randomUUID() }), { playerId: u.playerId, currency: "coins", amount: 1_000_000 });
    await post(base, "/api/waitlist", json(u.token));
    await post(base, "/api/cosmetics/unlock", json(u.token), { cosmeticId: "midnight_back" });
  }
  return { users, adminToken };
}

const heapSchema = z.object({
  allocatedBytes: z.number(),
  scavenges: z.object({ count: z.number(), ms: z.number(), maxMs: z.number() }),
  others: z.object({ count: z.number(), ms: z.number(), maxMs: z.number() }),
});

/** The API process's heap figures since the previous call (heapMeter.ts). */
async function heapOf(base: string): Promise<HeapReading> {
  return heapSchema.parse(await (await fetch(`${base}/bench/heap`)).json());
}

/** BENCH_ALLOC_EACH=1: 200 requests of each endpoint, one at a time; heap allocated per request. */
async function allocationEach(base: string, users: readonly User[], adminToken: string): Promise<void> {
  const N = 200;
  console.log(`\n| endpoint | KiB allocated per request (API process, ${N} requests one at a time) |\n| --- | ---: |`);
  for (const e of MIX) {
    await heapOf(base);
    for (let i = 0; i < N; i++) {
      const u = users[i % users.length];
      if (u === undefined) continue;
      const r = e.make(u, adminToken);
      await (await fetch(base + r.path, { method: r.method, ...(r.headers === undefined ? {} : { headers: r.headers }), ...(r.body === undefined ? {} : { body: r.body }) })).arrayBuffer();
    }
    console.log(`| ${e.method.toUpperCase()} ${e.route} | ${((await heapOf(base)).allocatedBytes / N / 1024).toFixed(1)} |`);
  }
}

async function main(): Promise<void> {
  const scratch = await createScratchDatabase(admin, "pzo_bench_season");
  let server: ChildProcess | undefined;
  try {
    const started = await startServer(scratch.url);
    server = started.proc;
    const { users, adminToken } = await setUp(started.base);
    const total = MIX.reduce((s, e) => s + e.weight, 0);
    const slots: Endpoint[] = MIX.flatMap((e) => Array.from({ length: e.weight }, () => e));
    const tagOf = (e: Endpoint): string => `${e.method.toUpperCase()} ${e.route}`;
    const kindOf = (e: Endpoint): "read" | "write" => (e.method === "get" ? "read" : "write");
    const share = (k: "read" | "write"): string => {
      const parts = MIX.filter((e) => kindOf(e) === k);
      const w = parts.reduce((s, e) => s + e.weight, 0);
      return `${k}s ${Math.round((100 * w) / total)}% (${parts.map((e) => `${tagOf(e)} ${Math.round((100 * e.weight) / total)}%`).join(", ")})`;
    };
    // Warm-up: one second at the same rate (connections, plans, JIT), not reported.
    const run = (seconds: number) =>
      openLoop({
        url: started.base,
        connections: CONNECTIONS,
        rate: RATE,
        seconds,
        next: (i) => {
          const e = slots[(i * 7919) % total] ?? MIX[0];
          const u = users[i % users.length];
          if (e === undefined || u === undefined) throw new Error("empty mix");
          return { ...e.make(u, adminToken), tag: tagOf(e), group: kindOf(e) };
        },
      });
    await run(1);
    await fetch(`${started.base}/bench/event-loop`);
    await heapOf(started.base);
    const load0 = loadavg()[0] ?? 0;
    const cpu0 = { server: cpuSecondsOf(started.proc.pid), pg: await backendCpu(admin, scratch.name), client: process.cpuUsage() };
    const r = await run(SECONDS);
    const cpu1 = { server: cpuSecondsOf(started.proc.pid), pg: await backendCpu(admin, scratch.name), client: process.cpuUsage(cpu0.client) };
    const load1 = loadavg()[0] ?? 0;
    const loop: unknown = await (await fetch(`${started.base}/bench/event-loop`)).json();
    const heap = await heapOf(started.base);
    const perK = (s: number | null): string => (s === null ? "-" : `${((s * 1000) / Math.max(1, r.requests.total)).toFixed(2)} s`);
    console.log(`\nbench:season: ${RATE} req/s offered open-loop for ${SECONDS} s over ${CONNECTIONS} open connections, ${USERS} users, PostgreSQL (scratch db), one API process`);
    console.log(`machine: ${cpus().length} cores, load average ${load0.toFixed(2)} before, ${load1.toFixed(2)} after (shared: other work on the machine moves these figures)`);
    console.log(`mix: ${share("read")}; ${share("write")}; users taken round-robin, every write a fresh Idempotency-Key`);
    console.log(`answered ${r.requests.total} requests, non-2xx ${r.non2xx}, errors ${r.errors}, timeouts ${r.timeouts}; overall p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms`);
    console.log(
      `CPU per 1000 requests: API process ${perK(cpu0.server === null || cpu1.server === null ? null : cpu1.server - cpu0.server)}, PostgreSQL backends ${perK(backendCpuDelta(cpu0.pg, cpu1.pg))}, load generator ${perK((cpu1.client.user + cpu1.client.system) / 1e6)}; API event-loop delay p99 ${String(get(loop, "p99"))} ms, max ${String(get(loop, "max"))} ms\n`,
    );
    console.log(
      `API heap over the run: ${(heap.allocatedBytes / Math.max(1, r.requests.total) / 1024).toFixed(1)} KiB allocated per request; ` +
        `scavenges ${heap.scavenges.count} (${heap.scavenges.ms} ms in all, longest ${heap.scavenges.maxMs} ms), other collections ${heap.others.count} (${heap.others.ms} ms, longest ${heap.others.maxMs} ms)\n`,
    );
    console.log("| endpoint | kind | requests | p50 ms | p99 ms | SLO p99 | meets |");
    console.log("| --- | --- | ---: | ---: | ---: | ---: | --- |");
    for (const e of MIX) {
      const f = r.byTag[tagOf(e)];
      const slo = sloFor({ method: e.method, path: e.route }).p99Ms;
      const meets = f === undefined || slo === null ? "-" : f.p99 <= slo ? "yes" : "NO";
      console.log(`| ${tagOf(e)} | ${kindOf(e)} | ${f?.count ?? 0} | ${f?.p50 ?? "-"} | ${f?.p99 ?? "-"} | ${slo === null ? "none" : `${slo} ms`} | ${meets} |`);
    }
    for (const [k, target] of [["read", 10], ["write", 50]] as const) {
      const g = r.byGroup[k];
      console.log(`| all ${k}s | ${k} | ${g?.count ?? 0} | ${g?.p50 ?? "-"} | ${g?.p99 ?? "-"} | ${target} ms | ${g === undefined ? "-" : g.p99 <= target ? "yes" : "NO"} |`);
    }
    if (env("BENCH_ALLOC_EACH") === "1") await allocationEach(started.base, users, adminToken);
  } finally {
    const proc = server;
    if (proc !== undefined && proc.exitCode === null) {
      const exited = new Promise((r) => proc.once("exit", r));
      proc.kill("SIGTERM");
      await exited;
    }
    await scratch.drop();
  }
}

await main();
