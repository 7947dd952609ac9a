/**
 * The embedded database as a child process: PGlite served over the PostgreSQL wire protocol
 * (db/embeddedServer.ts), started and stopped by the server. The server speaks to it through
 * postgres.js, the same driver as for PostgreSQL, so PGlite's WASM (and its memory) lives in
 * its own process, off the game thread.
 *
 * - A fresh directory is created by a short-lived `init` process first (initdb's memory peak
 *   never counts against the serving process).
 * - The serving process listens on a unix socket beside the directory (`DIR.sock`), or on a
 *   free loopback port when that path is too long for a socket.
 * - It runs V8's baseline WASM compiler only (`--liftoff-only`): the optimizing tier's compile
 *   of PGlite's 9 MB module costs about 450 MB of transient memory, for about 10% faster queries.
 * - It stops when told (after the server has flushed its log) and by itself when the server's
 *   process is gone (its IPC channel closes), so a crashed server leaves no orphan; a new one
 *   waits for the old one to finish closing (a lock file `DIR.pid`).
 */
import { fork, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** Messages the database process sends its parent. */
export type EmbeddedMessage = { readonly type: "ready"; readonly path?: string; readonly port?: number } | { readonly type: "failed"; readonly reason: string };

/** The lock file beside the data directory: the pid of the process serving it. */
export function lockFileOf(dir: string): string {
  return `${dir.replace(/\/+$/, "")}.pid`;
}

/** Where postgres.js reaches the embedded database. */
export type EmbeddedAddress = { readonly kind: "socket"; readonly path: string } | { readonly kind: "tcp"; readonly host: string; readonly port: number };

/** A running embedded database process. */
export interface EmbeddedDatabase {
  readonly pid: number;
  readonly address: EmbeddedAddress;
  /** One line for the log: where it listens and which process it is. */
  readonly description: string;
  /** Resolves with the exit code when the process ends (for whatever reason). */
  readonly exited: Promise<number | null>;
  /** Asks the process to close PGlite and exit; SIGKILL after `timeoutMs`. Idempotent. */
  stop(timeoutMs?: number): Promise<void>;
}

/** Unix socket paths longer than this fall back to a loopback port (sun_path is 108 bytes on Linux). */
const MAX_SOCKET_PATH = 100;

/** How long a start may take (an `init` of a fresh directory takes a few seconds). */
const START_TIMEOUT_MS = 90_000;

/**
 * V8 flags of the database process: the baseline WASM compiler only (see the module comment) and
 * a small young generation (its JavaScript only moves protocol bytes: about 20 MB less).
 */
const CHILD_FLAGS = ["--liftoff-only", "--max-semi-space-size=2"];

/** The child's entry beside this module: `.ts` when running from source, `.js` when compiled. */
function childEntry(): { readonly file: string; readonly execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith(".ts")) {
    return { file: path.join(path.dirname(here), "embeddedServer.ts"), execArgv: ["--import", import.meta.resolve("tsx"), ...CHILD_FLAGS] };
  }
  return { file: path.join(path.dirname(here), "embeddedServer.js"), execArgv: [...CHILD_FLAGS] };
}

function isMessage(value: unknown): value is EmbeddedMessage {
  return typeof value === "object" && value !== null && ((value as { type?: unknown }).type === "ready" || (value as { type?: unknown }).type === "failed");
}

function spawnChild(args: readonly string[]): ChildProcess {
  const entry = childEntry();
  // stdout/stderr are the server's (PGlite's own messages); the IPC channel carries ready/stop.
  return fork(entry.file, [...args], { execArgv: entry.execArgv, stdio: ["ignore", "inherit", "inherit", "ipc"], serialization: "json" });
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once("exit", (code) => resolve(code));
  });
}

/** Creates the cluster in `dir` in a process of its own (first start only). */
async function initialise(dir: string): Promise<void> {
  const child = spawnChild(["init", dir]);
  let reason = "";
  child.on("message", (m: unknown) => {
    if (isMessage(m) && m.type === "failed") reason = m.reason;
  });
  const code = await exitOf(child);
  if (code !== 0) throw new Error(`the embedded database could not be created in ${dir}${reason === "" ? ` (exit ${String(code)})` : `: ${reason}`}`);
}

/** Starts the embedded database process for `dir` (created when missing) and waits until it listens. */
export async function startEmbeddedDatabase(dir: string): Promise<EmbeddedDatabase> {
  const absolute = path.resolve(dir);
  if (!existsSync(absolute)) mkdirSync(absolute, { recursive: true });
  if (!existsSync(path.join(absolute, "PG_VERSION"))) await initialise(absolute);
  const socketPath = `${absolute}.sock`;
  const useSocket = Buffer.byteLength(socketPath) <= MAX_SOCKET_PATH && process.platform !== "win32";
  const child = spawnChild(["serve", absolute, useSocket ? socketPath : ""]);
  const exited = exitOf(child);
  const address = await new Promise<EmbeddedAddress>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the embedded database did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
    child.on("message", (m: unknown) => {
      if (!isMessage(m)) return;
      clearTimeout(timer);
      if (m.type === "failed") reject(new Error(`the embedded database did not start: ${m.reason}`));
      else if (m.path !== undefined) resolve({ kind: "socket", path: m.path });
      else resolve({ kind: "tcp", host: "127.0.0.1", port: m.port ?? 0 });
    });
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the embedded database process exited while starting (exit ${String(code)})`));
    });
  }).catch((err: unknown) => {
    child.kill("SIGKILL");
    throw err;
  });
  const pid = child.pid ?? 0;
  let stopped: Promise<void> | undefined;
  return {
    pid,
    address,
    description: `embedded PGlite in ${absolute}, process ${pid}, on ${address.kind === "socket" ? `unix socket ${address.path}` : `${address.host}:${address.port}`}`,
    exited,
    stop(timeoutMs = 15_000) {
      stopped ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        if (child.connected) child.send({ type: "stop" });
        const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
        await exited;
        clearTimeout(timer);
      })();
      return stopped;
    },
  };
}
