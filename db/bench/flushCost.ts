/**
 * What one event-log flush statement costs, by statement shape: client (this process) and
 * server (the backend, from /proc) CPU and wall time per flush, one connection, flushes one
 * after another, each its own commit. Shapes: the log's old unprepared `db.execute` of
 * `jsonb_to_recordset`, the log's prepared Drizzle `insert().select()` (what it uses now), and
 * raw postgres.js prepared statements with `jsonb_to_recordset` or `unnest` of four arrays.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres flock /tmp/pzo-bench.lock npx tsx db/bench/flushCost.ts
 *
 * Knobs: N (flushes per shape and size, default 1500), SIZES (rows per flush, default 1,6,150).
 * Needs a local server (it reads the backend's CPU from /proc). Creates and drops its own
 * scratch database.
 */
import { readFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { createDatabase, migrate } from "../client.js";
import { createScratchDatabase } from "../testing/scratchDatabase.js";
import { gameEvents } from "../schema/gameEvents.js";

const admin = process.env["DATABASE_URL"] ?? "";
const N = Number(process.env["N"] ?? 1500);
const SIZES = (process.env["SIZES"] ?? "1,6,150").split(",").map(Number);

function procCpu(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) / 100;
}

const payload = { _v: 1, round: 3, trick: 2, seat: 1, card: "TD", auto: false };

async function main(): Promise<void> {
  if (admin === "") throw new Error("flushCost needs DATABASE_URL (an admin connection to a local PostgreSQL)");
  const scratch = await createScratchDatabase(admin, "pzo_bench");
  const handle = await createDatabase({ url: scratch.url, maxConnections: 1 });
  const raw = postgres(scratch.url, { max: 1, onnotice: () => undefined });
  try {
    await migrate(handle);
    const ids = (await raw.unsafe<{ id: string }[]>(`insert into games (session_seed, seed_commitment, config, status) select 'x','y','{}','created' from generate_series(1,500) returning id`)).map((r) => r.id);
    const next = new Map<string, number>(ids.map((id) => [id, 0]));
    let gi = 0;
    const rowsOf = (k: number): { game_id: string; event_index: number; type: string; payload: Record<string, unknown> }[] => {
      const out = [];
      for (let i = 0; i < k; i++) {
        const id = ids[gi++ % ids.length] ?? "";
        const ix = next.get(id) ?? 0;
        next.set(id, ix + 1);
        out.push({ game_id: id, event_index: ix, type: "card_played", payload });
      }
      return out;
    };
    const cols = sql`"game_id", "event_index", "type", "payload"`;
    const jtr = `INSERT INTO game_events (game_id, event_index, type, payload) SELECT game_id, event_index, type, payload FROM jsonb_to_recordset($1::jsonb) AS x(game_id uuid, event_index integer, type text, payload jsonb)`;
    const un = `INSERT INTO game_events (game_id, event_index, type, payload) SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::jsonb[])`;
    const prepared = handle.db
      .insert(gameEvents)
      .select(sql`SELECT gen_random_uuid(), x.game_id, x.event_index, x.type, x.payload, now() FROM jsonb_to_recordset(${sql.placeholder("rows")}::jsonb) AS x(game_id uuid, event_index integer, type text, payload jsonb)`)
      .prepare("eventlog_flush");
    const variants: Record<string, (k: number) => Promise<unknown>> = {
      "drizzle execute, jsonb_to_recordset (unprepared)": (k) =>
        handle.db.execute(sql`INSERT INTO ${gameEvents} (${cols}) SELECT ${cols} FROM jsonb_to_recordset(${JSON.stringify(rowsOf(k))}::jsonb) AS x(game_id uuid, event_index integer, type text, payload jsonb)`),
      "drizzle insert-select prepared, jsonb_to_recordset": (k) => prepared.execute({ rows: JSON.stringify(rowsOf(k)) }),
      "postgres.js unsafe prepared, jsonb_to_recordset": (k) => raw.unsafe(jtr, [rowsOf(k)] as never, { prepare: true }),
      "postgres.js unsafe prepared, unnest arrays": (k) => {
        const r = rowsOf(k);
        return raw.unsafe(un, [r.map((x) => x.game_id), r.map((x) => x.event_index), r.map((x) => x.type), r.map((x) => x.payload)] as never, { prepare: true });
      },
    };
    const [{ pid: drizzlePid } = { pid: 0 }] = await handle.db.select({ pid: sql<number>`pg_backend_pid()`.mapWith(Number) }).from(sql`(select 1) as one`);
    const [{ pid: rawPid } = { pid: 0 }] = await raw.unsafe<{ pid: number }[]>(`select pg_backend_pid() as pid`);
    for (const k of SIZES) {
      for (const [name, run] of Object.entries(variants)) {
        const pid = name.startsWith("drizzle") ? drizzlePid : rawPid;
        for (let i = 0; i < 50; i++) await run(k);
        const s0 = procCpu(pid);
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        for (let i = 0; i < N; i++) await run(k);
        const wall = performance.now() - t0;
        const c = process.cpuUsage(c0);
        const s = procCpu(pid) - s0;
        const per = (x: number): string => ((x * 1e6) / N).toFixed(0).padStart(5);
        console.log(`k=${String(k).padStart(3)} ${name.padEnd(52)} per flush: node ${per((c.user + c.system) / 1e6)} µs, server ${per(s)} µs, wall ${per(wall / 1000)} µs`);
      }
    }
  } finally {
    await raw.end();
    await handle.close();
    await scratch.drop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
