/**
 * Drives the OpenAPI document against the running server: every documented operation exists
 * (a request to it is not answered `route_not_found`), and every route registered on the
 * express app is documented. The registered routes are read from express's own router, not
 * from the list the document was generated from.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testBackends } from "../support/db.js";
import { call, codeOf, field } from "./support/client.js";
import { startTestApi, type TestApi } from "./support/httpApp.js";

const METHODS = ["get", "post", "put", "delete", "patch"] as const;

/** `METHOD /path/{param}` for every route layer reachable from a router stack. */
function registeredRoutes(stack: unknown, out: Set<string> = new Set()): Set<string> {
  if (!Array.isArray(stack)) return out;
  for (const layer of stack as unknown[]) {
    const route = field(layer, "route");
    const path = field(route, "path");
    const methods = field(route, "methods");
    if (typeof path === "string" && typeof methods === "object" && methods !== null) {
      for (const m of Object.keys(methods)) if (m !== "_all") out.add(`${m.toUpperCase()} ${path.replace(/:([A-Za-z0-9_]+)/g, "{$1}")}`);
      continue;
    }
    registeredRoutes(field(layer, "handle", "stack"), out);
  }
  return out;
}

const [backend] = testBackends();

describe("OpenAPI document vs the running server", () => {
  let t: TestApi;
  let doc: unknown;
  beforeAll(async () => {
    if (backend === undefined) throw new Error("no backend");
    t = await startTestApi(backend, { env: { RATE_LIMIT_READ: "10000/60", RATE_LIMIT_AUTH: "10000/60", RATE_LIMIT_SYSTEM: "10000/60" } });
    const r = await call(t.url, "GET", "/api/openapi.json");
    expect(r.status).toBe(200);
    doc = r.json;
  });
  afterAll(async () => {
    await t.close();
  });

  function documented(): Set<string> {
    const out = new Set<string>();
    const paths = field(doc, "paths");
    if (typeof paths !== "object" || paths === null) return out;
    for (const [p, ops] of Object.entries(paths)) {
      for (const m of METHODS) if (field(ops, m) !== undefined) out.add(`${m.toUpperCase()} ${p}`);
    }
    return out;
  }

  it("is an OpenAPI 3.1 document with the problem schema and security schemes", () => {
    expect(field(doc, "openapi")).toBe("3.1.0");
    expect(field(doc, "components", "schemas", "Problem", "properties", "code")).toBeDefined();
    expect(field(doc, "components", "securitySchemes", "bearerAuth", "scheme")).toBe("bearer");
    expect(documented().size).toBeGreaterThan(25);
  });

  it("documents every route registered on the express app, and nothing else", () => {
    expect([...documented()].sort()).toEqual([...registeredRoutes(t.app.router.stack)].sort());
  });

  it("every documented operation exists on the server", async () => {
    const missing: string[] = [];
    for (const op of documented()) {
      const [method, template] = op.split(" ");
      if (method === undefined || template === undefined) continue;
      const path = template.replace(/\{[^}]+\}/g, "6f1c1c5e-3c1a-4c1e-9c1a-1c1a1c1a1c1a");
      if (path === "/api/ladder/stream") {
        const ac = new AbortController();
        const res = await fetch(t.url + path, { signal: ac.signal });
        ac.abort();
        if (res.status !== 200) missing.push(op);
        continue;
      }
      const r = await call(t.url, method, path, method === "GET" || method === "DELETE" ? {} : { body: {} });
      if (codeOf(r) === "route_not_found") missing.push(op);
    }
    expect(missing).toEqual([]);
  });

  it("lists each operation's problem codes and is readable at /api/docs", async () => {
    const login = field(doc, "paths", "/api/auth/login", "post", "responses", "401", "description");
    expect(String(login)).toContain("auth/invalid_credentials");
    const scores = field(doc, "paths", "/api/ladder/scores", "post", "responses", "409", "description");
    expect(String(scores)).toContain("action_token/replayed");
    const page = await call(t.url, "GET", "/api/docs");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(page.text).toContain("/api/openapi.json");
  });
});
