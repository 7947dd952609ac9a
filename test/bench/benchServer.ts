/**
 * Starts the HTTP bench server (test/bench/httpServer.ts) in its own process, as `npm run
 * bench:http` and `npm run bench:season` measure it: production mode on a free port, warn-level
 * logs, no Redis, every rate limit far out of reach, plus the bench's own settings. It runs
 * with the production server's Node flags on PostgreSQL (src/platform/nodeFlags.ts, what `npm start` gives it);
 * extra Node flags (for example `--cpu-prof --cpu-prof-dir=DIR`) come from `BENCH_SERVER_ARGS`,
 * after them (a flag given twice: the later wins). Resolves once it prints `READY <port>`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { SERVER_NODE_FLAGS } from "../../src/platform/nodeFlags.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const SERVER_ARGS = (process.env["BENCH_SERVER_ARGS"] ?? "").split(" ").filter((s) => s !== "");

/** A limit no bench reaches (`points/seconds`). */
const UNREACHABLE = "100000000/60";

export function startBenchServer(databaseUrl: string, env: Readonly<Record<string, string>>): Promise<{ proc: ChildProcess; base: string }> {
  const proc = spawn(process.execPath, [...SERVER_NODE_FLAGS.postgres, ...SERVER_ARGS, "--import", "tsx", path.join(root, "test/bench/httpServer.ts")], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      PORT: "0",
      LOG_LEVEL: "warn",
      DATABASE_URL: databaseUrl,
      REDIS_URL: "",
      ...Object.fromEntries(["AUTH", "READ", "WRITE", "ADMIN", "SCORES", "SYSTEM"].map((k) => [`RATE_LIMIT_${k}`, UNREACHABLE])),
      ...env,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    proc.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /READY (\d+)/.exec(out);
      if (m !== null) resolve({ proc, base: `http://127.0.0.1:${m[1] ?? ""}` });
    });
    proc.once("exit", (code) => reject(new Error(`bench server exited (${String(code)}): ${out}`)));
  });
}
