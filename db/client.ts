/**
 * The database client factory: PostgreSQL through postgres.js when a URL is given, else
 * PGlite (embedded Postgres) persisted in a directory, or in memory for tests.
 *
 * Both drivers produce a Drizzle `PgDatabase`; repositories take the common {@link Database}
 * type, so every repository runs unchanged on either backend (the contract suites prove it).
 */
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { sql, type ExtractTablesWithRelations } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite, type PgliteDatabase } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import * as schema from "./schema/index.js";

/** The schema object every database handle is created with. */
export type Schema = typeof schema;

/** The Drizzle database type shared by both backends: what repositories accept. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

/** A transaction on a {@link Database} (also usable wherever a `Database` is). */
export type Transaction = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

/** Which engine a handle talks to. */
export type DatabaseKind = "postgres" | "pglite";

/** The in-memory PGlite location (nothing is persisted). */
export const PGLITE_MEMORY = "memory://";

/** Where PGlite keeps its files when no directory is configured. */
export const DEFAULT_PGLITE_DIR = "./data/pglite";

/** PGlite's directory under the server's data directory (`DATA_DIR`). */
export function pgliteDirIn(dataDir: string): string {
  return path.join(dataDir, "pglite");
}

/** Options of {@link createDatabase}. */
export interface CreateDatabaseOptions {
  /** A PostgreSQL connection URL. When set, PostgreSQL is used through postgres.js. */
  readonly url?: string | undefined;
  /**
   * PGlite's data directory when `url` is unset: default {@link DEFAULT_PGLITE_DIR};
   * {@link PGLITE_MEMORY} keeps everything in memory.
   */
  readonly pgliteDir?: string | undefined;
  /** postgres.js pool size (default 10). */
  readonly maxConnections?: number | undefined;
}

/** An open database: the Drizzle handle, its backend, and how to close it. */
export interface DatabaseHandle {
  /** The Drizzle database, typed for both backends. */
  readonly db: Database;
  /** Which backend `db` talks to. */
  readonly kind: DatabaseKind;
  /** Closes the connection pool (PostgreSQL) or the embedded engine (PGlite). Idempotent. */
  close(): Promise<void>;
}

/** The driver-specific parts a handle keeps for migrations and closing. */
type Driver =
  | { readonly kind: "postgres"; readonly db: PostgresJsDatabase<Schema>; readonly client: postgres.Sql; readonly url: string }
  | { readonly kind: "pglite"; readonly db: PgliteDatabase<Schema>; readonly client: PGlite };

/** postgres.js `connect_timeout`, seconds (docs/OPERATIONS.md, Failure modes). */
export const POSTGRES_CONNECT_TIMEOUT_SECONDS = 2;

/** Handles created here, so {@link migrate} can find the driver behind a handle. */
const drivers = new WeakMap<DatabaseHandle, Driver>();

/**
 * Opens a database. With `url`, a postgres.js pool (lazy: nothing connects until the first
 * query); without, PGlite in `pgliteDir` (the directory is created if missing). Call
 * {@link migrate} before using a fresh database.
 */
export async function createDatabase(opts: CreateDatabaseOptions = {}): Promise<DatabaseHandle> {
  let driver: Driver;
  if (opts.url !== undefined && opts.url !== "") {
    const client = postgres(opts.url, {
      max: opts.maxConnections ?? 10,
      // A database that does not answer a connect fails within 2 s (REST answers 503 and the
      // event log retries; docs/OPERATIONS.md, Failure modes), not after postgres.js's 30 s.
      connect_timeout: POSTGRES_CONNECT_TIMEOUT_SECONDS,
      // Reconnect attempts 0.1, 0.2, 0.4, then every 0.5 s (postgres.js's default grows to 20 s, and
      // queries wait behind it): a database that returns is in use again within half a second.
      backoff: (attempt: number) => Math.min(0.05 * 2 ** attempt, 0.5),
      // Notices (e.g. "schema already exists, skipping") are not errors; keep them off stdout.
      onnotice: () => undefined,
    });
    driver = { kind: "postgres", db: drizzlePostgres({ client, schema }), client, url: opts.url };
  } else {
    const dir = opts.pgliteDir ?? DEFAULT_PGLITE_DIR;
    if (dir !== PGLITE_MEMORY && !dir.startsWith("memory://") && !existsSync(dir)) {
      mkdirSync(dir, { recursive: true });
    }
    const client = await PGlite.create(dir);
    driver = { kind: "pglite", db: drizzlePglite({ client, schema }), client };
  }
  let closed: Promise<void> | undefined;
  const handle: DatabaseHandle = {
    db: driver.db,
    kind: driver.kind,
    close() {
      closed ??= driver.kind === "postgres" ? driver.client.end({ timeout: 5 }) : driver.client.close();
      return closed;
    },
  };
  drivers.set(handle, driver);
  return handle;
}

/** Arbitrary but fixed key of the advisory lock that serializes migrations across processes. */
const MIGRATION_LOCK_KEY = 5_004_004_001;

/**
 * Applies every pending migration in `drizzle/` (idempotent: applied ones are skipped), with
 * Drizzle's migrator for the handle's driver. On PostgreSQL it runs on a dedicated connection
 * holding an advisory lock, so several processes starting at once migrate one at a time.
 */
export async function migrate(handle: DatabaseHandle, migrationsFolder: string = findMigrationsFolder()): Promise<void> {
  const driver = drivers.get(handle);
  if (driver === undefined) {
    throw new Error("migrate() needs a handle made by createDatabase()");
  }
  if (driver.kind === "pglite") {
    await migratePglite(driver.db, { migrationsFolder });
    return;
  }
  const client = postgres(driver.url, { max: 1, onnotice: () => undefined });
  try {
    const db = drizzlePostgres({ client, schema });
    await db.execute(sql`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
    try {
      await migratePostgres(db, { migrationsFolder });
    } finally {
      await db.execute(sql`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`);
    }
  } finally {
    await client.end({ timeout: 5 });
  }
}

/**
 * The `drizzle/` folder of this checkout: the nearest ancestor of this module (in `db/` when
 * run from source, `dist/db/` when compiled) that holds `drizzle/meta/_journal.json`.
 */
export function findMigrationsFolder(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, "drizzle");
    if (existsSync(path.join(candidate, "meta", "_journal.json"))) {
      return candidate;
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error("cannot find the drizzle/ migrations folder above " + fileURLToPath(import.meta.url));
    }
    dir = parent;
  }
}
