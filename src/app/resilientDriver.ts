/**
 * Colyseus's RedisDriver, made safe for a Redis outage (issue 19, item 1). Colyseus awaits the
 * driver when a room's listing changes, when a client joins or leaves, and when a room is
 * disposed: a Redis that is down would make those reject, and a rejected `remove` at dispose skips
 * the room's own `onDispose` (its clean-up) and drops its clients without a close code. Here the
 * listing writes never throw: a failed write is logged as an outage warning (once a minute) and a
 * failed removal is remembered and made again when Redis is back ({@link retryRemovals}). Reads
 * (matchmaking queries) still fail, and the matchmaker answers the client with its error.
 */
import { RedisDriver } from "@colyseus/redis-driver";
import type { IRoomCache } from "@colyseus/core";
import type { Redis } from "ioredis";
import type { Logger } from "../platform/logger.js";
import { outageLog } from "../platform/outageLog.js";

export class ResilientRedisDriver extends RedisDriver {
  private readonly pendingRemovals = new Set<string>();

  constructor(
    client: Redis,
    private readonly log: Logger,
  ) {
    super(client);
  }

  override async update(room: IRoomCache, operations: Parameters<RedisDriver["update"]>[1]): Promise<boolean> {
    try {
      return await super.update(room, operations);
    } catch (err) {
      outageLog.warn(this.log, {}, "matchmaking listing not written (Redis unavailable)", err);
      return false;
    }
  }

  override async persist(room: IRoomCache, create?: boolean): Promise<boolean> {
    try {
      return await super.persist(room, create);
    } catch (err) {
      outageLog.warn(this.log, {}, "matchmaking listing not written (Redis unavailable)", err);
      return false;
    }
  }

  override async remove(roomId: string): Promise<boolean> {
    try {
      const removed = await super.remove(roomId);
      this.pendingRemovals.delete(roomId);
      return removed;
    } catch (err) {
      this.pendingRemovals.add(roomId);
      outageLog.warn(this.log, { pending: this.pendingRemovals.size }, "matchmaking listing not removed (Redis unavailable); removed when it returns", err);
      return false;
    }
  }

  /** Makes the removals that failed while Redis was down (call when it is back). */
  async retryRemovals(): Promise<void> {
    for (const roomId of [...this.pendingRemovals]) await this.remove(roomId);
  }
}
