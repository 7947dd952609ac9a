/**
 * Redis for tests. Suites that need Redis run when `REDIS_URL` is set, each with its own random
 * key prefix, and delete only their own keys afterwards (never FLUSHDB / FLUSHALL). When
 * `REDIS_URL` is unset they are skipped loudly: the suite name says so, and one line is printed.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
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

/** The claim keys in database 0: `pzo-test-db:<n>` holds the owner of logical database n. */
export const CLAIM_KEY_PREFIX = "pzo-test-db:";
/** Logical databases a suite may claim (0 holds the claims and is shared). */
const CLAIMABLE_DATABASES = Array.from({ length: 15 }, (_, i) => i + 1);
/** A claim lives this long unless its holder refreshes it (a crashed run frees its database). */
const CLAIM_TTL_SECONDS = 120;
const CLAIM_REFRESH_MS = 30_000;

/** Extends a claim only while `owner` still holds it. */
const REFRESH_IF_OWNER = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("EXPIRE", KEYS[1], ARGV[2]) else return 0 end`;
/** Deletes a claim only while `owner` still holds it. */
const DELETE_IF_OWNER = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) else return 0 end`;

/** A Redis logical database this suite holds alone. */
export interface ClaimedRedisDatabase {
  /** 1..15. */
  readonly db: number;
  /** `REDIS_URL` with the database number: `redis://host:port/<db>`. */
  readonly url: string;
  /** FLUSHDB on the claimed database only, then gives the claim back. Safe to call twice. */
  release(): Promise<void>;
}

/** `url` with its path set to `/<db>`. */
export function redisUrlWithDatabase(url: string, db: number): string {
  const parsed = new URL(url);
  parsed.pathname = `/${db}`;
  return parsed.toString();
}

/**
 * Claims a free, empty Redis logical database (1..15) for the calling suite. Colyseus's presence
 * and driver keys (room caches, the process registry, IPC channels) carry no prefix, so server
 * processes of two suites on one database see each other's processes and rooms; a database of
 * their own keeps them apart. The claim is `SET pzo-test-db:<n> <owner> NX EX 120` in database 0,
 * refreshed every 30 s while held (a crashed run frees it within two minutes); a database that is
 * not empty when claimed is given back untouched and the next one tried. With none free it
 * retries for `waitMs`, then fails saying so. Throws when REDIS_URL is unset.
 */
export async function claimRedisDatabase(
  options: { readonly baseUrl?: string; readonly waitMs?: number; readonly databases?: readonly number[] } = {},
): Promise<ClaimedRedisDatabase> {
  const baseUrl = options.baseUrl ?? TEST_REDIS_URL;
  if (baseUrl === undefined) throw new Error("claimRedisDatabase: REDIS_URL is not set");
  const admin = new Redis(redisUrlWithDatabase(baseUrl, 0), { maxRetriesPerRequest: 2, lazyConnect: true });
  await admin.connect();
  const owner = `${hostname()}:${process.pid}:${randomBytes(6).toString("hex")}`;
  const deadline = Date.now() + (options.waitMs ?? 90_000);
  try {
    for (;;) {
      for (const db of options.databases ?? CLAIMABLE_DATABASES) {
        if (!CLAIMABLE_DATABASES.includes(db)) throw new Error(`claimRedisDatabase: database ${db} is not one of 1..15`);
        const claimed = await tryClaim(admin, baseUrl, db, owner);
        if (claimed !== null) return claimed;
      }
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 250 + Math.random() * 500));
    }
  } catch (err) {
    admin.disconnect();
    throw err;
  }
  admin.disconnect();
  throw new Error(
    `claimRedisDatabase: no free, empty Redis logical database among ${(options.databases ?? CLAIMABLE_DATABASES).join(",")} at ${baseUrl} after ${options.waitMs ?? 90_000} ms ` +
      `(each is claimed by another run, or holds keys nobody claims: see the ${CLAIM_KEY_PREFIX}<n> keys in database 0 and INFO keyspace)`,
  );
}

/** Claims database `db` when it is free and empty; null otherwise (the claim given back). */
async function tryClaim(admin: Redis, baseUrl: string, db: number, owner: string): Promise<ClaimedRedisDatabase | null> {
  const key = `${CLAIM_KEY_PREFIX}${db}`;
  if ((await admin.set(key, owner, "EX", CLAIM_TTL_SECONDS, "NX")) !== "OK") return null;
  const url = redisUrlWithDatabase(baseUrl, db);
  const conn = new Redis(url, { maxRetriesPerRequest: 2, lazyConnect: true });
  try {
    await conn.connect();
    if ((await conn.dbsize()) !== 0) {
      conn.disconnect();
      await admin.eval(DELETE_IF_OWNER, 1, key, owner);
      return null;
    }
  } catch (err) {
    conn.disconnect();
    await admin.eval(DELETE_IF_OWNER, 1, key, owner).catch(() => undefined);
    throw err;
  }
  const refresh = setInterval(() => void admin.eval(REFRESH_IF_OWNER, 1, key, owner, String(CLAIM_TTL_SECONDS)).catch(() => undefined), CLAIM_REFRESH_MS);
  refresh.unref();
  let released: Promise<void> | null = null;
  return {
    db,
    url,
    release() {
      released ??= (async () => {
        clearInterval(refresh);
        try {
          // Only while the claim is still ours: after a lapse another run may be using it.
          if ((await admin.get(key)) === owner) await conn.flushdb();
          await admin.eval(DELETE_IF_OWNER, 1, key, owner);
        } finally {
          conn.disconnect();
          admin.disconnect();
        }
      })();
      return released;
    },
  };
}
