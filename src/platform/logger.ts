/** Structured JSON logs (pino). One root logger is made in the composition root and passed down. */
import { pino, type Logger } from "pino";

export type { Logger };

/**
 * Drops SQL parameter values from a serialized error (issue 15, item 5): a failed query's error
 * carries them in `params` and in its message after `params:`, and they may hold user input.
 */
export function scrubError(value: unknown, depth = 0): unknown {
  if (typeof value !== "object" || value === null || depth > 5) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === "params" || key === "parameters") continue;
    if (key === "message" || key === "stack") out[key] = typeof v === "string" ? v.replace(/\nparams: [^\n]*/g, "\nparams: [redacted]") : v;
    else if (key === "cause") out[key] = scrubError(v, depth + 1);
    else out[key] = v;
  }
  return out;
}

function serializeErr(err: unknown): unknown {
  return scrubError(err instanceof Error ? pino.stdSerializers.err(err) : err);
}

/** Creates the process logger. */
export function createLogger(level: string, base: Record<string, unknown> = {}): Logger {
  return pino({ level, base: { service: "pzo", ...base }, timestamp: pino.stdTimeFunctions.isoTime, serializers: { err: serializeErr } });
}
