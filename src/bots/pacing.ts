/**
 * Bot pacing: at a table where a person sits, a server bot waits a human-like time before each
 * move, drawn uniformly from a range (jitter; `BOT_HUMAN_DELAY_MS`, default 600-1200 ms), so a
 * person can follow the play; at a bots-only table it waits the fixed `BOT_MOVE_DELAY_MS`.
 */

/** An inclusive range of milliseconds. */
export interface DelayRange {
  readonly minMs: number;
  readonly maxMs: number;
}

/** A delay drawn from the range; `random` returns [0, 1). */
export function drawDelay(range: DelayRange, random: () => number = Math.random): number {
  return Math.round(range.minMs + (range.maxMs - range.minMs) * random());
}
