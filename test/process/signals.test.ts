/**
 * `npm start`, `npm run db:migrate` and `npm run verify` stop when the pid a script or a service
 * manager holds (npm's own) gets SIGTERM or SIGINT: no process they started survives, and the
 * server's port is free again. Real processes: npm, the pinned Node, the compiled server.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../loadtest/serverEnv.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const dataDir = mkdtempSync(path.join(tmpdir(), "pzo-signals-"));

/** Every descendant pid of `pid` (children, grandchildren…), from `ps`. */
function descendants(pid: number): number[] {
  const out = spawnSync("ps", ["-e", "-o", "pid=,ppid="], { encoding: "utf8" }).stdout;
  const pairs = out
    .split("\n")
    .map((l) => l.trim().split(/\s+/).map(Number))
    .filter((p): p is [number, number] => p.length === 2 && Number.isInteger(p[0]) && Number.isInteger(p[1]));
  const found: number[] = [];
  const walk = (parent: number): void => {
    for (const [child, ppid] of pairs) {
      if (ppid === parent) {
        found.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return found;
}

/** A process's command line ("node scripts/start.mjs …", "sh -c node …"). */
function argsOf(pid: number): string {
  return spawnSync("ps", ["-o", "args=", "-p", String(pid)], { encoding: "utf8" }).stdout.trim();
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const state = spawnSync("ps", ["-o", "stat=", "-p", String(pid)], { encoding: "utf8" }).stdout.trim();
    return state !== "" && !state.startsWith("Z");
  } catch {
    return false;
  }
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting until ${what}`);
}

function npm(args: string[], env: Record<string, string>): ChildProcess {
  return spawn("npm", args, { cwd: root, env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "pipe"] });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });
}

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "0.0.0.0", () => probe.close(() => resolve(true)));
  });
}

/** Sends `signal` to npm's pid only, then expects npm and everything under it to be gone. */
async function stopAndCheck(child: ChildProcess, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) throw new Error("npm did not start");
  const tree = descendants(pid);
  expect(tree.length).toBeGreaterThan(0);
  process.kill(pid, signal);
  await exited(child);
  await until(`every process under npm (${tree.join(", ")}) has exited`, () => tree.every((p) => !alive(p)), graceMs);
}

describe("npm scripts stop on a signal sent to npm's own pid", () => {
  beforeAll(() => {
    // The scripts build on their own when dist is stale; doing it first keeps the timing honest.
    const r = spawnSync(path.join(root, "node_modules", ".bin", "node"), ["scripts/build.mjs"], { cwd: root, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`build failed:\n${r.stdout}\n${r.stderr}`);
  }, 300_000);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`npm start: ${signal} stops the server and frees its port`, async () => {
      const port = await freePort();
      const child = npm(["start"], { PORT: String(port), HOST: "127.0.0.1", DATA_DIR: path.join(dataDir, signal), LOG_LEVEL: "warn", DATABASE_URL: "", REDIS_URL: "" });
      let output = "";
      child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
      child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
      await until(
        "the server answers /healthz",
        async () => {
          try {
            return (await fetch(`http://127.0.0.1:${port}/healthz`)).ok;
          } catch {
            return false;
          }
        },
        120_000,
      ).catch((e: unknown) => {
        throw new Error(`${String(e)}\n${output}`);
      });
      // The server's graceful shutdown (no games running) is well within this.
      await stopAndCheck(child, signal, 15_000);
      expect(await portFree(port)).toBe(true);
    }, 180_000);
  }

  it("npm run verify: SIGTERM stops it while it waits for standard input", async () => {
    const child = npm(["run", "verify", "--", "-"], {});
    // Wait until Node itself runs under npm (not just the shell npm starts it with): it then
    // blocks reading stdin, which this test keeps open.
    await until("node runs verify", () => child.pid !== undefined && descendants(child.pid).some((p) => /^\S*node scripts\/start\.mjs/.test(argsOf(p))), 30_000);
    await stopAndCheck(child, "SIGTERM", 5_000);
  }, 60_000);

  describe("npm run db:migrate", () => {
    // A "database" that accepts connections and never answers: the migration hangs in connect.
    let silent: Server;
    const sockets: Socket[] = [];
    let port = 0;
    beforeAll(async () => {
      silent = createServer((s) => sockets.push(s));
      await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
      const address = silent.address();
      port = typeof address === "object" && address !== null ? address.port : 0;
    });
    afterAll(async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    });

    it("SIGINT stops it while it waits for the database", async () => {
      const child = npm(["run", "db:migrate"], { DATABASE_URL: `postgres://nobody@127.0.0.1:${port}/none` });
      await until("the migration connected", () => sockets.length > 0, 30_000);
      // Well before postgres.js's own 30 s connect timeout would end it anyway.
      await stopAndCheck(child, "SIGINT", 5_000);
    }, 60_000);
  });
});
