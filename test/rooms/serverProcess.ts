/**
 * Runs the real server entry (`src/app/main.ts`) as a child process with the pinned Node 24, for
 * the crash-restore and scale-out tests. Ports are free ports picked at run time.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const NODE = path.join(root, "node_modules", ".bin", "node");

/** A free TCP port on 127.0.0.1 (the load harness's: one definition). */
export { freePort } from "../../loadtest/serverEnv.js";

/** A running server process. */
export interface ServerProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly url: string;
  readonly httpUrl: string;
  /** Everything it printed. */
  readonly output: () => string;
  /** SIGTERM and wait for exit. */
  stop(): Promise<number | null>;
  /** SIGKILL and wait for exit. */
  kill(): Promise<void>;
}

/** The process environment less the service URLs, which a caller passes explicitly. */
function inheritedEnv(): NodeJS.ProcessEnv {
  const { DATABASE_URL: _db, REDIS_URL: _redis, REDIS_PREFIX: _prefix, ...rest } = process.env;
  return rest;
}

/** Starts `src/app/main.ts` with `env` on `port`; resolves once it listens. */
export async function startServerProcess(port: number, env: Readonly<Record<string, string>>, timeoutMs = 60_000): Promise<ServerProcess> {
  const child = spawn(NODE, ["--import", "tsx", path.join(root, "src", "app", "main.ts")], {
    cwd: root,
    // The test's own DATABASE_URL / REDIS_URL are admin connections: a child server gets only the
    // database and Redis prefix its caller made for it, never the inherited ones.
    env: { ...inheritedEnv(), NODE_ENV: "test", HOST: "127.0.0.1", PORT: String(port), LOG_LEVEL: "info", TRANSPORT: "ws", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      // The child's error-level lines go to the test's stderr, so a failure shows its cause.
      const errors = out.split("\n").filter((line) => /"level":(50|60)/.test(line));
      if (errors.length > 0) console.error(`server on port ${port} logged ${errors.length} error line(s):\n${errors.slice(0, 20).join("\n")}`);
      resolve(code);
    }),
  );
  const deadline = Date.now() + timeoutMs;
  while (!out.includes("PZO listening")) {
    if (child.exitCode !== null) throw new Error(`server exited early (${child.exitCode}):\n${out}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`server did not start in ${timeoutMs} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  // Restore runs right after listening; give it a moment to finish (it logs when it did).
  return {
    child,
    port,
    url: `ws://127.0.0.1:${port}`,
    httpUrl: `http://127.0.0.1:${port}`,
    output: () => out,
    async stop() {
      child.kill("SIGTERM");
      return exited;
    },
    async kill() {
      child.kill("SIGKILL");
      await exited;
    },
  };
}
