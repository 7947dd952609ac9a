// `npm run build`: compiles the server (tsc) and, when it exists, the browser client (Vite).
import { spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => path.join(root, "node_modules", ".bin", name);

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: "inherit", cwd: root });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

rmSync(path.join(root, "dist"), { recursive: true, force: true });
run(bin("tsc"), ["-p", "tsconfig.build.json"]);
if (existsSync(path.join(root, "client", "vite.config.ts"))) run(bin("vite"), ["build", "client"]);
