/**
 * `serveClient` (src/app/clientAssets.ts): the built client at `/`, cache headers, the SPA
 * fallback that leaves server paths alone, and the page that says the bundle is not built.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveClient } from "../../src/app/clientAssets.js";

async function listen(distDir: string): Promise<{ url: string; close: () => Promise<void> }> {
  const app = express();
  app.get("/api/ping", (_req, res) => void res.json({ pong: true }));
  serveClient(app, distDir);
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const html = { accept: "text/html,application/xhtml+xml" };

describe("serveClient", () => {
  const dist = mkdtempSync(path.join(tmpdir(), "pzo-dist-"));
  let built: Awaited<ReturnType<typeof listen>>;
  let notBuilt: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    mkdirSync(path.join(dist, "assets"));
    writeFileSync(path.join(dist, "index.html"), "<!doctype html><title>PZO</title>");
    writeFileSync(path.join(dist, "assets", "index-abc123.js"), "console.log(1)");
    built = await listen(dist);
    notBuilt = await listen(path.join(dist, "missing"));
  });
  afterAll(async () => {
    await built.close();
    await notBuilt.close();
  });

  it("serves index.html at / with no-cache, and hashed assets as immutable for a year", async () => {
    const page = await fetch(`${built.url}/`, { headers: html });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<title>PZO</title>");
    expect(page.headers.get("cache-control")).toBe("no-cache");
    const asset = await fetch(`${built.url}/assets/index-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
  });

  it("answers other page paths with index.html, but never server paths, files or missing assets", async () => {
    const deep = await fetch(`${built.url}/lobby/somewhere`, { headers: html });
    expect(deep.status).toBe(200);
    expect(await deep.text()).toContain("<title>PZO</title>");
    expect((await fetch(`${built.url}/api/ping`)).status).toBe(200);
    expect((await fetch(`${built.url}/api/nothing`, { headers: html })).status).toBe(404);
    expect((await fetch(`${built.url}/metrics`, { headers: html })).status).toBe(404);
    expect((await fetch(`${built.url}/assets/index-old.js`, { headers: html })).status).toBe(404);
    expect((await fetch(`${built.url}/favicon.ico`, { headers: html })).status).toBe(404);
    expect((await fetch(`${built.url}/lobby`, { headers: { accept: "application/json" } })).status).toBe(404);
  });

  it("says how to build the client when client/dist is missing", async () => {
    const res = await fetch(`${notBuilt.url}/`, { headers: html });
    expect(res.status).toBe(503);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.text()).toContain("npm run build");
  });
});
