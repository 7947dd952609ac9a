/**
 * Colyseus's own log lines, onto the process logger. The ws transport reports a client's bad
 * frame (over the size limit, or not a valid WebSocket frame) as an error with a stack; those
 * are client faults (issue 19, item 4): one info line without a stack, rate-limited per process
 * (src/platform/clientFaults.ts). Everything else passes through at its own level.
 */
import { clientFaults, firstLine, type ClientFaultLog } from "../platform/clientFaults.js";
import type { Logger } from "../platform/logger.js";
import { outageLog } from "../platform/outageLog.js";

/** First lines of the `ws` receiver's errors for a frame the client got wrong. */
/** A Redis client's errors while Redis is down or hangs (ioredis messages). */
const REDIS_OUTAGE = /(MaxRetriesPerRequestError|Command timed out|Connection is closed|Stream isn't writeable|ECONNREFUSED)/;

const CLIENT_FRAME_FAULT = /^(Max payload size exceeded|Invalid WebSocket frame|Unsupported WebSocket frame|Invalid UTF-8 sequence)/;

/** The logger interface Colyseus calls (`setLogger`). */
export interface ColyseusLogger {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
  trace(...args: unknown[]): void;
}

function show(arg: unknown): string {
  if (typeof arg === "string") return arg;
  if (arg instanceof Error) return arg.stack ?? arg.message;
  try {
    return JSON.stringify(arg) ?? String(arg);
  } catch {
    return String(arg);
  }
}

const text = (args: readonly unknown[]): string => args.map(show).join(" ");

/** Colyseus's logger over `logger`, with client frame faults turned into rate-limited info lines. */
export function colyseusLogger(logger: Logger, faults: ClientFaultLog = clientFaults): ColyseusLogger {
  const redisLines = new MinuteBudget(1);
  return {
    debug: (...args) => logger.debug(text(args)),
    info: (...args) => logger.info(text(args)),
    warn: (...args) => {
      const message = text(args);
      // RedisPresence says so on every reconnect attempt while Redis is down: one line a minute.
      if (message.startsWith("RedisPresence:") && !redisLines.admit(Date.now())) return;
      logger.warn(message);
    },
    trace: (...args) => logger.trace(text(args)),
    error: (...args) => {
      const message = text(args);
      const first = firstLine(message);
      if (CLIENT_FRAME_FAULT.test(first)) return faults.log(logger, { fault: first }, "client frame refused");
      // A Redis command that failed while Redis is down (a room's listing removed on dispose, the
      // process's stats): an outage the server works through, not a bug (issue 19, item 1).
      if (REDIS_OUTAGE.test(first)) return outageLog.warn(logger, {}, `colyseus: redis unavailable (${first.split(":")[0] ?? ""})`, first);
      logger.error(message);
    },
  };
}

/** At most `perMinute` admissions in any fixed one-minute window. */
class MinuteBudget {
  private windowStart = Number.NEGATIVE_INFINITY;
  private used = 0;

  constructor(private readonly perMinute: number) {}

  admit(now: number): boolean {
    if (now - this.windowStart >= 60_000) {
      this.windowStart = now;
      this.used = 0;
    }
    this.used += 1;
    return this.used <= this.perMinute;
  }
}
