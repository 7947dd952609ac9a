/**
 * The lease keeper's Prometheus metrics (src/app/nodeLeases.ts), read at each scrape:
 * - `pzo_tables_adopted_total`: tables this process rebuilt from the log after their process died
 *   (or released them at shutdown);
 * - `pzo_tables_lost_total`: tables this process closed because another process took them over;
 * - `pzo_node_lease_sweep_failures_total`: lease sweeps that failed (the database did not answer).
 */
import { Counter, type Registry } from "prom-client";
import type { NodeLeaseStats } from "./nodeLeases.js";

/** Registers the counters over `stats` (a live object the keeper updates). */
export function registerNodeLeaseMetrics(registry: Registry, stats: Readonly<NodeLeaseStats>): void {
  const counter = (name: string, help: string, read: () => number): void => {
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  };
  counter("pzo_tables_adopted_total", "Tables this process rebuilt from their log after their host died or released them", () => stats.adopted);
  counter("pzo_tables_lost_total", "Tables this process closed because another process took them over (its lease lapsed)", () => stats.lost);
  counter("pzo_node_lease_sweep_failures_total", "Lease sweeps (renew, adopt) that failed", () => stats.failedSweeps);
}
