/**
 * Tables first, adaptively: the pace at which the read gate (readGate.ts) starts list and stream
 * reads, set by how busy the event loop is. The rooms and the HTTP API share one event loop; a
 * read costs it its HTTP parsing, its query's round trip through the database driver, and the
 * writing of its answer, and closed-loop readers take every read the gate lets through. Past a
 * few hundred reads a second that work (and the readers' and the database's own CPU, on a
 * machine they share) delays the tables' frames. So the gate admits reads at a rate, and every
 * `READ_PACE_WINDOW_MS` the rate is scaled by how far the loop's utilization over that window
 * (perf_hooks `eventLoopUtilization`: the share of wall time the loop was not waiting for I/O)
 * is from its target: above it, fewer reads; below it, more, by at most `MAX_STEP` a window.
 * The rate stays within [`MIN_READ_RATE`, `MAX_READ_RATE`]: reads are always answered, at worst
 * at the minimum rate. Admissions come in evenly spaced turns of a few reads, run at most the
 * gate's concurrency at a time (each next one after the loop has polled I/O again, readGate.ts),
 * so a frame arriving meanwhile waits for one read's step at most.
 *
 * Everything here is pure but {@link createReadPacer}'s state: the decisions are unit-tested
 * with made-up utilizations and clock readings (readPace.test.ts).
 */

/** How often the rate is adjusted, ms (the utilization's window). */
export const READ_PACE_WINDOW_MS = 100;
/** The lowest rate, reads per second: what readers get whatever the tables' load. */
export const MIN_READ_RATE = 10;
/** The highest rate, reads per second (above it the gate's concurrency bounds the reads). */
export const MAX_READ_RATE = 5000;
/**
 * Reads a turn may start (at most the gate's concurrency at a time, the next as one finishes).
 * Reads spaced one by one each wake the event loop, the database and the reader from sleep; on
 * the 2-core development machine that made a paced read cost 2.4 times the main-thread CPU of
 * one run back to back (1.44 against 0.61 ms). Turns of 8 brought it back to 0.76 ms.
 */
export const READ_PACE_BATCH = 8;
/** At most this factor up, and at least its inverse down, per window. */
export const MAX_STEP = 1.25;
const MIN_STEP = 1 / 2;

/** The next rate (reads per second) after a window whose loop utilization (0..1) was `utilization`. */
export function nextReadRate(rate: number, utilization: number, target: number): number {
  const factor = utilization <= 0 ? MAX_STEP : Math.min(MAX_STEP, Math.max(MIN_STEP, target / utilization));
  return Math.min(MAX_READ_RATE, Math.max(MIN_READ_RATE, rate * factor));
}

/**
 * Where the pace stands: reads that may still start in the current turn, and when the next turn
 * begins (ms, on the clock the gate uses). A turn lets `batch` reads start ({@link READ_PACE_BATCH}):
 * reads run back to back share their wake-ups of the event loop, the database and the readers,
 * where reads spaced one by one each pay for them.
 */
export interface PaceTurn {
  readonly left: number;
  readonly nextAt: number;
}

/** Before the first read. */
export const FIRST_TURN: PaceTurn = { left: 0, nextAt: Number.NEGATIVE_INFINITY };

/** Ms until a read may start at `now` (0: now). */
export function turnDelayMs(turn: PaceTurn, now: number): number {
  return now >= turn.nextAt || turn.left > 0 ? 0 : turn.nextAt - now;
}

/**
 * The turn after a read started at `now`, at `rate` reads per second, `batch` reads a turn. A
 * read started when its turn was due opens a turn (the next one `batch` intervals later); one
 * started within a turn takes one of its places; one started out of turn (it found the gate
 * empty, readGate.ts) leaves the pace as it was: such reads never pile up a wait for the next.
 */
export function turnAfter(turn: PaceTurn, now: number, rate: number, batch: number): PaceTurn {
  if (now >= turn.nextAt) return { left: batch - 1, nextAt: now + (batch * 1000) / rate };
  if (turn.left > 0) return { left: turn.left - 1, nextAt: turn.nextAt };
  return turn;
}

/** The read gate's pace: how long the next read waits, and the rate's adjustment. */
export interface ReadPacer {
  /** Ms until the next read may start (0: now), on the clock `now` (ms). */
  delayMs(now: number): number;
  /** A read was started at `now`: the next ones wait their turn. */
  admitted(now: number): void;
  /** The loop's utilization (0..1) over the window that just ended. */
  observe(utilization: number): void;
  /** Reads per second admitted at most now. */
  readonly rate: number;
}

/**
 * A pace keeping the loop's utilization near `target` (0..1), `batch` reads a turn; starts at
 * the highest rate.
 */
export function createReadPacer(target: number, batch = 1): ReadPacer {
  let rate = MAX_READ_RATE;
  let turn = FIRST_TURN;
  const size = Math.max(1, Math.floor(batch));
  return {
    delayMs: (now) => turnDelayMs(turn, now),
    admitted(now) {
      turn = turnAfter(turn, now, rate, size);
    },
    observe(utilization) {
      rate = nextReadRate(rate, utilization, target);
    },
    get rate() {
      return rate;
    },
  };
}

/** A pace that never holds a read (`HTTP_READ_TARGET_UTILIZATION=0`). */
export const UNPACED: ReadPacer = {
  delayMs: () => 0,
  admitted: () => undefined,
  observe: () => undefined,
  rate: Number.POSITIVE_INFINITY,
};
