/** A small fetch wrapper for the API tests. */

/** A parsed response. */
export interface Res {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The parsed JSON body, or undefined when the body is not JSON. */
  readonly json: unknown;
}

/** Request options. */
export interface ReqOptions {
  readonly token?: string;
  readonly body?: unknown;
  /** A raw body string (sent as application/json). */
  readonly rawBody?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Sends a request to `base + path`. */
export async function call(base: string, method: string, path: string, opts: ReqOptions = {}): Promise<Res> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token !== undefined) headers["authorization"] = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.rawBody !== undefined) body = opts.rawBody;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(base + path, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** A string member of an object, or undefined. */
export function field(v: unknown, ...path: (string | number)[]): unknown {
  let cur: unknown = v;
  for (const k of path) {
    if ((typeof cur !== "object" && typeof cur !== "function") || cur === null) return undefined;
    cur = Reflect.get(cur, k);
  }
  return cur;
}

/** The problem `code` of a response. */
export function codeOf(r: Res): unknown {
  return field(r.json, "code");
}

/** A string at `path` (throws when absent): for ids and tokens. */
export function str(v: unknown, ...path: (string | number)[]): string {
  const s = field(v, ...path);
  if (typeof s !== "string") throw new Error(`expected a string at ${path.join(".")}, got ${JSON.stringify(s)}`);
  return s;
}
