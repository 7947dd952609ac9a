/**
 * The event log's Prometheus metrics, fed by `GroupCommitEventLog.onFlush` (db/ stays free of
 * prom-client), into the Registry the composition root passes in:
 * - `pzo_eventlog_flush_events`: events per flush (group commit's batch size);
 * - `pzo_eventlog_flush_seconds`: a flush's latency, start to every append settled (retries
 *   included), which is what a move waits for before anyone is shown it;
 * - `pzo_eventlog_flush_failures_total`: flushes in which any append was rejected.
 */
import { Counter, Histogram, type Registry } from "prom-client";
import type { FlushReport } from "../../db/eventLog.js";
import { LATENCY_BUCKETS } from "../http/httpMetrics.js";

/** Something that reports its flushes (the group-commit event log). */
export interface FlushSource {
  onFlush(listener: (report: FlushReport) => void): () => void;
}

/** Registers the event-log metrics and subscribes them to `log`. Returns the unsubscribe function. */
export function registerEventLogMetrics(registry: Registry, log: FlushSource): () => void {
  const registers = [registry];
  const size = new Histogram({
    name: "pzo_eventlog_flush_events",
    help: "Events per event-log flush (one multi-row INSERT serves every game that wrote in the window)",
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
    registers,
  });
  const latency = new Histogram({
    name: "pzo_eventlog_flush_seconds",
    help: "Event-log flush latency, from its start until every append in it is settled (retries included)",
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const failures = new Counter({
    name: "pzo_eventlog_flush_failures_total",
    help: "Event-log flushes in which any append was rejected",
    registers,
  });
  return log.onFlush((report) => {
    size.observe(report.events);
    latency.observe(report.seconds);
    if (!report.committed) failures.inc();
  });
}
