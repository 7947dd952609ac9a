/**
 * The OpenAPI 3.1 document, generated from the route definitions and their zod schemas
 * (`z.toJSONSchema`), so it describes exactly what the server validates and answers.
 */
import { z } from "zod";
import { PROBLEM_CODES, statusOf, type ProblemCode } from "./problem.js";
import { metaSchema, none, type RouteDef } from "./route.js";

/** A JSON value (the document is plain JSON). */
export type Json = string | number | boolean | null | readonly Json[] | { readonly [k: string]: Json };

type JsonObject = Record<string, unknown>;

const problemSchema = z.object({
  type: z.string().describe("`urn:pzo:problem:<code>`"),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  instance: z.string().optional().describe("The request path"),
  code: z.enum(Object.keys(PROBLEM_CODES) as [ProblemCode, ...ProblemCode[]]).describe("Stable, namespaced code to switch on"),
  requestId: z.string().optional().describe("Also in the X-Request-Id header and the server's log line"),
  errors: z
    .array(z.object({ in: z.enum(["body", "query", "params", "header"]), path: z.string(), message: z.string() }))
    .optional()
    .describe("validation/failed: every failing field"),
  retryAfter: z.number().int().optional().describe("rate_limited: seconds to wait (also Retry-After)"),
});

function schemaOf(s: z.ZodType, io: "input" | "output"): JsonObject {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(s, { io, unrepresentable: "any", target: "draft-2020-12" });
  return rest;
}

/** Express `/a/:id/b` -> OpenAPI `/a/{id}/b`. */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
}

function parametersOf(s: z.ZodType, where: "path" | "query"): JsonObject[] {
  if (s === none) return [];
  const js = schemaOf(s, "input");
  const props = js["properties"];
  const required = js["required"];
  const req = new Set(Array.isArray(required) ? required.filter((x): x is string => typeof x === "string") : []);
  if (typeof props !== "object" || props === null) return [];
  return Object.entries(props).map(([name, schema]: [string, unknown]) => ({
    name,
    in: where,
    required: where === "path" ? true : req.has(name),
    schema,
  }));
}

const COMMON_BY_ACCESS: Record<RouteDef["access"], ProblemCode[]> = {
  public: [],
  player: ["auth/missing_token", "auth/invalid_token", "auth/expired"],
  user: ["auth/missing_token", "auth/invalid_token", "auth/expired", "auth/forbidden"],
  admin: ["auth/missing_token", "auth/invalid_token", "auth/expired", "auth/forbidden"],
  service: ["auth/invalid_service_key", "service/disabled"],
};

function problemCodesOf(def: RouteDef): ProblemCode[] {
  const codes = new Set<ProblemCode>(["rate_limited", "internal", ...COMMON_BY_ACCESS[def.access], ...def.errors]);
  const hasInput = def.schemas.params !== none || def.schemas.query !== none || def.schemas.body !== none;
  if (hasInput || def.idempotent === true) codes.add("validation/failed");
  if (def.schemas.body !== none) {
    codes.add("validation/malformed_json");
    codes.add("validation/too_large");
  }
  if (def.idempotent === true) {
    codes.add("conflict/idempotency_in_progress");
    codes.add("idempotency/key_reused");
  }
  return [...codes];
}

function operationOf(def: RouteDef): JsonObject {
  const parameters: JsonObject[] = [...parametersOf(def.schemas.params, "path"), ...parametersOf(def.schemas.query, "query")];
  if (def.idempotent === true) {
    parameters.push({
      name: "Idempotency-Key",
      in: "header",
      required: false,
      description: "Repeat a write safely: the same key from the same caller returns the first response (24 h by default)",
      schema: { type: "string", minLength: 1, maxLength: 255 },
    });
  }
  const responses: Record<string, JsonObject> = {};
  if (def.schemas.response !== undefined) {
    const envelope: JsonObject = {
      type: "object",
      properties: { data: schemaOf(def.schemas.response, "output"), ...(def.paginated ? { meta: schemaOf(metaSchema, "output") } : {}) },
      required: ["data"],
    };
    responses[String(def.successStatus)] = { description: def.produces.description, content: { "application/json": { schema: envelope } } };
  } else {
    responses[String(def.successStatus)] = { description: def.produces.description, content: { [def.produces.contentType]: { schema: { type: "string" } } } };
  }
  const byStatus = new Map<number, ProblemCode[]>();
  for (const code of problemCodesOf(def)) byStatus.set(statusOf(code), [...(byStatus.get(statusOf(code)) ?? []), code]);
  for (const [status, codes] of [...byStatus].sort((a, b) => a[0] - b[0])) {
    responses[String(status)] = {
      description: `Problem: ${codes.map((c) => `\`${c}\``).join(", ")}`,
      content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
    };
  }
  const security = def.access === "service" ? [{ serviceKey: [] }] : def.access === "public" ? [] : [{ bearerAuth: [] }];
  return {
    operationId: `${def.method}${def.path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? "").toUpperCase())}`,
    summary: def.summary,
    ...(def.description !== undefined ? { description: def.description } : {}),
    tags: [...def.tags],
    "x-access": def.access,
    "x-rate-limit-group": def.group,
    security,
    parameters,
    ...(def.schemas.body !== none ? { requestBody: { required: true, content: { "application/json": { schema: schemaOf(def.schemas.body, "input") } } } } : {}),
    responses,
  };
}

/** Builds the OpenAPI document for a list of routes. */
export function buildOpenApi(routes: readonly RouteDef[], info: { title: string; version: string; description: string }): JsonObject {
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const def of routes) {
    const p = openApiPath(def.path);
    paths[p] = { ...(paths[p] ?? {}), [def.method]: operationOf(def) };
  }
  return {
    openapi: "3.1.0",
    info,
    paths,
    components: {
      schemas: { Problem: schemaOf(problemSchema, "output") },
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
        serviceKey: { type: "apiKey", in: "header", name: "X-Service-Key" },
      },
    },
  };
}

/** A small self-contained HTML page that renders `/api/openapi.json` (no CDN, no framework). */
export const DOCS_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>PZO HTTP API</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1d1d1f;background:#fafafa}
header{padding:16px 24px;background:#20232a;color:#fff}header a{color:#9cdcfe}
main{max-width:1000px;margin:0 auto;padding:16px 24px}
details{background:#fff;border:1px solid #ddd;border-radius:6px;margin:8px 0}
summary{cursor:pointer;padding:8px 12px;display:flex;gap:12px;align-items:baseline}
.m{font:600 12px monospace;padding:2px 6px;border-radius:4px;color:#fff;min-width:52px;text-align:center}
.get{background:#2b7bb9}.post{background:#2f9e44}.put{background:#e67700}.delete{background:#c92a2a}
code,pre{font-family:ui-monospace,monospace;font-size:13px}pre{background:#f4f4f4;padding:8px;overflow:auto;border-radius:4px}
.body{padding:0 12px 12px}.tag{color:#666;font-size:12px}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:4px 8px;text-align:left}
</style></head><body>
<header><h1 style="margin:0;font-size:20px">PZO HTTP API</h1><div id="info"></div></header>
<main><p>Raw document: <a href="/api/openapi.json">/api/openapi.json</a>. Errors are <code>application/problem+json</code> with a stable <code>code</code>; successes are <code>{ data, meta? }</code>.</p><div id="ops">Loading…</div></main>
<script>
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({"&":"&amp;","<":"&lt;",">":"&gt;","\\"":"&quot;"}[c]));
fetch("/api/openapi.json").then((r) => r.json()).then((doc) => {
  document.getElementById("info").textContent = doc.info.title + " " + doc.info.version + " - " + doc.info.description;
  const out = [];
  for (const [path, ops] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(ops)) {
    const params = (op.parameters || []).map((p) => "<tr><td><code>" + esc(p.name) + "</code></td><td>" + esc(p.in) + "</td><td>" + (p.required ? "yes" : "") + "</td><td><code>" + esc(JSON.stringify(p.schema)) + "</code></td></tr>").join("");
    const body = op.requestBody ? "<h4>Body</h4><pre>" + esc(JSON.stringify(op.requestBody.content["application/json"].schema, null, 2)) + "</pre>" : "";
    const resp = Object.entries(op.responses).map(([s, r]) => "<li><b>" + esc(s) + "</b> " + esc(r.description) + "</li>").join("");
    const ok = Object.entries(op.responses).find(([s]) => s.startsWith("2"));
    const okSchema = ok && ok[1].content && ok[1].content["application/json"] ? "<h4>Success body</h4><pre>" + esc(JSON.stringify(ok[1].content["application/json"].schema, null, 2)) + "</pre>" : "";
    out.push("<details><summary><span class='m " + method + "'>" + method.toUpperCase() + "</span><code>" + esc(path) + "</code><span>" + esc(op.summary) + "</span><span class='tag'>" + esc(op["x-access"]) + "</span></summary><div class='body'>" +
      (op.description ? "<p>" + esc(op.description) + "</p>" : "") +
      (params ? "<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>required</th><th>schema</th></tr>" + params + "</table>" : "") +
      body + okSchema + "<h4>Responses</h4><ul>" + resp + "</ul></div></details>");
  }
  document.getElementById("ops").innerHTML = out.join("");
}).catch((e) => { document.getElementById("ops").textContent = "Could not load the document: " + e; });
</script></body></html>
`;
