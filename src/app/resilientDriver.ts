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
 *
 * A removal removes only a listing of this process (issue 19, item 3): a table this process lost
 * to another (which adopted it under the same room id) must not delete its new host's listing
 * when its room goes here. A dead process's listings go with Colyseus's `cleanup(processId)`.
 */
import { RedisDriver } from "@colyseus/redis-driver";
import { matchMaker, type IRoomCache } from "@colyseus/core";
import type { Redis } from "ioredis";
import type { Logger } from "../platform/logger.js";
import { outageLog } from "../platform/outageLog.js";

/** Colyseus's hash of room listings (its RedisDriver's key). */
const ROOMCACHES_KEY = "roomcaches";

/** HDEL the listing only when it is the given process's (`ARGV[2]` is its `"processId":"…"` JSON member). */
const REMOVE_OWN_LISTING = `
local v = redis.call('HGET', KEYS[1], ARGV[1])
if not v then return 0 end
if string.find(v, ARGV[2], 1, true) then return redis.call('HDEL', KEYS[1], ARGV[1]) end
return 0`;

export class ResilientRedisDriver extends RedisDriver {
  private readonly pendingRemovals = new Set<string>();
  /** This process's rooms' listings, by room id: written (or tried) and not removed since. */
  private readonly listed = new Map<string, IRoomCache>();

  constructor(
    private readonly client: Redis,
    private readonly log: Logger,
    /** This process's Colyseus process id (read at each removal: it is set when the matchmaker starts). */
    private readonly processId: () => string | undefined = () => matchMaker.processId,
  ) {
    super(client);
  }

  /** Removes the room's listing if it is this process's (see the module comment). */
  private async removeOwn(roomId: string): Promise<boolean> {
    const processId = this.processId();
    if (processId === undefined) return super.remove(roomId);
    const removed = await this.client.eval(REMOVE_OWN_LISTING, 1, ROOMCACHES_KEY, roomId, `"processId":${JSON.stringify(processId)}`);
    return removed === 1;
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
      const removed = await this.removeOwn(roomId);
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
