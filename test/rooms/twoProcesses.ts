/**
 * The shared setup of the tests that run two server processes against PostgreSQL and Redis
 * (scale-out, ranked scale-out, node loss): a database of their own, a claimed Redis logical
 * database (Colyseus's keys carry no prefix, so runs sharing one would see each other's
 * processes), two data directories and two free ports. Everything it makes is removed by the
 * `cleanups` it pushes to (run them in reverse, so the servers stop first).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { testBackends, type TestDatabase } from "../support/db.js";
import { claimRedisDatabase } from "../support/redis.js";
import { freePort } from "./serverProcess.js";

export interface TwoProcesses {
  readonly db: TestDatabase;
  readonly ports: readonly [number, number];
  /** Process `i`'s environment (0 is A, 1 is B): `common`, then the database, Redis, data directory and public URL. */
  readonly env: (i: 0 | 1, common: Readonly<Record<string, string>>) => Record<string, string>;
}

export async function setUpTwoProcesses(cleanups: (() => Promise<unknown>)[], dirPrefix: string): Promise<TwoProcesses> {
  const postgres = testBackends().find((b) => b.name === "postgres");
  if (postgres === undefined) throw new Error("no PostgreSQL backend");
  const db = await postgres.create();
  cleanups.push(() => db.close());
  const redisDb = await claimRedisDatabase();
  cleanups.push(() => redisDb.release());
  const dirs = [mkdtempSync(path.join(tmpdir(), `${dirPrefix}a-`)), mkdtempSync(path.join(tmpdir(), `${dirPrefix}b-`))] as const;
  cleanups.push(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    return Promise.resolve();
  });
  const ports = [await freePort(), await freePort()] as const;
  return {
    db,
    ports,
    env: (i, common) => ({ ...common, DATABASE_URL: db.url ?? "", REDIS_URL: redisDb.url, DATA_DIR: dirs[i], PUBLIC_URL: `http://127.0.0.1:${ports[i]}` }),
  };
}
