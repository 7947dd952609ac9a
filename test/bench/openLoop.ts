/**
 * An open-loop load generator for the HTTP bench: requests are sent at a fixed offered rate,
 * evenly spaced (request i is due at start + i / rate), over a fixed pool of keep-alive
 * connections that are all opened before the run; each latency is measured from the moment
 * the request was due, so time spent waiting for a free connection counts (no coordinated
 * omission).
 *
 * Why not autocannon's `overallRate`: autocannon gives each connection a budget of
 * rate / connections requests per second and resets it on a 1 s timer; a connection sends
 * back to back until its budget is spent, then waits for the next second. With 100
 * connections that is a burst of the whole second's requests at the top of every second, so
 * its "offered rate" rows measure bursts of up to 100 concurrent requests, not a steady rate.
 * The saturation (closed-loop) rows still use autocannon.
 */
import { Agent, request as httpRequest } from "node:http";

/** One request to send. */
export interface OpenLoopRequest {
  readonly method: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** A label to report this request's latency under (e.g. the endpoint, in a mix). */
  readonly tag?: string;
  /** A second, coarser label (e.g. read or write) reported the same way in `byGroup`. */
  readonly group?: string;
}

/** The latency of one tag's requests. */
export interface TagFigures {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
}

/** The latency figures of a run, in the shape the bench prints (autocannon's field names). */
export interface OpenLoopResult {
  readonly latency: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly requests: { readonly total: number };
  readonly duration: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  /** Per tag (requests without a tag are left out). */
  readonly byTag: Readonly<Record<string, TagFigures>>;
  /** Per group (requests without a group are left out). */
  readonly byGroup: Readonly<Record<string, TagFigures>>;
}

/** Options of {@link openLoop}. */
export interface OpenLoopOptions {
  /** e.g. `http://127.0.0.1:1234` */
  readonly url: string;
  readonly connections: number;
  /** Offered requests per second. */
  readonly rate: number;
  readonly seconds: number;
  /** Makes the i-th request. */
  readonly next: (i: number) => OpenLoopRequest;
  /** Per-request timeout, seconds (default 10). */
  readonly timeoutSeconds?: number;
}

const percentile = (sorted: Float64Array, q: number): number => {
  if (sorted.length === 0) return 0;
  const k = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return Math.round((sorted[k] ?? 0) * 100) / 100;
};

/** Runs one open-loop load and returns its figures. */
export async function openLoop(opts: OpenLoopOptions): Promise<OpenLoopResult> {
  const target = new URL(opts.url);
  const agent = new Agent({ keepAlive: true, maxSockets: opts.connections, maxFreeSockets: opts.connections, scheduling: "fifo" });
  const timeoutMs = (opts.timeoutSeconds ?? 10) * 1000;
  const send = (r: OpenLoopRequest): Promise<{ status: number } | { error: "timeout" | "error" }> =>
    new Promise((resolve) => {
      const req = httpRequest(
        { agent, host: target.hostname, port: target.port, method: r.method, path: r.path, headers: { ...(r.headers ?? {}), ...(r.body === undefined ? {} : { "content-length": String(Buffer.byteLength(r.body)) }) } },
        (res) => {
          res.resume();
          res.once("end", () => resolve({ status: res.statusCode ?? 0 }));
          res.once("error", () => resolve({ error: "error" }));
        },
      );
      req.setTimeout(timeoutMs, () => {
        req.destroy();
        resolve({ error: "timeout" });
      });
      req.once("error", () => resolve({ error: "error" }));
      req.end(r.body);
    });

  // Open every connection first: the run starts with the whole pool open and idle.
  await Promise.all(Array.from({ length: opts.connections }, () => send({ method: "GET", path: "/healthz" })));

  const total = Math.max(1, Math.round(opts.rate * opts.seconds));
  const latencies = new Float64Array(total);
  const tagged = new Map<string, number[]>();
  const grouped = new Map<string, number[]>();
  const note = (m: Map<string, number[]>, k: string | undefined, ms: number): void => {
    if (k === undefined) return;
    const xs = m.get(k);
    if (xs === undefined) m.set(k, [ms]);
    else xs.push(ms);
  };
  let completed = 0;
  let non2xx = 0;
  let errors = 0;
  let timeouts = 0;
  let sent = 0;
  const pending = new Set<Promise<void>>();
  const start = performance.now();
  const intervalMs = 1000 / opts.rate;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      while (sent < total && start + sent * intervalMs <= now) {
        const i = sent++;
        const due = start + i * intervalMs;
        const r0 = opts.next(i);
        const p = send(r0).then((r) => {
          if ("error" in r) {
            if (r.error === "timeout") timeouts++;
            else errors++;
          } else {
            const ms = performance.now() - due;
            latencies[completed++] = ms;
            note(tagged, r0.tag, ms);
            note(grouped, r0.group, ms);
            if (r.status < 200 || r.status >= 300) non2xx++;
          }
          pending.delete(p);
        });
        pending.add(p);
      }
      if (sent >= total) resolve();
      else setTimeout(tick, Math.max(0, Math.min(1, start + sent * intervalMs - performance.now())));
    };
    tick();
  });
  await Promise.all([...pending]);
  const duration = (performance.now() - start) / 1000;
  agent.destroy();
  const sorted = latencies.slice(0, completed).sort();
  const figures = (m: Map<string, number[]>): Record<string, TagFigures> => {
    const out: Record<string, TagFigures> = {};
    for (const [k, xs] of m) {
      const t = Float64Array.from(xs).sort();
      out[k] = { count: t.length, p50: percentile(t, 0.5), p99: percentile(t, 0.99) };
    }
    return out;
  };
  return {
    byTag: figures(tagged),
    byGroup: figures(grouped),
    latency: { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), max: percentile(sorted, 1) },
    requests: { total: completed },
    duration,
    non2xx,
    errors,
    timeouts,
  };
}
