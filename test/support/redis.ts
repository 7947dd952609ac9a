/**
 * Redis for tests. Suites that need Redis run when `REDIS_URL` is set, each with its own random
 * key prefix, and delete only their own keys afterwards (never FLUSHDB / FLUSHALL). When
 * `REDIS_URL` is unset they are skipped loudly: the suite name says so, and one line is printed.
 */
import { randomBytes } from "node:crypto";
import { Redis, type RedisOptions } from "ioredis";

/** The Redis URL tests use, or undefined (Redis suites are skipped). */
export const TEST_REDIS_URL: string | undefined = process.env["REDIS_URL"] === "" ? undefined : process.env["REDIS_URL"];

/** True when Redis suites must be skipped. */
export const redisMissing = TEST_REDIS_URL === undefined;

/**
 * The name for a Redis suite: unchanged with Redis; with "SKIPPED: REDIS_URL not set" without.
 * Also prints one clear line when the suite is skipped. Use with `describe.skipIf(redisMissing)`.
 */
export function redisSuiteName(name: string): string {
  if (!redisMissing) return name;
  console.warn(`[redis] SKIPPED: REDIS_URL not set: "${name}" did not run against Redis`);
  return `${name} (SKIPPED: REDIS_URL not set)`;
}

/** A connection with a private key prefix. */
export interface TestRedis {
  readonly redis: Redis;
  /** A random prefix, e.g. `test:3f9a1c2b7d4e:`; every key the test writes starts with it. */
  readonly prefix: string;
  /** Deletes every key under the prefix (SCAN + UNLINK), then closes the connection. */
  cleanup(): Promise<void>;
}

/** Opens a connection to `REDIS_URL` with a fresh prefix. Throws when REDIS_URL is unset. */
export async function openTestRedis(options: RedisOptions = {}): Promise<TestRedis> {
  if (TEST_REDIS_URL === undefined) throw new Error("openTestRedis: REDIS_URL is not set");
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 2, ...options, lazyConnect: true });
  await redis.connect();
  const prefix = `test:${randomBytes(6).toString("hex")}:`;
  return {
    redis,
    prefix,
    async cleanup() {
      await deleteByPrefix(redis, prefix);
      redis.disconnect();
    },
  };
}

/** Deletes every key that starts with `prefix` (which must not contain glob characters). */
export async function deleteByPrefix(redis: Redis, prefix: string): Promise<number> {
  if (!/^[A-Za-z0-9:_-]+$/.test(prefix)) throw new Error(`refusing to delete by an unusual prefix: ${prefix}`);
  let cursor = "0";
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== "0");
  return deleted;
}
