/**
 * ResilientRedisDriver against a real Redis (a logical database this suite claims alone): Redis
 * that comes back empty gets every live room's listing again, and never a removed room's.
 * Skipped loudly without REDIS_URL.
 */
import type { IRoomCache } from "@colyseus/core";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claimRedisDatabase, redisMissing, redisSuiteName, type ClaimedRedisDatabase } from "../../test/support/redis.js";
import { createLogger } from "../platform/logger.js";
import { ResilientRedisDriver } from "./resilientDriver.js";

const ROOMCACHES_KEY = "roomcaches";

function listing(roomId: string, clients: number): IRoomCache {
  return { roomId, name: "table", processId: "p1", clients, maxClients: 5, locked: false, private: false, publicAddress: undefined };
}

describe.skipIf(redisMissing)(redisSuiteName("ResilientRedisDriver re-lists this process's rooms when Redis returns"), () => {
  let claimed: ClaimedRedisDatabase;
  let client: Redis;
  let reader: Redis;

  beforeAll(async () => {
    claimed = await claimRedisDatabase();
    client = new Redis(claimed.url, { maxRetriesPerRequest: 2 });
    reader = new Redis(claimed.url, { maxRetriesPerRequest: 2 });
  });
  afterAll(async () => {
    client.disconnect();
    reader.disconnect();
    await claimed.release();
  });

  it("after Redis comes back empty, every live room is listed again as it last stood; a removed one is not", async () => {
    const driver = new ResilientRedisDriver(client, createLogger("silent"));
    const a = listing("room-a", 1);
    const b = listing("room-b", 2);
    await driver.persist(a, true);
    await driver.persist(b, true);
    await driver.update(a, { $set: { clients: 3 } });
    await driver.remove("room-b");
    expect(await reader.hkeys(ROOMCACHES_KEY)).toEqual(["room-a"]);

    await reader.flushdb(); // Redis restarted with nothing on disk
    expect(await reader.hlen(ROOMCACHES_KEY)).toBe(0);

    await driver.reconnected();
    expect(await reader.hkeys(ROOMCACHES_KEY)).toEqual(["room-a"]);
    const stored = JSON.parse((await reader.hget(ROOMCACHES_KEY, "room-a")) ?? "{}") as { clients?: number };
    expect(stored.clients).toBe(3);
  });

  it("removes only this process's listing: a table adopted elsewhere keeps its new host's listing", async () => {
    await reader.hset(ROOMCACHES_KEY, "room-moved", JSON.stringify({ ...listing("room-moved", 1), processId: "p-new" }));
    const old = new ResilientRedisDriver(client, createLogger("silent"), () => "p-old");
    expect(await old.remove("room-moved")).toBe(false);
    expect(await reader.hexists(ROOMCACHES_KEY, "room-moved")).toBe(1);
    const owner = new ResilientRedisDriver(client, createLogger("silent"), () => "p-new");
    expect(await owner.remove("room-moved")).toBe(true);
    expect(await reader.hexists(ROOMCACHES_KEY, "room-moved")).toBe(0);
  });
});
