/**
 * Warnings about a dependency that is down (Redis, PostgreSQL) repeat on every request, move and
 * retry while the outage lasts. They are logged as one line per message and minute (no stack:
 * the error's message only); lines over the budget are counted, and the next line logged says how
 * many were left out (`notLogged`). docs/OPERATIONS.md, Failure modes.
 */

/** The smallest logger this needs (pino's and the ladder's both fit). */
export interface WarnLogger {
  warn(obj: object, msg: string): void;
}

/** One line per message and `windowMs`. */
export class OutageLog {
  private readonly last = new Map<string, { at: number; notLogged: number }>();

  constructor(
    private readonly windowMs = 60_000,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Logs `msg` with `fields` (and `err` as its message only) unless it was logged within the window. */
  warn(logger: WarnLogger, fields: Record<string, unknown>, msg: string, err?: unknown): void {
    const t = this.now();
    const seen = this.last.get(msg);
    if (seen !== undefined && t - seen.at < this.windowMs) {
      seen.notLogged += 1;
      return;
    }
    const notLogged = seen?.notLogged ?? 0;
    this.last.set(msg, { at: t, notLogged: 0 });
    logger.warn({ ...fields, ...(err === undefined ? {} : { err: errorText(err) }), ...(notLogged > 0 ? { notLogged } : {}) }, msg);
  }
}

/** An error's message, without its stack. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The process's outage warnings. */
export const outageLog = new OutageLog();
