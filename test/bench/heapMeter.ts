/**
 * The bench server's allocation and GC meter (`GET /bench/heap`): bytes the JavaScript heap
 * allocated and the collections it made since the previous reading, from V8's GCProfiler.
 * Allocation per request does not depend on how busy the machine is, unlike latency: it is the
 * figure to compare before and after a change on a shared machine.
 *
 * Allocated = heap used now - heap used at the previous reading + what every collection freed.
 */
import { GCProfiler, getHeapStatistics } from "node:v8";
import { z } from "zod";

/** One kind of collection's count, total pause and longest pause. */
export interface GcFigures {
  readonly count: number;
  readonly ms: number;
  readonly maxMs: number;
}

/** A reading. */
export interface HeapReading {
  readonly allocatedBytes: number;
  readonly scavenges: GcFigures;
  /** Mark-sweep, incremental marking steps, weak callbacks. */
  readonly others: GcFigures;
}

const gcSchema = z.object({
  gcType: z.string(),
  cost: z.number(),
  beforeGC: z.object({ heapStatistics: z.object({ usedHeapSize: z.number() }) }),
  afterGC: z.object({ heapStatistics: z.object({ usedHeapSize: z.number() }) }),
});

/** Starts metering; each `read()` returns the figures since the previous one (or the start). */
export function startHeapMeter(): { read(): HeapReading } {
  let profiler = new GCProfiler();
  profiler.start();
  let lastUsed = getHeapStatistics().used_heap_size;
  return {
    read() {
      const data: unknown = profiler.stop();
      profiler = new GCProfiler();
      profiler.start();
      const gcs = z.object({ statistics: z.array(gcSchema) }).parse(data).statistics;
      const used = getHeapStatistics().used_heap_size;
      const freed = gcs.reduce((n, g) => n + g.beforeGC.heapStatistics.usedHeapSize - g.afterGC.heapStatistics.usedHeapSize, 0);
      const allocatedBytes = used - lastUsed + freed;
      lastUsed = used;
      const figures = (pick: (type: string) => boolean): GcFigures => {
        const costs = gcs.filter((g) => pick(g.gcType)).map((g) => g.cost / 1000);
        return { count: costs.length, ms: Math.round(costs.reduce((a, b) => a + b, 0) * 10) / 10, maxMs: Math.round(Math.max(0, ...costs) * 100) / 100 };
      };
      return { allocatedBytes, scavenges: figures((t) => t === "Scavenge"), others: figures((t) => t !== "Scavenge") };
    },
  };
}
