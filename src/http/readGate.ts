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
 * Closed-loop readers are slowed to what the gate admits, so they cannot take the whole loop.
 */

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

/** Creates a gate running at most `limit` reads, with at most `maxQueue` waiting. */
export function createReadGate(limit: number, maxQueue: number, leaseMs = READ_LEASE_MS): ReadGate {
  if (limit <= 0) return OPEN_GATE;
  let running = 0;
  const queue: (() => void)[] = [];
  let scheduled = false;
  const admitNext = (): void => {
    scheduled = false;
    while (running < limit) {
      const next = queue.shift();
      if (next === undefined) return;
      running += 1;
      next();
    }
  };
  const release = (): void => {
    running -= 1;
    if (queue.length > 0 && !scheduled) {
      scheduled = true;
      setImmediate(admitNext);
    }
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
      if (running < limit && queue.length === 0) {
        running += 1;
        return Promise.resolve(once());
      }
      if (queue.length >= maxQueue) return null;
      return new Promise((resolve) => queue.push(() => resolve(once())));
    },
    get running() {
      return running;
    },
    get waiting() {
      return queue.length;
    },
  };
}
