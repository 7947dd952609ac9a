/**
 * Operational HTTP routes the game server serves itself: process figures (the load
 * harness reads CPU and RSS from `/stats`).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type express from "express";
import { matchMaker } from "@colyseus/core";
import { z } from "zod";
import { problem, sendProblem } from "../http/problem.js";

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

/** A private table's listing says `isPublic: false`; its id is not shown in `/stats`. */
const privateListing = z.object({ isPublic: z.literal(false) });

function bearerMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer\s+(\S+)$/i.exec(header ?? "")?.[1];
  if (given === undefined) return false;
  return timingSafeEqual(createHash("sha256").update(given).digest(), createHash("sha256").update(token).digest());
}

/**
 * Registers `/stats` (liveness `/healthz` and `/metrics` come with the REST API). With
 * METRICS_TOKEN set it needs `Authorization: Bearer <METRICS_TOKEN>`, like `/metrics`; private
 * tables' ids are never listed.
 */
export function registerOperationalRoutes(
  app: express.Application,
  ctx: {
    readonly metrics: ProcessMetrics;
    readonly transportKind: "uws" | "ws";
    readonly bots: { readonly size: number };
    readonly metricsToken: string | undefined;
  },
): void {
  app.get("/stats", async (req, res) => {
    if (ctx.metricsToken !== undefined && !bearerMatches(req.headers.authorization, ctx.metricsToken)) {
      sendProblem(res, problem("auth/invalid_token", "METRICS_TOKEN required"), undefined);
      return;
    }
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
      roomIds: (await matchMaker.query({ processId: matchMaker.processId })).filter((r) => !privateListing.safeParse(r.metadata).success).map((r) => r.roomId),
    };
    res.json(stats);
  });
}
