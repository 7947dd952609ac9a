/**
 * `npm run ratings:rebuild`: recomputes every skill rating by replaying the completed games'
 * stored summaries in completion order (db/ratings.ts `rebuildRatings`, rule RS4), replacing
 * `player_ratings`, `rating_updates` and the `rating` ladder tier in one transaction. With
 * `REDIS_URL` set it then reloads the shared Redis cache's `rating` tier from PostgreSQL, so
 * every server process reads the new values at once. Servers on the in-process cache pick up a
 * change at their next drift check (docs/LADDER.md), or at once through
 * `POST /api/admin/ladder/rebuild` (which runs the same replay).
 *
 * Reads `DATABASE_URL` (PostgreSQL) or, when unset, `DATA_DIR` (PGlite in `DATA_DIR/pglite`),
 * and `REDIS_URL`, `REDIS_PREFIX`. Prints what it did; exits 2 on a configuration or database
 * error. This module runs on import: it is an entry point only.
 */
import { Redis } from "ioredis";
import { envSchema } from "../platform/config.js";
import { createDatabase, pgliteDirIn } from "../../db/client.js";
import { PgLadderStore } from "../../db/ladderStore.js";
import { rebuildRatings } from "../../db/ratings.js";
import { LADDER_REDIS_OPTIONS, RedisLadderCache } from "../ladder/redisCache.js";

const env = envSchema
  .pick({ DATABASE_URL: true, DATA_DIR: true, REDIS_URL: true, REDIS_PREFIX: true })
  .safeParse(Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== undefined && v !== "")));
if (!env.success) {
  console.error(`invalid configuration: ${env.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  process.exit(2);
}
const handle = await createDatabase({ url: env.data.DATABASE_URL, pgliteDir: pgliteDirIn(env.data.DATA_DIR) });
try {
  const started = Date.now();
  const r = await rebuildRatings(handle.db);
  console.log(`ratings:rebuild on ${handle.kind}: replayed ${r.games} completed games (${r.rated} rated), ${r.players} players rated, in ${Date.now() - started} ms`);
  if (env.data.REDIS_URL !== undefined) {
    const redis = new Redis(env.data.REDIS_URL, { ...LADDER_REDIS_OPTIONS, commandTimeout: 60_000, lazyConnect: true });
    try {
      await redis.connect();
      const cache = new RedisLadderCache(redis, { prefix: env.data.REDIS_PREFIX });
      const n = await cache.replaceAll("rating", new PgLadderStore(handle.db).allEntries({ tier: "rating", season: null }, 5_000));
      console.log(`ratings:rebuild: Redis cache tier "rating" reloaded (${n} entries)`);
    } finally {
      redis.disconnect();
    }
  } else {
    console.log("ratings:rebuild: REDIS_URL not set: in-process caches catch up at their next drift check (or POST /api/admin/ladder/rebuild)");
  }
} catch (err) {
  console.error(`ratings:rebuild could not run: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 2;
} finally {
  await handle.close();
}
