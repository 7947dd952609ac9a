import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { SERVER_NODE_FLAGS } from "./nodeFlags.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

describe("the production server's Node flags", () => {
  it("npm start passes exactly SERVER_NODE_FLAGS to node scripts/start.mjs", () => {
    const pkg = z.object({ scripts: z.object({ start: z.string() }) }).parse(JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")));
    expect(pkg.scripts.start).toBe(["exec", "node", ...SERVER_NODE_FLAGS, "scripts/start.mjs"].join(" "));
  });

  it("the Docker image's CMD is the same command", () => {
    const cmd = readFileSync(path.join(root, "Dockerfile"), "utf8")
      .split("\n")
      .find((l) => l.startsWith("CMD "));
    expect(cmd).toBeDefined();
    expect(JSON.parse((cmd ?? "").slice(4))).toEqual(["node", ...SERVER_NODE_FLAGS, "scripts/start.mjs"]);
  });
});
