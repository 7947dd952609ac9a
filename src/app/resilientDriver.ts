/**
 * Colyseus's RedisDriver, made safe for a Redis outage (issue 19, item 1). Colyseus awaits the
 * driver when a room's listing changes, when a client joins or leaves, and when a room is
 * disposed: a Redis that is down would make those reject, and a rejected `remove` at dispose skips
 * the room's own `onDispose` (its clean-up) and drops its clients without a close code. Here the
 * listing writes never throw: a failed write is logged as an outage warning (once a minute) and a
 * failed removal is remembered and made again when Redis is back ({@link retryRemovals}). Reads
 * (matchmaking queries) still fail, and the matchmaker answers the client with its error.
 *
 * Redis may come back empty (it keeps nothing on disk, or it was replaced), which would leave this
 * process's live rooms unlisted until each one's listing next changed, so that no other process
 * could find them. The driver keeps the listing of every room it wrote and did not remove, and
 * {@link relist} writes them all again when Redis is back (HSET of the same JSON: harmless when
 * the entries are still there).
 */
import { RedisDriver } from "@colyseus/redis-driver";
import type { IRoomCache } from "@colyseus/core";
import type { Redis } from "ioredis";
import type { Logger } from "../platform/logger.js";
import { outageLog } from "../platform/outageLog.js";

export class ResilientRedisDriver extends RedisDriver {
  private readonly pendingRemovals = new Set<string>();
  /** This process's rooms' listings, by room id: written (or tried) and not removed since. */
  private readonly listed = new Map<string, IRoomCache>();

  constructor(
    client: Redis,
    private readonly log: Logger,
  ) {
    super(client);
  }

  override async update(room: IRoomCache, operations: Parameters<RedisDriver["update"]>[1]): Promise<boolean> {
    this.listed.set(room.roomId, room);
    try {
      return await super.update(room, operations);
    } catch (err) {
      outageLog.warn(this.log, {}, "matchmaking listing not written (Redis unavailable)", err);
      return false;
    }
  }

  override async persist(room: IRoomCache, create?: boolean): Promise<boolean> {
    if (room.roomId) this.listed.set(room.roomId, room);
    try {
      return await super.persist(room, create);
    } catch (err) {
      outageLog.warn(this.log, {}, "matchmaking listing not written (Redis unavailable)", err);
      return false;
    }
  }

  override async remove(roomId: string): Promise<boolean> {
    this.listed.delete(roomId);
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

  /** Writes the listing of every live room of this process again (call when Redis is back). */
  async relist(): Promise<number> {
    let written = 0;
    for (const room of [...this.listed.values()]) if (await this.persist(room)) written++;
    return written;
  }

  /** When Redis is back: the failed removals first, then every live room's listing again. */
  async reconnected(): Promise<void> {
    await this.retryRemovals();
    const written = await this.relist();
    if (written > 0) this.log.info({ rooms: written }, "matchmaking listings written again after Redis returned");
  }
}
