/**
 * Runs what the Dockerfile runs, without Docker: a clean copy of the repository (its tracked
 * files), `npm ci`, `npm run build`, `npm ci --omit=dev`, then the image's start command
 * (`node scripts/start.mjs`, the same as `npm start`) with NODE_ENV=production on a free port,
 * and expects `/readyz` to answer 200 (the database is PGlite under DATA_DIR).
 *
 * Slow (a full install twice): one test, a generous timeout. `SKIP_DOCKER_STEPS=1` skips it
 * loudly for a quick local run.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const skip = process.env["SKIP_DOCKER_STEPS"] === "1";
if (skip) console.warn("[dockerSteps] SKIPPED: SKIP_DOCKER_STEPS=1");

/** PATH with the pinned Node first, so npm and the server run on Node 24 like the image. */
const env = { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env["PATH"] ?? ""}` };

function run(cmd: string, args: string[], cwd: string): void {
  const r = spawnSync(cmd, args, { cwd, env: { ...env, CI: "true" }, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${String(r.status)}):\n${r.stdout.slice(-4000)}\n${r.stderr.slice(-4000)}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      const port = typeof a === "object" && a !== null ? a.port : 0;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

describe.skipIf(skip)(skip ? "Dockerfile steps (SKIPPED: SKIP_DOCKER_STEPS=1)" : "Dockerfile steps", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "pzo-docker-"));
  let server: ChildProcess | undefined;
  afterAll(async () => {
    if (server !== undefined && server.exitCode === null) {
      const exited = new Promise((r) => server?.once("exit", r));
      server.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (server.exitCode === null) server.kill("SIGKILL");
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    "npm ci, build, npm ci --omit=dev, start: /readyz is 200",
    async () => {
      const files = spawnSync("git", ["ls-files", "-z"], { cwd: root, encoding: "utf8" }).stdout.split("\0").filter((f) => f !== "");
      expect(files).toContain("Dockerfile");
      const app = path.join(dir, "app");
      for (const f of files) {
        // A tracked file deleted in the working tree (a move in progress) is not copied.
        if (!existsSync(path.join(root, f))) continue;
        mkdirSync(path.dirname(path.join(app, f)), { recursive: true });
        cpSync(path.join(root, f), path.join(app, f));
      }
      run("npm", ["ci", "--no-audit", "--no-fund"], app);
      run("npm", ["run", "build"], app);
      run("npm", ["ci", "--omit=dev", "--no-audit", "--no-fund"], app);

      const port = await freePort();
      let output = "";
      server = spawn(process.execPath, ["scripts/start.mjs"], {
        cwd: app,
        env: {
          ...env,
          NODE_ENV: "production",
          HOST: "127.0.0.1",
          PORT: String(port),
          DATA_DIR: path.join(dir, "data"),
          JWT_SECRET: "docker-steps-secret-docker-steps-secret-0123",
          DATABASE_URL: "",
          REDIS_URL: "",
          LOG_LEVEL: "info",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      server.stdout?.on("data", (d: Buffer) => (output += d.toString()));
      server.stderr?.on("data", (d: Buffer) => (output += d.toString()));

      let status = 0;
      const deadline = Date.now() + 90_000;
      while (Date.now() < deadline && server.exitCode === null) {
        try {
          status = (await fetch(`http://127.0.0.1:${port}/readyz`)).status;
          if (status === 200) break;
        } catch {
          // not listening yet
        }
        await new Promise((r) => setTimeout(r, 500));
      }
      if (status !== 200) throw new Error(`/readyz answered ${status}; server output:\n${output.slice(-6000)}`);
      expect(status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    },
    20 * 60_000,
  );
});
