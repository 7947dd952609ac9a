/**
 * The HTTP side: one `request` that adds the access token, refreshes it once on expiry, unwraps
 * the success envelope and turns RFC 9457 problems into values. Callers validate the data they
 * get with a zod schema (`request(path, schema)`); nothing from the wire is trusted as typed.
 */
import * as z from "zod/mini";
import { SERVER_ORIGIN } from "./env.js";

/** A failed request: the problem `code` the server sent, or a client-side one. */
export interface ApiProblem {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

export type ApiResult<T> = { readonly ok: true; readonly data: T } | { readonly ok: false; readonly problem: ApiProblem };

const problemSchema = z.object({
  code: z.string(),
  title: z.optional(z.string()),
  detail: z.optional(z.string()),
  errors: z.optional(z.array(z.object({ path: z.string(), message: z.string() }))),
});

/** Something that can give an access token, and get a fresh one when the server says it expired. */
export interface TokenSource {
  accessToken(): Promise<string | null>;
  /** Refreshes; true when a new access token is available. */
  refresh(): Promise<boolean>;
}

let tokens: TokenSource | null = null;

/** Installs the auth session used by every request (set once at start-up). */
export function useTokens(source: TokenSource): void {
  tokens = source;
}

/** Unwraps the success envelope: `{ data: ... }` when present, else the body itself. */
function unwrap(body: unknown): unknown {
  if (typeof body === "object" && body !== null && "data" in body) return body.data;
  return body;
}

async function problemOf(res: Response): Promise<ApiProblem> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    /* not JSON: fall through */
  }
  const p = problemSchema.safeParse(body);
  if (p.success) {
    const fields = p.data.errors?.map((e) => `${e.path}: ${e.message}`).join("; ");
    const message = [p.data.detail ?? p.data.title ?? p.data.code, fields].filter(Boolean).join(" — ");
    return { status: res.status, code: p.data.code, message };
  }
  return { status: res.status, code: `http/${res.status}`, message: res.statusText || `HTTP ${res.status}` };
}

export interface RequestOptions {
  readonly method?: "GET" | "POST" | "PUT" | "DELETE";
  readonly body?: unknown;
  /** Send the access token (default true when a session exists). */
  readonly auth?: boolean;
  /** Extra request headers (e.g. `Accept`, `Last-Event-ID`). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Aborts the request (and a streamed body). */
  readonly signal?: AbortSignal;
}

/** A raw response (for NDJSON), after auth and refresh. */
export async function fetchRaw(path: string, opts: RequestOptions = {}): Promise<Response | ApiProblem> {
  const send = async (): Promise<Response> => {
    const headers: Record<string, string> = { accept: "application/json", ...opts.headers };
    if (opts.body !== undefined) headers["content-type"] = "application/json";
    if (opts.auth !== false && tokens) {
      const t = await tokens.accessToken();
      if (t !== null) headers["authorization"] = `Bearer ${t}`;
    }
    return fetch(`${SERVER_ORIGIN}${path}`, {
      method: opts.method ?? "GET",
      headers,
      body: opts.body === undefined ? null : JSON.stringify(opts.body),
      signal: opts.signal ?? null,
    });
  };
  try {
    let res = await send();
    if (res.status === 401 && opts.auth !== false && tokens) {
      const p = await problemOf(res.clone());
      if (p.code === "auth/expired" || p.code === "auth/invalid_token") {
        if (await tokens.refresh()) res = await send();
      }
    }
    return res;
  } catch (e: unknown) {
    return { status: 0, code: "network/unreachable", message: e instanceof Error ? e.message : "The server cannot be reached." };
  }
}

/** JSON request, validated with `schema`. */
export async function request<T>(path: string, schema: z.ZodMiniType<T>, opts: RequestOptions = {}): Promise<ApiResult<T>> {
  const res = await fetchRaw(path, opts);
  if (!(res instanceof Response)) return { ok: false, problem: res };
  if (!res.ok) return { ok: false, problem: await problemOf(res) };
  let body: unknown;
  try {
    body = res.status === 204 ? null : await res.json();
  } catch {
    return { ok: false, problem: { status: res.status, code: "client/bad_json", message: "The server's answer is not JSON." } };
  }
  const parsed = schema.safeParse(unwrap(body));
  if (!parsed.success) {
    return {
      ok: false,
      problem: { status: res.status, code: "client/unexpected_shape", message: `Unexpected answer from ${path}: ${parsed.error.issues[0]?.message ?? "invalid"}` },
    };
  }
  return { ok: true, data: parsed.data };
}
