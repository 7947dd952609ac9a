/**
 * Route definitions: one object per route holds its method, path, access rule, rate-limit
 * group, zod schemas and handler. The same object is mounted on express (router.ts) and
 * described in the OpenAPI document (openapi.ts), so the docs cannot drift from the code.
 *
 * Handlers receive validated, typed input and return a {@link Reply}: `ok(data)` for the
 * success envelope `{ data, meta? }`, or `fail(code)` for a problem. Streaming routes (NDJSON,
 * SSE, Prometheus text, HTML) write the response themselves.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { Response } from "express";
import { z } from "zod";
import type { Logger } from "../platform/logger.js";
import type { AuthContext } from "./auth.js";
import { problem, type FieldError, type Problem, type ProblemCode } from "./problem.js";
import type { RateGroup } from "./rateLimit.js";

/** HTTP methods PZO routes use. */
export type HttpMethod = "get" | "post" | "put" | "delete";

/**
 * Who may call a route:
 * - `public`: anyone; a valid token is read if sent, a bad one is ignored;
 * - `player`: any valid access token (user, guest or bot);
 * - `user`: a registered user's token (not a guest or a bot);
 * - `admin`: a token with role `admin`;
 * - `service`: a trusted service presenting `X-Service-Key`.
 */
export type Access = "public" | "player" | "user" | "admin" | "service";

/** The success envelope's `meta`: pagination and counts. */
export const metaSchema = z.object({
  nextCursor: z.string().nullable().optional().describe("Opaque cursor for the next page; null on the last page"),
  total: z.number().int().optional().describe("Total number of items, where known"),
});
/** The success envelope's `meta`. */
export type Meta = z.infer<typeof metaSchema>;

/** What a handler sees. */
export interface RequestContext<P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  /** The verified caller, or null on a public route called without a (valid) token. */
  readonly auth: AuthContext | null;
  readonly requestId: string;
  readonly ip: string;
  readonly headers: IncomingHttpHeaders;
  readonly log: Logger;
  /** Aborted when the client goes away (for streams). */
  readonly signal: AbortSignal;
}

/** A handler's answer. */
export type Reply<T> =
  | {
      readonly ok: true;
      readonly status: number;
      readonly data: T;
      readonly meta?: Meta;
      readonly headers?: Readonly<Record<string, string>>;
    }
  | {
      readonly ok: true;
      readonly status: number;
      /** `data` already serialized ({@link okSerialized}). */
      readonly serialized: string;
      readonly meta?: Meta;
      readonly headers?: Readonly<Record<string, string>>;
    }
  | { readonly ok: false; readonly problem: Problem };

/** A success reply (status 200 unless given). */
export function ok<T>(data: T, opts: { status?: number; meta?: Meta; headers?: Record<string, string> } = {}): Reply<T> {
  return {
    ok: true,
    status: opts.status ?? 200,
    data,
    ...(opts.meta !== undefined ? { meta: opts.meta } : {}),
    ...(opts.headers !== undefined ? { headers: opts.headers } : {}),
  };
}

/**
 * A success reply whose `data` is already JSON: what a store built with `JSON.stringify` from
 * values of the route's response type, e.g. a list assembled from cached items. The envelope is
 * put around it without parsing or serializing it again.
 */
export function okSerialized(json: string, opts: { status?: number; meta?: Meta; headers?: Record<string, string> } = {}): Reply<never> {
  return {
    ok: true,
    status: opts.status ?? 200,
    serialized: json,
    ...(opts.meta !== undefined ? { meta: opts.meta } : {}),
    ...(opts.headers !== undefined ? { headers: opts.headers } : {}),
  };
}

/** The success envelope `{ data, meta? }` as JSON. */
function envelopeJson(reply: Extract<Reply<unknown>, { ok: true }>): string {
  if (!("serialized" in reply)) return JSON.stringify(reply.meta === undefined ? { data: reply.data } : { data: reply.data, meta: reply.meta });
  return reply.meta === undefined ? `{"data":${reply.serialized}}` : `{"data":${reply.serialized},"meta":${JSON.stringify(reply.meta)}}`;
}

/** A problem reply. */
export function fail(code: ProblemCode, detail?: string, more: Omit<Problem, "code" | "detail"> = {}): Reply<never> {
  return { ok: false, problem: problem(code, detail, more) };
}

/** A problem reply from a problem value. */
export function failWith(p: Problem): Reply<never> {
  return { ok: false, problem: p };
}

type Schema = z.ZodType;

/**
 * The schema of "no input": routes without params, query or body say `params: none` (etc.).
 * Unknown keys are dropped. The OpenAPI generator leaves `none` parts out of the document.
 */
export const none = z.object({});
/** The type of {@link none}. */
export type None = typeof none;

/** What every route declares besides its schemas and handler. */
export interface RouteInfo {
  readonly method: HttpMethod;
  /** Express path template, e.g. `/api/users/:id`. */
  readonly path: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly access: Access;
  readonly group: RateGroup;
  /** Problem codes this route may answer with besides the common ones (validation, 401/403, 429, 500). */
  readonly errors: readonly ProblemCode[];
  /** Whether the route honours `Idempotency-Key` (writes only). */
  readonly idempotent?: boolean;
}

/** A JSON route's declaration. */
export interface JsonRouteSpec<P extends Schema, Q extends Schema, B extends Schema, R extends Schema> extends RouteInfo {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  /** The schema of `data` in the success envelope. */
  readonly response: R;
  /** Success status (default 200). */
  readonly status?: number;
  /** Whether the success envelope carries `meta` (pagination). */
  readonly paginated?: boolean;
  handler(ctx: RequestContext<z.output<P>, z.output<Q>, z.output<B>>): Promise<Reply<z.input<R>>>;
}

/** A streaming route's declaration: it writes its own success response. */
export interface RawRouteSpec<P extends Schema, Q extends Schema> extends RouteInfo {
  readonly params: P;
  readonly query: Q;
  /** Content type of the success response, and a line for the docs. */
  readonly produces: { readonly contentType: string; readonly description: string };
  /** Writes the response and returns null, or returns a problem without writing anything. */
  handle(ctx: RequestContext<z.output<P>, z.output<Q>, z.output<None>>, res: Response): Promise<Problem | null>;
}

/** Raw request parts, before validation. */
export interface RawInput {
  readonly params: unknown;
  readonly query: unknown;
  readonly body: unknown;
}

/** The common context of a request, before validation. */
export type BaseContext = Omit<RequestContext<unknown, unknown, unknown>, "params" | "query" | "body">;

/** What running a route produced. */
export type Outcome =
  | { readonly kind: "reply"; readonly status: number; readonly body: string; readonly headers: Readonly<Record<string, string>> }
  | { readonly kind: "problem"; readonly problem: Problem }
  | { readonly kind: "written" };

/** A validated request, ready to run. */
export type Prepared =
  | { readonly ok: true; run(ctx: BaseContext, res: Response): Promise<Outcome> }
  | { readonly ok: false; readonly problem: Problem };

/** A route, its types erased: what the router mounts and the OpenAPI generator describes. */
export interface RouteDef extends RouteInfo {
  readonly schemas: {
    readonly params: Schema;
    readonly query: Schema;
    readonly body: Schema;
    /** The schema of `data` in the success envelope; absent for streaming routes. */
    readonly response?: Schema;
  };
  readonly successStatus: number;
  /** Success content type: `application/json` for JSON routes. */
  readonly produces: { readonly contentType: string; readonly description: string };
  readonly paginated: boolean;
  /** Validates the raw input. */
  prepare(input: RawInput): Prepared;
}

function fieldErrors(where: FieldError["in"], err: z.ZodError): FieldError[] {
  return err.issues.map((i) => ({ in: where, path: i.path.map(String).join("."), message: i.message }));
}

type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false };

/** Parses one part, appending its failing fields to `errors`. */
function parsePart<S extends Schema>(schema: S, raw: unknown, where: FieldError["in"], errors: FieldError[]): Parsed<z.output<S>> {
  const r = schema.safeParse(raw ?? {});
  if (r.success) return { ok: true, value: r.data };
  errors.push(...fieldErrors(where, r.error));
  return { ok: false };
}

/** Validates the three parts against their schemas, collecting every failing field. */
function parseParts<P extends Schema, Q extends Schema, B extends Schema>(
  schemas: { params: P; query: Q; body: B },
  input: RawInput,
): { ok: true; params: z.output<P>; query: z.output<Q>; body: z.output<B> } | { ok: false; problem: Problem } {
  const errors: FieldError[] = [];
  const params = parsePart(schemas.params, input.params, "params", errors);
  const query = parsePart(schemas.query, input.query, "query", errors);
  const body = parsePart(schemas.body, input.body, "body", errors);
  if (!params.ok || !query.ok || !body.ok) {
    return { ok: false, problem: problem("validation/failed", "see errors for the failing fields", { errors }) };
  }
  return { ok: true, params: params.value, query: query.value, body: body.value };
}

/** Defines a JSON route. */
export function jsonRoute<P extends Schema, Q extends Schema, B extends Schema, R extends Schema>(
  spec: JsonRouteSpec<P, Q, B, R>,
): RouteDef {
  return {
    method: spec.method,
    path: spec.path,
    summary: spec.summary,
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    tags: spec.tags,
    access: spec.access,
    group: spec.group,
    errors: spec.errors,
    idempotent: spec.idempotent ?? false,
    schemas: { params: spec.params, query: spec.query, body: spec.body, response: spec.response },
    successStatus: spec.status ?? 200,
    produces: { contentType: "application/json", description: "Success envelope `{ data, meta? }`" },
    paginated: spec.paginated ?? false,
    prepare(input) {
      const parsed = parseParts({ params: spec.params, query: spec.query, body: spec.body }, input);
      if (!parsed.ok) return parsed;
      return {
        ok: true,
        async run(base) {
          const reply = await spec.handler({ ...base, params: parsed.params, query: parsed.query, body: parsed.body });
          if (!reply.ok) return { kind: "problem", problem: reply.problem };
          return { kind: "reply", status: reply.status, body: envelopeJson(reply), headers: reply.headers ?? {} };
        },
      };
    },
  };
}

/** Defines a streaming route (NDJSON, SSE, text, HTML). */
export function rawRoute<P extends Schema, Q extends Schema>(spec: RawRouteSpec<P, Q>): RouteDef {
  return {
    method: spec.method,
    path: spec.path,
    summary: spec.summary,
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    tags: spec.tags,
    access: spec.access,
    group: spec.group,
    errors: spec.errors,
    idempotent: false,
    schemas: { params: spec.params, query: spec.query, body: none },
    successStatus: 200,
    produces: spec.produces,
    paginated: false,
    prepare(input) {
      const parsed = parseParts({ params: spec.params, query: spec.query, body: none }, { ...input, body: undefined });
      if (!parsed.ok) return parsed;
      return {
        ok: true,
        async run(base, res) {
          const p = await spec.handle({ ...base, params: parsed.params, query: parsed.query, body: parsed.body }, res);
          return p === null ? { kind: "written" } : { kind: "problem", problem: p };
        },
      };
    },
  };
}
