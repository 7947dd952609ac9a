/**
 * Operational HTTP routes the game server serves itself: process figures (the load
 * harness reads CPU and RSS from `/stats`).
 */
import type express from "express";
import { matchMaker } from "@colyseus/core";

/** Process-level figures kept by the composition root. */
export interface ProcessMetrics {
  readonly startedAt: number;
}

/** Live figures of the process, as `/stats` returns them. */
export interface ProcessStats {
  readonly uptimeSeconds: number;
  readonly transport: "uws" | "ws";
  readonly cpuUserMicros: number;
  readonly cpuSystemMicros: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  readonly rooms: number;
  readonly clients: number;
  readonly bots: number;
  /** This process's Colyseus process id and the rooms it hosts (scale-out checks). */
  readonly processId: string;
  readonly roomIds: readonly string[];
}

/** Registers `/stats` (liveness `/healthz` and `/metrics` come with the REST API). */
export function registerOperationalRoutes(
  app: express.Application,
  ctx: { readonly metrics: ProcessMetrics; readonly transportKind: "uws" | "ws"; readonly bots: { readonly size: number } },
): void {
  app.get("/stats", async (_req, res) => {
    const cpu = process.cpuUsage();
    const mem = process.memoryUsage();
    const stats: ProcessStats = {
      uptimeSeconds: (Date.now() - ctx.metrics.startedAt) / 1000,
      transport: ctx.transportKind,
      cpuUserMicros: cpu.user,
      cpuSystemMicros: cpu.system,
      rssBytes: mem.rss,
      heapUsedBytes: mem.heapUsed,
      rooms: matchMaker.stats.local.roomCount,
      clients: matchMaker.stats.local.ccu,
      bots: ctx.bots.size,
      processId: matchMaker.processId,
      roomIds: (await matchMaker.query({ processId: matchMaker.processId })).map((r) => r.roomId),
    };
    res.json(stats);
  });
}
