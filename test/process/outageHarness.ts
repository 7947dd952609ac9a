/**
 * What the outage tests (issue 19) share: a private redis-server or PostgreSQL cluster on a random
 * port that the test alone starts and stops (never the shared services), tables of SDK bot clients
 * playing games back to back, a REST reader timing its requests, and percentiles.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chownSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { guestLogin, startBotClient, type BotOutcome } from "../../src/bots/client.js";
import { smartPolicy } from "../../src/bots/policy.js";
import { freePort } from "../rooms/serverProcess.js";

/** A private redis-server (no persistence: a restart comes back empty). */
export interface PrivateRedis {
  readonly port: number;
  readonly url: string;
  /** Starts it (again), empty; resolves once it answers. */
  start(): Promise<void>;
  /** SIGKILL and wait: the outage. */
  stop(): Promise<void>;
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number, stepMs = 50): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  throw new Error(`timed out waiting until ${what}`);
}

export { until };

/** A redis-server of this test's own, on a random port. */
export async function privateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), "pzo-redis-"));
  let child: ChildProcess | null = null;
  const ping = (): boolean => spawnSync("redis-cli", ["-p", String(port), "ping"], { encoding: "utf8" }).stdout.trim() === "PONG";
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], { stdio: "ignore" });
      await until(`redis on ${port} answers`, ping, 10_000);
    },
    async stop() {
      const c = child;
      if (c === null || c.exitCode !== null) return;
      const exited = new Promise((r) => c.once("exit", r));
      c.kill("SIGKILL");
      await exited;
      child = null;
    },
  };
}

/** Removes a private redis's leftovers (call after stop). */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A private PostgreSQL cluster (initdb as the `postgres` user into a temp folder). */
export interface PrivatePostgres {
  readonly port: number;
  readonly url: string;
  start(): Promise<void>;
  /** `pg_ctl stop -m fast`: every connection is cut, new ones are refused. */
  stop(): Promise<void>;
  /** Stops it and removes its folder. */
  destroy(): Promise<void>;
}

function asPostgres(args: readonly string[]): { status: number | null; out: string } {
  const r = spawnSync("runuser", ["-u", "postgres", "--", ...args], { encoding: "utf8" });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** A PostgreSQL cluster of this test's own, on a random port. */
export async function privatePostgres(): Promise<PrivatePostgres> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), "pzo-pg-"));
  const data = path.join(dir, "data");
  const pg = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
  const uid = Number(pg.stdout.trim());
  const gid = Number(spawnSync("id", ["-g", "postgres"], { encoding: "utf8" }).stdout.trim());
  chownSync(dir, uid, gid);
  const init = asPostgres(["initdb", "-D", data, "-A", "trust", "-U", "postgres", "--no-sync"]);
  if (init.status !== 0) throw new Error(`initdb failed:\n${init.out}`);
  const ctl = (args: readonly string[]): void => {
    const r = asPostgres(["pg_ctl", "-D", data, ...args]);
    if (r.status !== 0) throw new Error(`pg_ctl ${args.join(" ")} failed:\n${r.out}`);
  };
  let running = false;
  const stop = (): Promise<void> => {
    ctl(["-w", "-m", "fast", "stop"]);
    running = false;
    return Promise.resolve();
  };
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start() {
      ctl(["-w", "-l", path.join(dir, "log"), "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, "start"]);
      running = true;
      return Promise.resolve();
    },
    stop,
    async destroy() {
      if (running) await stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Percentile `p` (0-100) of `values` (nearest rank); NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

/** One timed request of the reader. */
export interface TimedRead {
  readonly path: string;
  readonly at: number;
  readonly ms: number;
  readonly status: number;
  readonly retryAfter: string | null;
  readonly code: string | null;
}

/** Reads `paths` in a loop (`loops` at a time) until stopped; every request timed. */
export function startReader(httpUrl: string, paths: () => readonly string[], loops = 2, timeoutMs = 10_000): { readonly samples: TimedRead[]; stop(): Promise<void> } {
  const samples: TimedRead[] = [];
  let stopped = false;
  const loop = async (offset: number): Promise<void> => {
    for (let i = offset; !stopped; i++) {
      const list = paths();
      const p = list[i % list.length] ?? "/healthz";
      const t0 = performance.now();
      try {
        const response = await fetch(`${httpUrl}${p}`, { signal: AbortSignal.timeout(timeoutMs) });
        const text = await response.text();
        const code = /"code":"([^"]+)"/.exec(text)?.[1] ?? null;
        samples.push({ path: p, at: Date.now(), ms: performance.now() - t0, status: response.status, retryAfter: response.headers.get("retry-after"), code });
      } catch {
        samples.push({ path: p, at: Date.now(), ms: performance.now() - t0, status: 0, retryAfter: null, code: null });
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const running = Array.from({ length: loops }, (_, i) => loop(i));
  return {
    samples,
    async stop() {
      stopped = true;
      await Promise.all(running);
    },
  };
}

/** A move's round trip, stamped with when it was seen. */
export interface StampedMove {
  readonly at: number;
  readonly ms: number;
}

/** Tables of SDK bot clients playing games back to back. */
export interface TablePlay {
  readonly moves: StampedMove[];
  readonly outcomes: BotOutcome[];
  readonly errors: unknown[];
  /** Every completed game: its id and when its last bot saw it end. */
  readonly completedAt: Map<string, number>;
  readonly playerIds: string[];
  /** Every `notice` a bot client got (code, when). */
  readonly notices: { readonly at: number; readonly code: string }[];
  /** Every refused move's reason code. */
  readonly refusals: { readonly at: number; readonly code: string }[];
  /** Starts no new game; resolves once every game in progress ended. */
  finish(): Promise<void>;
}

/**
 * `tables` tables of `seats` guest bot clients each (ranked guests: their games reach the
 * ladder), each table playing games back to back until {@link TablePlay.finish}. With
 * `serverBots`, each table has that many server bots among its seats.
 */
export async function playTables(options: {
  readonly httpUrl: string;
  readonly wsUrl: string;
  readonly tables: number;
  readonly seats: number;
  readonly moveDelayMs: number;
  readonly serverBots?: number;
  readonly name: string;
  /** Play one game per table instead of games back to back. */
  readonly once?: boolean;
}): Promise<TablePlay> {
  const moves: StampedMove[] = [];
  const outcomes: BotOutcome[] = [];
  const errors: unknown[] = [];
  const completedAt = new Map<string, number>();
  const notices: { at: number; code: string }[] = [];
  const refusals: { at: number; code: string }[] = [];
  const listen = (bot: { readonly room: { onMessage(type: string, cb: (message: unknown) => void): unknown } }): void => {
    bot.room.onMessage("notice", (message: unknown) => notices.push({ at: Date.now(), code: codeOf(message) }));
    bot.room.onMessage("result", (message: unknown) => {
      if (typeof message === "object" && message !== null && "ok" in message && message.ok === false) refusals.push({ at: Date.now(), code: codeOf(message) });
    });
  };
  const humans = options.seats - (options.serverBots ?? 0);
  const accounts = await Promise.all(Array.from({ length: options.tables * humans }, (_, i) => guestLogin(options.httpUrl, `${options.name}${i}`)));
  let stopping = false;
  const common = {
    endpoint: options.wsUrl,
    policy: smartPolicy,
    moveDelayMs: options.moveDelayMs,
    reconnect: true,
    onMove: (s: { roundTripMs: number }) => moves.push({ at: Date.now(), ms: s.roundTripMs }),
    onError: (e: unknown) => errors.push({ at: Date.now(), error: e instanceof Error ? e.message : String(e) }),
  } as const;
  const playOne = async (table: number): Promise<void> => {
    const mine = accounts.slice(table * humans, (table + 1) * humans);
    const [first, ...rest] = mine;
    if (first === undefined) return;
    const creator = await startBotClient({ ...common, token: first.token, target: { kind: "create", options: { seats: options.seats, turnSeconds: 600, isPublic: false, bots: options.serverBots ?? 0 } } });
    listen(creator);
    const invite = await creator.invite;
    const others = await Promise.all(rest.map((a) => startBotClient({ ...common, token: a.token, target: { kind: "join", roomId: creator.room.roomId, seat: null, ...(invite === null ? {} : { invite }) } })));
    others.forEach(listen);
    const results = await Promise.all([creator, ...others].map((b) => b.done));
    outcomes.push(...results);
    const gameId = results[0]?.gameId ?? creator.room.roomId;
    if (results.every((r) => r.completed)) completedAt.set(gameId, Date.now());
    await Promise.all([creator, ...others].map((b) => b.leave()));
  };
  const loops = Array.from({ length: options.tables }, async (_, table) => {
    while (!stopping) {
      try {
        await playOne(table);
        if (options.once === true) return;
      } catch (err) {
        errors.push(err);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  });
  return {
    moves,
    outcomes,
    errors,
    completedAt,
    notices,
    refusals,
    playerIds: accounts.map((a) => a.playerId),
    async finish() {
      stopping = true;
      await Promise.all(loops);
    },
  };
}

function codeOf(message: unknown): string {
  return typeof message === "object" && message !== null && "code" in message && typeof message.code === "string" ? message.code : "?";
}

/** `p50 / p99 (n)` of `values`, for the printed figures. */
export function figures(values: readonly number[]): string {
  return `p50 ${percentile(values, 50).toFixed(1)} ms, p99 ${percentile(values, 99).toFixed(1)} ms, max ${values.length === 0 ? "NaN" : Math.max(...values).toFixed(1)} ms (n=${values.length})`;
}
