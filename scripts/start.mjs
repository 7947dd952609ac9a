// Process entry for `npm start` (and `npm run db:migrate`, `npm run verify`). The npm scripts
// `exec` it, so no shell sits between npm and this process: the SIGTERM/SIGINT npm forwards to
// the pid it started reaches the server itself (src/app/main.ts shuts down on it). Plain
// JavaScript so that it parses on any Node, checks the runtime first, builds the server when the
// build is missing or stale (and a compiler is installed), then runs the compiled server.
import { existsSync, statSync, readdirSync } from "node:fs";
import { spawn } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import path from "node:path";

const MIN_NODE_MAJOR = 22;
const major = Number(process.versions.node.split(".")[0]);
if (major < MIN_NODE_MAJOR) {
  console.error(`PZO needs Node.js >= ${MIN_NODE_MAJOR} (Colyseus 0.18); this is ${process.version}. Run it through npm scripts, which use the pinned Node 24.`);
  process.exit(1);
}

// The server's V8 young generation is sized for its backend, not left to V8 (which sizes it from
// the machine's memory). On the embedded default (no DATABASE_URL) it runs lean: semi-spaces
// capped at 8 MB (with V8's default it grew by about 120 MB during start-up's garbage and stayed
// committed), which halves the server's resident memory for a little more scavenging
// (docs/OPERATIONS.md, "Embedded database"). On PostgreSQL it gets 64 MB semi-spaces: every
// scavenge stops the event loop, and fewer of them cut the HTTP reads' p99 tail
// (docs/OPERATIONS.md, "Node flags"). These lists are SERVER_NODE_FLAGS in
// src/platform/nodeFlags.ts (a test checks they match), which the benches and the load harness
// start their servers with. V8 takes these flags only at start, so the process replaces itself
// (execve: same pid, so the signals a service manager sends still reach the server) once, unless
// a --max-semi-space-size is given already (node's arguments or NODE_OPTIONS). Other modules
// (db:migrate, verify…) run as they are.
const SERVER_FLAGS = { embedded: ["--max-semi-space-size=8"], postgres: ["--max-semi-space-size=64"] };
const givenFlags = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)];
const runsServer = process.argv[2] === undefined || process.argv[2].startsWith("-");
if (runsServer && !givenFlags.some((f) => f.startsWith("--max-semi-space-size")) && typeof process.execve === "function") {
  const flags = (process.env.DATABASE_URL ?? "") === "" ? SERVER_FLAGS.embedded : SERVER_FLAGS.postgres;
  process.execve(process.execPath, [process.execPath, ...flags, ...process.execArgv, ...process.argv.slice(1)], process.env);
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
// `node scripts/start.mjs [module]` runs a compiled module; the default is the server entry.
// The module argument is taken out of process.argv, so the module sees only its own arguments.
const moduleArg = process.argv[2] !== undefined && !process.argv[2].startsWith("-") ? process.argv.splice(2, 1)[0] : undefined;
const entry = path.join(root, "dist", `${moduleArg ?? "src/app/main"}.js`);

/** Newest modification time of any .ts file below the given folders. */
function newestSource(dirs) {
  let newest = 0;
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".ts")) newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  for (const d of dirs) walk(path.join(root, d));
  return newest;
}

const compilerInstalled = existsSync(path.join(root, "node_modules", "typescript"));
const stale = !existsSync(entry) || (compilerInstalled && newestSource(["src", "rooms", "db"]) > statSync(entry).mtimeMs);
if (stale) {
  if (!compilerInstalled) {
    console.error("PZO is not built and TypeScript is not installed: run `npm run build` where dev dependencies are present.");
    process.exit(1);
  }
  // The build runs in its own process group, and a SIGTERM/SIGINT that reaches this process
  // (npm forwards them to the pid it started) stops the whole group, compiler included, then
  // this process: nothing is left running once `npm start` has been told to stop.
  const child = spawn(process.execPath, [path.join(root, "scripts", "build.mjs")], { stdio: "inherit", cwd: root, detached: true });
  const forward = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // The group is already gone.
    }
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.on("SIGTERM", forward);
  process.on("SIGINT", forward);
  const status = await new Promise((resolve) => child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0))));
  process.off("SIGTERM", forward);
  process.off("SIGINT", forward);
  if (status !== 0) process.exit(status);
}

await import(pathToFileURL(entry).href);
