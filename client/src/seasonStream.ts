/**
 * The caller's Season 0 event stream (`GET /api/season/events/stream`, Server-Sent Events,
 * docs/SEASON0.md), read with `fetch` so the access token goes in a header (EventSource cannot
 * send one). After a drop it reconnects with `Last-Event-ID` = the last `seq` delivered, so the
 * server resumes after it; anything at or below that `seq` that arrives anyway is dropped here,
 * so each event is delivered once.
 */
import { streamEventSchema, type StreamEvent } from "./season.js";

/** One SSE message. */
export interface SseMessage {
  readonly id: string | null;
  readonly event: string;
  readonly data: string;
  readonly retry: number | null;
}

/**
 * Splits SSE text into complete messages (a blank line ends one) and the unfinished rest.
 * Comment lines (`:`) are skipped; a message with neither data nor retry is dropped.
 */
export function parseSse(buffer: string): { messages: SseMessage[]; rest: string } {
  const text = buffer.replace(/\r\n?/g, "\n");
  const blocks = text.split("\n\n");
  const rest = blocks.pop() ?? "";
  const messages: SseMessage[] = [];
  for (const block of blocks) {
    let id: string | null = null;
    let event = "message";
    const data: string[] = [];
    let retry: number | null = null;
    for (const line of block.split("\n")) {
      if (line === "" || line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "id") id = value;
      else if (field === "event") event = value;
      else if (field === "data") data.push(value);
      else if (field === "retry" && /^\d+$/.test(value)) retry = Number(value);
    }
    if (data.length > 0 || retry !== null) messages.push({ id, event, data: data.join("\n"), retry });
  }
  return { messages, rest };
}

export type StreamState = "connecting" | "live" | "reconnecting" | "closed";

/** Why a connection failed (an `ApiProblem` of client/src/http.ts). */
export interface ApiProblem {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

export interface SeasonStreamOptions {
  /** Opens the stream, resuming after `lastEventId` when it is not null. */
  readonly open: (lastEventId: number | null, signal: AbortSignal) => Promise<Response | ApiProblem>;
  readonly onEvent: (e: StreamEvent) => void;
  readonly onState: (state: StreamState, problem: ApiProblem | null) => void;
  /** Waits before a reconnect (tests pass a quick one). */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

const MAX_BACKOFF_MS = 10_000;

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });
}

/** Reads the stream until `close()`, reconnecting after every drop. */
export class SeasonStream {
  private readonly abort = new AbortController();
  private lastId: number | null = null;
  private retryMs = 1000;
  private failures = 0;

  constructor(private readonly opts: SeasonStreamOptions) {}

  /** The last `seq` delivered (null: none yet). */
  get lastEventId(): number | null {
    return this.lastId;
  }

  start(): void {
    void this.run();
  }

  close(): void {
    this.abort.abort();
    this.opts.onState("closed", null);
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    const sleep = this.opts.sleep ?? abortableSleep;
    this.opts.onState("connecting", null);
    while (!signal.aborted) {
      const problem = await this.readOnce(signal);
      if (signal.aborted) return;
      this.opts.onState("reconnecting", problem);
      // A clean end (the server or a proxy closed it) retries after the server's `retry`;
      // failures back off, up to 10 s.
      const wait = problem === null ? this.retryMs : Math.min(MAX_BACKOFF_MS, this.retryMs * 2 ** Math.min(this.failures, 4));
      await sleep(wait, signal);
    }
  }

  /** One connection: null when it ended after being open, else why it failed. */
  private async readOnce(signal: AbortSignal): Promise<ApiProblem | null> {
    let res: Response | ApiProblem;
    try {
      res = await this.opts.open(this.lastId, signal);
    } catch (e: unknown) {
      res = { status: 0, code: "network/unreachable", message: e instanceof Error ? e.message : "The server cannot be reached." };
    }
    if (!(res instanceof Response)) return this.failed(res);
    if (!res.ok || res.body === null) {
      return this.failed({ status: res.status, code: `http/${res.status}`, message: res.statusText || `HTTP ${res.status}` });
    }
    this.failures = 0;
    this.opts.onState("live", null);
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return null;
        const parsed = parseSse(buffer + value);
        buffer = parsed.rest;
        for (const m of parsed.messages) this.deliver(m);
      }
    } catch (e: unknown) {
      if (signal.aborted) return null;
      return { status: 0, code: "network/unreachable", message: e instanceof Error ? e.message : "The stream was cut." };
    }
  }

  private failed(p: ApiProblem): ApiProblem {
    this.failures += 1;
    return p;
  }

  private deliver(m: SseMessage): void {
    if (m.retry !== null) this.retryMs = m.retry;
    if (m.data === "") return;
    let json: unknown;
    try {
      json = JSON.parse(m.data);
    } catch {
      return;
    }
    const e = streamEventSchema.safeParse(json);
    if (!e.success) return;
    if (this.lastId !== null && e.data.seq <= this.lastId) return;
    this.lastId = e.data.seq;
    this.opts.onEvent(e.data);
  }
}
