/** Structured JSON logs (pino). One root logger is made in the composition root and passed down. */
import { pino, type Logger } from "pino";

export type { Logger };

/** Creates the process logger. */
export function createLogger(level: string, base: Record<string, unknown> = {}): Logger {
  return pino({ level, base: { service: "pzo", ...base }, timestamp: pino.stdTimeFunctions.isoTime });
}
