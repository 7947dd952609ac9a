/**
 * The embedded database process (started by db/embedded.ts, never by hand): PGlite in a data
 * directory, served over the PostgreSQL wire protocol (db/embeddedWire.ts) on a unix
 * socket beside the directory (or a loopback port when that path is too long), so the server
 * speaks to it with postgres.js exactly as it speaks to PostgreSQL, and PGlite's WASM runs off
 * the server's game thread.
 *
 * `node embeddedServer.js init DIR` creates the cluster in DIR and exits (initdb's memory peak
 * then never counts against the serving process); `node embeddedServer.js serve DIR SOCKET`
 * serves it (db/embeddedWire.ts). It talks to its parent over the IPC channel: `{ type: "ready", path | port }` once
 * it listens, `{ type: "stop" }` from the parent to close. When the channel closes (the parent
 * exited or was killed) it closes PGlite and exits: it never outlives the server. SIGINT and
 * SIGTERM are ignored (a terminal's Ctrl-C reaches the whole process group; the server drains
 * first, then stops this process itself).
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { serveWire } from "./embeddedWire.js";
import { lockFileOf, type EmbeddedMessage } from "./embedded.js";

/**
 * PostgreSQL settings for a small embedded database (appended to PGlite's own start
 * parameters): 16 MB of shared buffers instead of 128 MB, small sort and temp buffers. The
 * working set of a PZO server (live tables' recent events, player rows, ladder rows) fits.
 */
const EMBEDDED_SETTINGS: readonly string[] = ["shared_buffers=16MB", "work_mem=2MB", "temp_buffers=2MB", "maintenance_work_mem=16MB"];

function send(message: EmbeddedMessage): void {
  process.send?.(message);
}

async function open(dir: string): Promise<PGlite> {
  return PGlite.create(dir, { startParams: [...PGlite.defaultStartParams, ...EMBEDDED_SETTINGS.flatMap((s) => ["-c", s])] });
}

/**
 * Whether `pid` is a live embedded database process. A pid file left by a machine or container
 * restart may name a process that has nothing to do with us: where /proc exists, its command line
 * must name this entry.
 */
function holdsDirectory(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("embeddedServer");
  } catch {
    return !existsSync("/proc/self");
  }
}

/**
 * Takes the directory for this process: waits (up to 30 s) for an earlier serving process that
 * is still closing (a server killed with SIGKILL and restarted at once), then writes our pid.
 */
async function takeLock(dir: string): Promise<void> {
  const file = lockFileOf(dir);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const held = existsSync(file) ? Number(readFileSync(file, "utf8").trim()) : Number.NaN;
    if (!Number.isInteger(held) || held === process.pid || !holdsDirectory(held)) break;
    if (Date.now() > deadline) throw new Error(`the embedded database in ${dir} is in use by process ${held}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  writeFileSync(file, String(process.pid));
}

async function serve(dir: string, socketPath: string | undefined): Promise<void> {
  await takeLock(dir);
  const db = await open(dir);
  if (socketPath !== undefined) rmSync(socketPath, { force: true });
  const server = await serveWire(db, socketPath);
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await server.close().catch(() => undefined);
      await db.close().catch(() => undefined);
      if (socketPath !== undefined) rmSync(socketPath, { force: true });
      const file = lockFileOf(dir);
      if (existsSync(file) && readFileSync(file, "utf8").trim() === String(process.pid)) rmSync(file, { force: true });
      process.exit(0);
    })());
  process.on("message", (m: unknown) => {
    if (typeof m === "object" && m !== null && (m as { type?: unknown }).type === "stop") void stop();
  });
  process.on("disconnect", () => void stop());
  if (!process.connected) void stop();
  send({ type: "ready", ...server.address });
}

async function main(): Promise<void> {
  process.on("SIGINT", () => undefined);
  process.on("SIGTERM", () => undefined);
  const [mode, dir, socketPath] = process.argv.slice(2);
  if (dir === undefined || (mode !== "init" && mode !== "serve")) throw new Error("usage: embeddedServer (init DIR | serve DIR [SOCKET])");
  if (mode === "init") {
    const db = await open(dir);
    await db.close();
    process.exit(0);
  }
  await serve(dir, socketPath === "" ? undefined : socketPath);
}

main().catch((err: unknown) => {
  send({ type: "failed", reason: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});
