import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { SERVER_NODE_FLAGS, serverNodeFlags } from "./nodeFlags.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

describe("the production server's Node flags", () => {
  it("scripts/start.mjs restarts the server with SERVER_NODE_FLAGS, per backend", () => {
    const start = readFileSync(path.join(root, "scripts", "start.mjs"), "utf8");
    const line = start.split("\n").find((l) => l.startsWith("const SERVER_FLAGS = "));
    expect(line).toBeDefined();
    const literal = (line ?? "").slice("const SERVER_FLAGS = ".length).replace(/;$/, "").replace(/(\w+):/g, '"$1":');
    expect(z.record(z.string(), z.array(z.string())).parse(JSON.parse(literal))).toEqual(SERVER_NODE_FLAGS);
  });

  it("npm start and the Docker CMD run scripts/start.mjs without flags of their own (it adds them)", () => {
    const pkg = z.object({ scripts: z.object({ start: z.string() }) }).parse(JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")));
    expect(pkg.scripts.start).toBe("exec node scripts/start.mjs");
    const cmd = readFileSync(path.join(root, "Dockerfile"), "utf8")
      .split("\n")
      .find((l) => l.startsWith("CMD "));
    expect(JSON.parse((cmd ?? "").slice(4))).toEqual(["node", "scripts/start.mjs"]);
  });

  it("picks the flags by DATABASE_URL", () => {
    expect(serverNodeFlags(undefined)).toEqual(["--max-semi-space-size=8"]);
    expect(serverNodeFlags("")).toEqual(["--max-semi-space-size=8"]);
    expect(serverNodeFlags("postgres://x@h/db")).toEqual(["--max-semi-space-size=64"]);
  });
});
