/**
 * Client-caused faults (bad create or join options, refused joins, malformed or oversized
 * frames) are the client's answer, not the server's problem (issue 19, item 4): they are logged
 * at info, as one line without a stack, and at most `perMinute` lines a minute per process, so a
 * client cannot fill the log. Lines over the budget are counted, and the next line logged says
 * how many were left out.
 */
import type { Logger } from "./logger.js";

/** Client-fault lines logged per minute and process (the rest are counted). */
export const CLIENT_FAULT_LINES_PER_MINUTE = 30;

/** A fixed one-minute window of client-fault log lines. */
export class ClientFaultLog {
  private windowStart = Number.NEGATIVE_INFINITY;
  private lines = 0;
  private suppressed = 0;

  constructor(
    private readonly perMinute = CLIENT_FAULT_LINES_PER_MINUTE,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Logs `fields` and `msg` at info on `logger` unless the minute's budget is spent. */
  log(logger: Logger, fields: Record<string, unknown>, msg: string): void {
    const t = this.now();
    if (t - this.windowStart >= 60_000) {
      this.windowStart = t;
      this.lines = 0;
    }
    if (this.lines >= this.perMinute) {
      this.suppressed += 1;
      return;
    }
    this.lines += 1;
    const left = this.suppressed;
    this.suppressed = 0;
    logger.info(left === 0 ? { clientFault: true, ...fields } : { clientFault: true, ...fields, clientFaultsNotLogged: left }, msg);
  }
}

/** The process's client-fault log. */
export const clientFaults = new ClientFaultLog();

/** The first line of a message (no stack, no multi-line detail). */
export function firstLine(text: string): string {
  return text.split("\n", 1)[0] ?? "";
}
