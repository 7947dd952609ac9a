/**
 * The database client factory: PostgreSQL through postgres.js when a URL is given, else
 * PGlite (embedded Postgres) persisted in a directory, or in memory for tests. A directory is
 * served by a child process (db/embedded.ts) that the handle starts and stops, spoken to with
 * postgres.js like PostgreSQL; `inProcess: true` (and memory) keeps PGlite in this process.
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
import { startEmbeddedDatabase, type EmbeddedDatabase } from "./embedded.js";

/**
 * The Drizzle database type shared by both backends: what repositories accept. Handles are
 * made without the schema object: it only serves Drizzle's relational API (`db.query`), which
 * PZO does not use, and every transaction would build that API's query builders for every table
 * (a sizeable share of what a write request allocated). Queries name their tables (db/schema).
 */
export type Database = PgDatabase<PgQueryResultHKT>;

/** A transaction on a {@link Database} (also usable wherever a `Database` is). */
export type Transaction = PgTransaction<PgQueryResultHKT, Record<string, never>, ExtractTablesWithRelations<Record<string, never>>>;

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
  /**
   * Run PGlite in this process even for a directory (default false: a child process serves
   * it, see db/embedded.ts). Memory databases always run in this process.
   */
  readonly inProcess?: boolean | undefined;
}

/** An open database: the Drizzle handle, its backend, and how to close it. */
export interface DatabaseHandle {
  /** The Drizzle database, typed for both backends. */
  readonly db: Database;
  /** Which backend `db` talks to. */
  readonly kind: DatabaseKind;
  /** The embedded database process behind this handle (PGlite in a directory), if any. */
  readonly embedded?: EmbeddedDatabase | undefined;
  /** Closes the connection pool (PostgreSQL) or the embedded engine (PGlite). Idempotent. */
  close(): Promise<void>;
}

/** The driver-specific parts a handle keeps for migrations and closing. */
type Driver =
  | { readonly kind: "postgres"; readonly db: PostgresJsDatabase; readonly client: postgres.Sql; readonly url: string }
  | { readonly kind: "pglite"; readonly db: PgliteDatabase; readonly client: PGlite }
  | { readonly kind: "embedded"; readonly db: PostgresJsDatabase; readonly client: postgres.Sql; readonly process: EmbeddedDatabase };

/** postgres.js `connect_timeout`, seconds (docs/OPERATIONS.md, Failure modes). */
export const POSTGRES_CONNECT_TIMEOUT_SECONDS = 2;

/** Handles created here, so {@link migrate} can find the driver behind a handle. */
const drivers = new WeakMap<DatabaseHandle, Driver>();

/**
 * Opens a database. With `url`, a postgres.js pool (lazy: nothing connects until the first
 * query); without, PGlite in `pgliteDir` (the directory is created if missing): served by a
 * child process started here (closed with the handle), or in this process for memory and
 * `inProcess`. Call {@link migrate} before using a fresh database.
 */
export async function createDatabase(opts: CreateDatabaseOptions = {}): Promise<DatabaseHandle> {
  const driver = opts.url !== undefined && opts.url !== "" ? postgresDriver(opts.url, opts.maxConnections) : await pgliteDriver(opts.pgliteDir ?? DEFAULT_PGLITE_DIR, opts.inProcess === true);
  let closed: Promise<void> | undefined;
  const handle: DatabaseHandle = {
    db: driver.db,
    kind: driver.kind === "postgres" ? "postgres" : "pglite",
    ...(driver.kind === "embedded" ? { embedded: driver.process } : {}),
    close() {
      closed ??= closeDriver(driver);
      return closed;
    },
  };
  drivers.set(handle, driver);
  return handle;
}

function closeDriver(driver: Driver): Promise<void> {
  switch (driver.kind) {
    case "postgres":
      return driver.client.end({ timeout: 5 });
    case "pglite":
      return driver.client.close();
    case "embedded":
      return driver.client.end({ timeout: 5 }).finally(() => driver.process.stop());
  }
}

function postgresDriver(url: string, maxConnections: number | undefined): Driver {
  const client = postgres(url, {
    max: maxConnections ?? 10,
    // A database that does not answer a connect fails within 2 s (REST answers 503 and the
    // event log retries; docs/OPERATIONS.md, Failure modes), not after postgres.js's 30 s.
    connect_timeout: POSTGRES_CONNECT_TIMEOUT_SECONDS,
    // Reconnect attempts 0.1, 0.2, 0.4, then every 0.5 s (postgres.js's default grows to 20 s, and
    // queries wait behind it): a database that returns is in use again within half a second.
    backoff: (attempt: number) => Math.min(0.05 * 2 ** attempt, 0.5),
    // Notices (e.g. "schema already exists, skipping") are not errors; keep them off stdout.
    onnotice: () => undefined,
  });
  return { kind: "postgres", db: drizzlePostgres({ client: preparedStatements(client) }), client, url };
}

async function pgliteDriver(dir: string, inProcess: boolean): Promise<Driver> {
  const memory = dir === PGLITE_MEMORY || dir.startsWith("memory://");
  if (!memory && !inProcess) {
    const child = await startEmbeddedDatabase(dir);
    // One connection: PGlite is a single backend that runs one statement at a time anyway.
    const address = child.address.kind === "socket" ? { path: child.address.path } : { host: child.address.host, port: child.address.port };
    const client = postgres({ ...address, username: "postgres", database: "postgres", max: 1, onnotice: () => undefined });
    return { kind: "embedded", db: drizzlePostgres({ client: preparedStatements(client) }), client, process: child };
  }
  if (!memory && !existsSync(dir)) {
    mkdirSync(dir, { recursive: true });
  }
  const client = await PGlite.create(dir);
  return { kind: "pglite", db: drizzlePglite({ client }), client };
}

/**
 * Statements with more parameters than this run unnamed (parsed on every call) instead of
 * being kept prepared on the connection: large one-off statements (a bulk insert of an unusual
 * size) would only fill the connection's statement cache.
 */
export const MAX_PREPARED_PARAMETERS = 256;

/** The postgres.js calls that hand a transaction-scoped client to a callback. */
const SCOPED = new Set<PropertyKey>(["begin", "savepoint"]);

/**
 * A postgres.js client whose every statement is a named prepared statement (up to
 * {@link MAX_PREPARED_PARAMETERS} parameters), in transactions and savepoints too.
 *
 * Why: Drizzle sends its queries through `sql.unsafe(text, params, { prepare: false })` unless
 * the query was made with `.prepare(name)`. postgres.js then runs an unnamed statement with
 * parameters as Parse/Describe, waits for the parameter types, then Bind/Execute: two round
 * trips per statement. A named statement is described once per connection; every later call
 * is one Bind/Execute: one round trip. postgres.js keeps the statements per connection and
 * re-prepares one that a schema change invalidated; a connection (and its cache) is replaced
 * after `max_lifetime` (30 to 60 minutes by default). This needs a session-level connection
 * to PostgreSQL (no transaction-pooling pgbouncer in between), which is how PZO connects.
 */
export function preparedStatements<S extends postgres.Sql>(sql: S): S {
  // Made once per client, not on every statement (Drizzle reads `unsafe` for each query).
  const unsafe = (text: string, params?: Parameters<S["unsafe"]>[1], options?: postgres.UnsafeQueryOptions): ReturnType<S["unsafe"]> =>
    sql.unsafe(text, params, { ...options, prepare: (params?.length ?? 0) <= MAX_PREPARED_PARAMETERS }) as ReturnType<S["unsafe"]>;
  return new Proxy(sql, {
    get(target, prop) {
      if (prop === "unsafe") return unsafe;
      const value: unknown = Reflect.get(target, prop, target);
      if (SCOPED.has(prop) && typeof value === "function") {
        // begin(cb) / begin(options, cb), savepoint(cb) / savepoint(name, cb): wrap the scoped client.
        return (...args: unknown[]): unknown => {
          const cb = args.pop();
          if (typeof cb !== "function") return Reflect.apply(value, target, [...args, cb]);
          return Reflect.apply(value, target, [...args, (inner: postgres.Sql) => Reflect.apply(cb, undefined, [preparedStatements(inner)]) as unknown]);
        };
      }
      return value;
    },
  });
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
  if (driver.kind === "embedded") {
    // The process serves this handle alone: no lock needed. Plain statements (migrations hold
    // several commands each, which a named prepared statement cannot).
    await migratePostgres(drizzlePostgres({ client: driver.client }), { migrationsFolder });
    return;
  }
  const client = postgres(driver.url, { max: 1, onnotice: () => undefined });
  try {
    const db = drizzlePostgres({ client });
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
