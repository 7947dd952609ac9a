/**
 * The ladder wiring: src/ladder's service over PostgreSQL (PgLadderStore) with a Redis or
 * in-process cache, publishing its deltas on Colyseus presence (so they cross processes). Every
 * process subscribes to that channel and feeds the deltas into a local history for the HTTP SSE
 * stream; lobby rooms subscribe to the same channel. It also runs the periodic purge of consumed
 * action tokens past expiry (`ACTION_TOKEN_PURGE_INTERVAL_MS`).
 */
import type { Redis } from "ioredis";
import type { Registry } from "prom-client";
import type { Database } from "../../db/client.js";
import { getPlayers } from "../../db/players.js";
import { DEFAULT_MAX_TOKEN_LIFETIME_MS } from "../ladder/actionTokens.js";
import { InProcessDeltaPublisher } from "../ladder/deltas.js";
import { MemoryLadderCache } from "../ladder/memoryCache.js";
import { PgLadderStore } from "../../db/ladderStore.js";
import type { RankedEntry } from "../ladder/ranking.js";
import { RedisLadderCache } from "../ladder/redisCache.js";
import { LadderService } from "../ladder/service.js";
import { ConsumedTokenPurger } from "../ladder/submission.js";
import type { LadderRow, LadderSnapshotMessage } from "../shared/protocol.js";
import type { LadderFacade } from "../../rooms/ports.js";
import type { PresenceDeltaBus } from "../../rooms/presenceBus.js";
import type { Config } from "../platform/config.js";
import type { Logger } from "../platform/logger.js";

/** The ladder parts the composition root hands out. */
export interface LadderWiring {
  readonly service: LadderService;
  readonly facade: LadderFacade;
  /** Deltas from every process, with history (the HTTP SSE feed). */
  readonly feed: InProcessDeltaPublisher;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Builds the ladder service, its facade for the rooms, and the local delta feed. */
export function createLadder(options: {
  readonly config: Config;
  readonly db: Database;
  readonly bus: PresenceDeltaBus;
  readonly registry: Registry;
  readonly logger: Logger;
  /** The ladder cache's Redis connection (src/app/redisClients.ts), or null: the in-process cache. */
  readonly redis: Redis | null;
}): LadderWiring {
  const { config, db, bus, registry } = options;
  const logger = options.logger.child({ component: "ladder" });
  const redis = options.redis;
  const cache = redis === null ? new MemoryLadderCache() : new RedisLadderCache(redis, { prefix: config.REDIS_PREFIX });
  const service = new LadderService({
    cache,
    store: new PgLadderStore(db),
    publisher: bus,
    logger,
    registry,
    options: { driftIntervalMs: config.LADDER_DRIFT_INTERVAL_MS },
  });
  const feed = new InProcessDeltaPublisher();
  // Action tokens are made with the default lifetime (src/http/scoresAdapter.ts).
  const purger = new ConsumedTokenPurger({ db, logger, intervalMs: config.ACTION_TOKEN_PURGE_INTERVAL_MS, maxLifetimeMs: DEFAULT_MAX_TOKEN_LIFETIME_MS });
  let unsubscribe: (() => void) | null = null;

  const rows = async (entries: readonly RankedEntry[]): Promise<LadderRow[]> => {
    const names = new Map((await getPlayers(db, entries.map((e) => e.entry.playerId))).map((p) => [p.id, p.displayName] as const));
    return entries.map((r) => ({
      rank: r.rank,
      playerId: r.entry.playerId,
      displayName: names.get(r.entry.playerId) ?? "",
      total: r.entry.total,
      highest: r.entry.highest,
      games: r.entry.games,
      wins: r.entry.wins,
    }));
  };

  const facade: LadderFacade = {
    async snapshot(limit): Promise<LadderSnapshotMessage> {
      const [allTime, season, rating] = await Promise.all([service.top({ tier: "all_time" }, limit), service.top({ tier: "season" }, limit), service.top({ tier: "rating" }, limit)]);
      return {
        season: service.currentSeason(),
        tiers: {
          all_time: allTime.ok ? await rows(allTime.value.entries) : [],
          season: season.ok ? await rows(season.value.entries) : [],
          rating: rating.ok ? await rows(rating.value.entries) : [],
        },
        generatedAt: new Date().toISOString(),
      };
    },
  };

  return {
    service,
    facade,
    feed,
    async start() {
      unsubscribe = await bus.subscribe((delta) => feed.publish(delta));
      await service.start();
      purger.start();
    },
    async stop() {
      unsubscribe?.();
      await purger.stop();
      await service.stop();
    },
  };
}
