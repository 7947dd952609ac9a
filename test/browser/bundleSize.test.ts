/**
 * The client bundle's budget (issue 14: under 150 kB gzipped): every JavaScript file of the built
 * client (client/dist, built here when stale, as the browser tests build it), gzipped at zlib's
 * default level and counted in kB of 1000 bytes, as `node client/scripts/size.mjs` and Vite's
 * own report count them.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { buildClient, CLIENT_DIST } from "./support.js";

const BUDGET_KB = 150;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe("client bundle", () => {
  it(`is under ${BUDGET_KB} kB of JavaScript gzipped`, () => {
    buildClient();
    const js = filesUnder(CLIENT_DIST).filter((f) => f.endsWith(".js"));
    expect(js.length).toBeGreaterThan(0);
    const kb = js.reduce((sum, f) => sum + gzipSync(readFileSync(f)).length, 0) / 1000;
    console.log(`client bundle: ${js.length} JS file(s), ${kb.toFixed(2)} kB gzipped (budget ${BUDGET_KB} kB)`);
    expect(kb).toBeLessThan(BUDGET_KB);
  }, 180_000);
});
