/**
 * REST reader loops for the load harness (`--readers N --read-path PATH`): N loops, each
 * sending `GET PATH` and reading the whole body (not parsing it) back to back, to see what heavy
 * REST reads do to the tables. Runs in the coordinator process; its event-loop delay is printed.
 */

/** What the readers measured. */
export interface ReaderFigures {
  /** Latency (send -> whole body read) of every read that answered 200, in ms. */
  readonly latencies: number[];
  /** Reads that did not answer 200 (status or network error), by cause. */
  readonly failures: Map<string, number>;
  /** Bytes of the 200 bodies read. */
  bytes: number;
  /** Wall time the loops ran, in s (set when stopped). */
  seconds: number;
}

/**
 * Running reader loops: `stop()` ends them and returns their figures. Reads still in flight are
 * aborted (a paced read can wait seconds for its turn) and counted nowhere.
 */
export interface Readers {
  stop(): Promise<ReaderFigures>;
}

/** Starts `count` loops reading `${httpBase}${readPath}`. */
export function startReaders(httpBase: string, readPath: string, count: number): Readers {
  const figures: ReaderFigures = { latencies: [], failures: new Map(), bytes: 0, seconds: 0 };
  let running = true;
  const started = performance.now();
  const url = `${httpBase}${readPath}`;
  const fail = (cause: string): void => void figures.failures.set(cause, (figures.failures.get(cause) ?? 0) + 1);
  const stopped = new AbortController();
  const loop = async (): Promise<void> => {
    while (running) {
      const sent = performance.now();
      try {
        const res = await fetch(url, { signal: stopped.signal });
        const body = await res.arrayBuffer();
        if (res.status === 200) {
          figures.latencies.push(performance.now() - sent);
          figures.bytes += body.byteLength;
        } else {
          fail(`HTTP ${res.status}`);
        }
      } catch (err: unknown) {
        if (!running) return;
        fail(err instanceof Error ? err.message : String(err));
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };
  const loops = Array.from({ length: count }, loop);
  return {
    async stop() {
      running = false;
      figures.seconds = (performance.now() - started) / 1000;
      stopped.abort();
      await Promise.all(loops);
      return figures;
    },
  };
}
