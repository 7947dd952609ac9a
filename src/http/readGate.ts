/**
 * Tables first: the reads' admission gate. The rooms and the HTTP API share one event loop,
 * and every request callback that is ready runs before the next WebSocket frame is read; with
 * many readers in flight one loop turn can hold dozens of reads' work, and a move waits behind
 * it. The gate lets at most `limit` list and stream reads (routes of the `read` rate group that
 * are paginated or streamed: router.ts `isGatedRead`; point reads are cheap and pass) run at once and
 * starts each waiting one from `setImmediate`, after the loop has polled I/O again: between
 * two admissions the rooms' frames are handled. Waiting reads queue in arrival order, at most
 * `maxQueue` of them; past that a read is refused (503 `service/busy`, router.ts).
 *
 * A read holds its place for at most `leaseMs`: one that waits longer (a slow client reading a
 * long NDJSON log, a database that does not answer) gives its place back and carries on outside
 * the gate, so slow reads never stop the others.
 *
 * Overlapping reads are also paced (readPace.ts): a read that finds another running or waiting
 * starts no sooner than the pace allows, and the pace follows the event loop's utilization, so
 * closed-loop readers are slowed to what the tables leave over rather than slowing the tables.
 * A read that finds the gate empty starts at once.
 */
import { UNPACED, type ReadPacer } from "./readPace.js";

/** Lets a read run; call the returned release when it has finished (answered or failed). */
export interface ReadGate {
  /** A release function once admitted; null when the queue is full (refuse the read). */
  enter(): Promise<() => void> | null;
  /** Reads running now. */
  readonly running: number;
  /** Reads waiting now. */
  readonly waiting: number;
}

/** A gate that admits everything at once (`HTTP_READ_CONCURRENCY=0`). */
export const OPEN_GATE: ReadGate = {
  enter: () => Promise.resolve(() => undefined),
  running: 0,
  waiting: 0,
};

/** How long a read holds its place in the gate at most, ms. */
export const READ_LEASE_MS = 50;

/** What a gate needs besides its sizes; defaults: the 50 ms lease, no pace, `performance.now`. */
export interface ReadGateOptions {
  readonly leaseMs?: number;
  readonly pacer?: ReadPacer;
  readonly now?: () => number;
}

/**
 * Creates a gate running at most `limit` reads, with at most `maxQueue` waiting, started no
 * faster than `pacer` allows.
 */
export function createReadGate(limit: number, maxQueue: number, options: ReadGateOptions = {}): ReadGate {
  if (limit <= 0) return OPEN_GATE;
  const { leaseMs = READ_LEASE_MS, pacer = UNPACED, now = () => performance.now() } = options;
  let running = 0;
  const queue: (() => void)[] = [];
  let scheduled = false;
  const start = (): void => {
    running += 1;
    pacer.admitted(now());
  };
  /** Starts waiting reads while there is room and the pace allows; else waits for either. */
  const admitNext = (): void => {
    scheduled = false;
    while (running < limit && queue.length > 0) {
      const wait = pacer.delayMs(now());
      if (wait > 0) {
        scheduled = true;
        setTimeout(admitNext, wait).unref();
        return;
      }
      const next = queue.shift();
      if (next === undefined) return;
      start();
      next();
    }
  };
  const schedule = (): void => {
    if (queue.length > 0 && running < limit && !scheduled) {
      scheduled = true;
      setImmediate(admitNext);
    }
  };
  const release = (): void => {
    running -= 1;
    schedule();
  };
  const once = (): (() => void) => {
    let done = false;
    const end = (): void => {
      if (done) return;
      done = true;
      clearTimeout(lease);
      release();
    };
    const lease = setTimeout(end, leaseMs);
    lease.unref();
    return end;
  };
  return {
    enter() {
      // A read that finds the gate empty starts at once: the pace holds overlapping reads only.
      if (running < limit && queue.length === 0 && (running === 0 || pacer.delayMs(now()) === 0)) {
        start();
        return Promise.resolve(once());
      }
      if (queue.length >= maxQueue) return null;
      const admitted = new Promise<() => void>((resolve) => queue.push(() => resolve(once())));
      schedule();
      return admitted;
    },
    get running() {
      return running;
    },
    get waiting() {
      return queue.length;
    },
  };
}
