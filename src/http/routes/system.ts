/**
 * Health (`/healthz`: the process answers), readiness (`/readyz`: the database, and Redis when
 * configured, answer), Prometheus metrics (`/metrics`), and the API's own documentation.
 */
import { outageLog } from "../../platform/outageLog.js";
import { createHash, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { DOCS_HTML } from "../openapi.js";
import { problem } from "../problem.js";
import { jsonRoute, none, ok, rawRoute } from "../route.js";
import { healthSchema, readySchema } from "../schemas.js";
import type { RouteDeps } from "./deps.js";

const READY_TIMEOUT_MS = 2000;

function withTimeout(p: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    p.then(
      () => {
        clearTimeout(t);
        resolve();
      },
      (err: unknown) => {
        clearTimeout(t);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

function sameToken(a: string, b: string): boolean {
  return timingSafeEqual(createHash("sha256").update(a).digest(), createHash("sha256").update(b).digest());
}

/** The system routes. */
export function systemRoutes(deps: RouteDeps) {
  const healthz = jsonRoute({
    method: "get",
    path: "/healthz",
    summary: "Liveness: the process is up",
    tags: ["system"],
    access: "public",
    group: "system",
    errors: [],
    params: none,
    query: none,
    body: none,
    response: healthSchema,
    handler() {
      return Promise.resolve(ok({ status: "ok" as const, uptimeSeconds: Math.round((deps.now() - deps.startedAt) / 1000) }));
    },
  });

  const readyz = jsonRoute({
    method: "get",
    path: "/readyz",
    summary: "Readiness: the database (and Redis when configured) answer",
    description:
      "503 `unavailable` names the failing dependency in `checks`. Redis is optional: while only Redis fails, the answer is 200 with `status: \"degraded\"` and Redis's error in `checks.redis` (the server works on without it).",
    tags: ["system"],
    access: "public",
    group: "system",
    errors: ["unavailable"],
    params: none,
    query: none,
    body: none,
    response: readySchema,
    async handler({ log }) {
      const results = await Promise.all(
        deps.readiness.map(async (c) => {
          try {
            await withTimeout(c.check(), READY_TIMEOUT_MS);
            return [c.name, "ok"] as const;
          } catch (err: unknown) {
            outageLog.warn(log, { dependency: c.name }, `readiness check failed: ${c.name}`, err);
            return [c.name, err instanceof Error ? err.message : String(err)] as const;
          }
        }),
      );
      const failing = results.filter(([name, r]) => r !== "ok" && deps.readiness.find((c) => c.name === name)?.optional !== true);
      if (failing.length > 0) {
        return {
          ok: false,
          problem: problem("unavailable", `not ready: ${failing.map(([n]) => n).join(", ")}`, { extra: { checks: Object.fromEntries(results) } }),
        };
      }
      const degraded = results.some(([, r]) => r !== "ok");
      return ok({ status: degraded ? ("degraded" as const) : ("ready" as const), checks: Object.fromEntries(results) });
    },
  });

  const metrics = rawRoute({
    method: "get",
    path: "/metrics",
    summary: "Prometheus metrics (text exposition format)",
    description: "When METRICS_TOKEN is set, send `Authorization: Bearer <METRICS_TOKEN>`.",
    tags: ["system"],
    access: "public",
    group: "system",
    errors: ["auth/invalid_token"],
    params: none,
    query: none,
    produces: { contentType: "text/plain; version=0.0.4", description: "Prometheus text format" },
    async handle({ headers }, res) {
      if (deps.metricsToken !== undefined) {
        const given = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? "")?.[1];
        if (given === undefined || !sameToken(given, deps.metricsToken)) return problem("auth/invalid_token", "METRICS_TOKEN required");
      }
      const text = await deps.registry.metrics();
      res.status(200).setHeader("Content-Type", deps.registry.contentType);
      res.send(text);
      return null;
    },
  });

  const openapi = rawRoute({
    method: "get",
    path: "/api/openapi.json",
    summary: "This API's OpenAPI 3.1 document",
    tags: ["system"],
    access: "public",
    group: "system",
    errors: [],
    params: none,
    query: none,
    produces: { contentType: "application/json", description: "The OpenAPI document" },
    handle(_ctx, res) {
      res.status(200).type("application/json").send(JSON.stringify(deps.openapi()));
      return Promise.resolve(null);
    },
  });

  const docs = rawRoute({
    method: "get",
    path: "/api/docs",
    summary: "A readable page rendering the OpenAPI document",
    tags: ["system"],
    access: "public",
    group: "system",
    errors: [],
    params: none,
    query: z.object({}),
    produces: { contentType: "text/html", description: "HTML" },
    handle(_ctx, res) {
      res.status(200).type("text/html").send(DOCS_HTML);
      return Promise.resolve(null);
    },
  });

  return [healthz, readyz, metrics, openapi, docs];
}
