/**
 * claimRedisDatabase: a suite's own Redis logical database. Needs REDIS_URL (skipped loudly without).
 * Writes only into the databases it claims and its own claim keys in database 0.
 */
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { CLAIM_KEY_PREFIX, claimRedisDatabase, redisMissing, redisSuiteName, redisUrlWithDatabase, TEST_REDIS_URL } from "./redis.js";

function connect(db: number): Redis {
  return new Redis(redisUrlWithDatabase(TEST_REDIS_URL ?? "", db), { maxRetriesPerRequest: 2 });
}

describe.skipIf(redisMissing)(redisSuiteName("claimRedisDatabase"), () => {
  it("two concurrent claims get different, empty databases; release flushes only that database and frees its claim", async () => {
    const [a, b] = await Promise.all([claimRedisDatabase(), claimRedisDatabase()]);
    const admin = connect(0);
    const inA = connect(a.db);
    try {
      expect(a.db).not.toBe(b.db);
      for (const c of [a, b]) {
        expect(c.db).toBeGreaterThanOrEqual(1);
        expect(c.db).toBeLessThanOrEqual(15);
        expect(c.url).toMatch(new RegExp(`/${c.db}$`));
        expect(await admin.ttl(`${CLAIM_KEY_PREFIX}${c.db}`)).toBeGreaterThan(60);
      }
      await inA.set("colyseus-like-key", "1");
      const inB = connect(b.db);
      await inB.set("other-suite-key", "1");
      await a.release();
      expect(await inA.dbsize()).toBe(0);
      expect(await admin.exists(`${CLAIM_KEY_PREFIX}${a.db}`)).toBe(0);
      // b's database is untouched by a's release.
      expect(await inB.get("other-suite-key")).toBe("1");
      inB.disconnect();
      await a.release(); // twice is harmless
    } finally {
      await b.release();
      inA.disconnect();
      admin.disconnect();
    }
  });

  it("a database that holds keys is not claimed (nor flushed); with none free the claim fails saying so", async () => {
    const held = await claimRedisDatabase();
    const admin = connect(0);
    const inHeld = connect(held.db);
    const key = `${CLAIM_KEY_PREFIX}${held.db}`;
    try {
      await inHeld.set("left-behind", "1");
      // Pretend the claim lapsed while the database still holds keys.
      const owner = await admin.get(key);
      await admin.del(key);
      await expect(claimRedisDatabase({ databases: [held.db], waitMs: 300 })).rejects.toThrow(/no free, empty Redis logical database/);
      expect(await inHeld.get("left-behind")).toBe("1");
      expect(await admin.exists(key)).toBe(0);
      await admin.set(key, owner ?? "", "EX", 120, "NX");
    } finally {
      await held.release();
      inHeld.disconnect();
      admin.disconnect();
    }
    await expect(claimRedisDatabase({ databases: [0] })).rejects.toThrow(/not one of 1\.\.15/);
  });
});
