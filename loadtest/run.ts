/**
 * Load harness: `npm run loadtest -- --clients N --tables M [--url ws://host:port]`
 *
 * Runs N bot clients (the house policy, Colyseus SDK over real WebSockets, guest sessions from
 * the REST API) at M tables of N/M seats each, until every game completes. Without `--url` it
 * starts a server process itself (src/app/main.ts with the pinned Node; PGlite in a temporary
 * directory, or DATABASE_URL / REDIS_URL from the environment).
 *
 * Prints: connected clients, moves/s, move round trip (send -> the client's own state shows the
 * move) p50/p99, server CPU and RSS (from the server's `/stats`), and then checks every game's
 * log through `GET /api/games/:id/events`: gapless, completed, and holding every event a client
 * was shown.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { z } from "zod";
import { smartPolicy } from "../src/bots/policy.js";
import { guestLogin, httpBaseOf, startBotClient, type BotHandle, type BotOutcome } from "../src/bots/client.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const argsSchema = z.object({
  clients: z.coerce.number().int().min(3).max(20_000).default(100),
  tables: z.coerce.number().int().min(1).optional(),
  url: z.string().url().optional(),
  "turn-seconds": z.coerce.number().min(1).max(600).default(30),
  "max-seconds": z.coerce.number().min(5).max(3600).default(600),
});

const statsSchema = z.object({ cpuUserMicros: z.number(), cpuSystemMicros: z.number(), rssBytes: z.number(), clients: z.number(), rooms: z.number() });
type Stats = z.infer<typeof statsSchema>;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const a = srv.address();
      const port = a !== null && typeof a === "object" ? a.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function startServer(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(path.join(root, "node_modules", ".bin", "node"), ["--import", "tsx", path.join(root, "src", "app", "main.ts")], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      JWT_SECRET: process.env["JWT_SECRET"] ?? "loadtest-secret-loadtest-secret-0123456789",
      HOST: "127.0.0.1",
      PORT: String(port),
      DATA_DIR: mkdtempSync(path.join(tmpdir(), "pzo-load-")),
      LOG_LEVEL: "warn",
      BOT_MOVE_DELAY_MS: "0",
      RESTORE_GAMES: "false",
      RATE_LIMIT_AUTH: "1000000/60",
      RATE_LIMIT_READ: "1000000/60",
      SERVE_CLIENT: "false",
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let err = "";
  child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited: ${err}`);
    if (Date.now() > deadline) throw new Error(`server did not start: ${err}`);
    const ok = await fetch(`${url}/stats`).then((r) => r.ok, () => false);
    if (ok) return { url: `ws://127.0.0.1:${port}`, child };
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function serverStats(http: string): Promise<Stats | null> {
  try {
    return statsSchema.parse(await (await fetch(`${http}/stats`)).json());
  } catch {
    return null;
  }
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** Runs `tasks` with at most `limit` in flight. */
async function pool<T>(count: number, limit: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, count) }, async () => {
      while (next < count) {
        const i = next++;
        out[i] = await task(i);
      }
    }),
  );
  return out;
}

const eventLineSchema = z.object({ index: z.number().int(), event: z.object({ type: z.string() }) });

/** Checks one finished game's log: gapless from 0, completed, and at least `seen` long. */
async function checkLog(http: string, gameId: string, seenCount: number): Promise<string | null> {
  const response = await fetch(`${http}/api/games/${gameId}/events`);
  if (!response.ok) return `HTTP ${response.status}`;
  const lines = (await response.text()).split("\n").filter((l) => l.length > 0);
  const events = lines.map((l) => eventLineSchema.parse(JSON.parse(l)));
  if (!events.every((e, i) => e.index === i)) return "gap in event indexes";
  if (events.at(-1)?.event.type !== "game_completed") return "not completed";
  if (events.length < seenCount) return `clients saw ${seenCount} events, log has ${events.length}`;
  return null;
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { clients: { type: "string" }, tables: { type: "string" }, url: { type: "string" }, "turn-seconds": { type: "string" }, "max-seconds": { type: "string" } } });
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) {
    console.error(`usage: npm run loadtest -- --clients N --tables M [--url ws://host:port]\n${z.prettifyError(parsed.error)}`);
    return 2;
  }
  const { clients } = parsed.data;
  const tables = parsed.data.tables ?? Math.floor(clients / 4);
  const seats = clients / tables;
  if (!Number.isInteger(seats) || seats < 3 || seats > 5) {
    console.error(`--clients / --tables must be a whole 3..5 seats per table (got ${seats})`);
    return 2;
  }

  const spawned = parsed.data.url === undefined ? await startServer() : null;
  const endpoint = parsed.data.url ?? spawned?.url ?? "";
  const http = httpBaseOf(endpoint);
  console.log(`load: ${clients} clients at ${tables} tables of ${seats} against ${endpoint}${spawned === null ? "" : " (server started by the harness)"}`);

  const accounts = await pool(clients, 50, (i) => guestLogin(http, `load-${i}`));
  const rtts: number[] = [];
  const seenMax = new Map<string, number>();
  const onMove = (s: { roundTripMs: number }): void => void rtts.push(s.roundTripMs);
  const handles: BotHandle[] = [];
  let connectFailures = 0;

  const before = await serverStats(http);
  const t0 = performance.now();
  let maxRss = before?.rssBytes ?? 0;
  let peakClients = 0;
  const sampler = setInterval(() => {
    void serverStats(http).then((s) => {
      if (s === null) return;
      maxRss = Math.max(maxRss, s.rssBytes);
      peakClients = Math.max(peakClients, s.clients);
    });
  }, 1000);

  await pool(tables, 20, async (t) => {
    const base = t * seats;
    const table = { gameId: "" };
    const watch = (m: unknown): void => {
      const parsedEvent = z.object({ index: z.number() }).safeParse(m);
      if (parsedEvent.success) seenMax.set(table.gameId, Math.max(seenMax.get(table.gameId) ?? -1, parsedEvent.data.index));
    };
    try {
      const first = await startBotClient({ endpoint, token: accounts[base]!.token, target: { kind: "create", options: { seats, turnSeconds: parsed.data["turn-seconds"], isPublic: false } }, policy: smartPolicy, onMove, onEvent: watch });
      handles.push(first);
      table.gameId = first.room.roomId;
      for (let s = 1; s < seats; s++) {
        try {
          handles.push(await startBotClient({ endpoint, token: accounts[base + s]!.token, target: { kind: "join", roomId: first.room.roomId, seat: null }, policy: smartPolicy, onMove, onEvent: watch }));
        } catch {
          connectFailures += 1;
        }
      }
    } catch {
      connectFailures += seats;
    }
  });
  const connected = handles.length;
  console.log(`connected clients: ${connected}/${clients} (server peak ${peakClients}; failures ${connectFailures})`);

  const timeout = new Promise<null>((r) => setTimeout(() => r(null), parsed.data["max-seconds"] * 1000));
  const outcomes = await Promise.race([Promise.all(handles.map((h) => h.done)), timeout]);
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  const after = await serverStats(http);

  const sorted = [...rtts].sort((a, b) => a - b);
  const moves = rtts.length;
  console.log(`moves: ${moves} in ${seconds.toFixed(1)} s = ${(moves / seconds).toFixed(0)} moves/s`);
  console.log(`move round trip (send -> own state): p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms, max ${(sorted.at(-1) ?? Number.NaN).toFixed(1)} ms`);
  if (before !== null && after !== null) {
    const cpuSeconds = (after.cpuUserMicros + after.cpuSystemMicros - before.cpuUserMicros - before.cpuSystemMicros) / 1e6;
    console.log(`server: CPU ${((cpuSeconds / seconds) * 100).toFixed(0)}% of one core on average, RSS max ${(Math.max(maxRss, after.rssBytes) / 1048576).toFixed(0)} MB`);
  }

  let lost = 0;
  let completed = 0;
  if (outcomes === null) console.log(`not every game finished within ${parsed.data["max-seconds"]} s`);
  const byGame = new Map<string, BotOutcome[]>();
  for (const o of outcomes ?? []) byGame.set(o.gameId, [...(byGame.get(o.gameId) ?? []), o]);
  for (const [gameId, list] of byGame) {
    if (!list.every((o) => o.completed)) continue;
    completed += 1;
    const problem = await checkLog(http, gameId, (seenMax.get(gameId) ?? -1) + 1);
    if (problem !== null) {
      lost += 1;
      console.log(`game ${gameId}: ${problem}`);
    }
  }
  console.log(`logs checked: ${completed} completed games, ${lost} with lost or missing events`);

  for (const h of handles) await h.leave();
  if (spawned !== null) {
    spawned.child.kill("SIGTERM");
    await new Promise((r) => spawned.child.once("exit", r));
  }
  return lost === 0 && outcomes !== null ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
