/**
 * Test databases for every available backend: PGlite (in memory) always, PostgreSQL when
 * `DATABASE_URL` is set. A PostgreSQL test database is created fresh, with a random name,
 * through `DATABASE_URL` (used only as the admin connection), migrated, and dropped by
 * `close()`. No other database is touched.
 *
 * Use it as a contract suite does:
 *
 * ```ts
 * describe.each(testBackends())("event log on $name", (backend) => {
 *   let t: TestDatabase;
 *   beforeAll(async () => { t = await backend.create(); });
 *   afterAll(() => t.close());
 *   ...
 * });
 * ```
 */
import { createDatabase, migrate, PGLITE_MEMORY, type Database, type DatabaseHandle, type DatabaseKind } from "../../db/client.js";
import { createScratchDatabase } from "../../db/testing/scratchDatabase.js";

/** A fresh, migrated database for one suite. */
export interface TestDatabase {
  readonly kind: DatabaseKind;
  readonly handle: DatabaseHandle;
  readonly db: Database;
  /** The PostgreSQL URL of this database (undefined on PGlite). */
  readonly url: string | undefined;
  /** Closes the handle and, on PostgreSQL, drops the database. */
  close(): Promise<void>;
}

/** A backend a suite can run on. */
export interface TestBackend {
  readonly name: DatabaseKind;
  /** Creates a fresh, migrated database. */
  create(): Promise<TestDatabase>;
}

/** The admin connection URL, when PostgreSQL tests are enabled. */
export function adminUrl(): string | undefined {
  const url = process.env["DATABASE_URL"];
  return url === undefined || url === "" ? undefined : url;
}

async function createPglite(): Promise<TestDatabase> {
  const handle = await createDatabase({ pgliteDir: PGLITE_MEMORY });
  await migrate(handle);
  return { kind: "pglite", handle, db: handle.db, url: undefined, close: () => handle.close() };
}

async function createPostgres(admin: string): Promise<TestDatabase> {
  const scratch = await createScratchDatabase(admin);
  try {
    const handle = await createDatabase({ url: scratch.url });
    await migrate(handle);
    return {
      kind: "postgres",
      handle,
      db: handle.db,
      url: scratch.url,
      async close() {
        await handle.close();
        await scratch.drop();
      },
    };
  } catch (err) {
    await scratch.drop();
    throw err;
  }
}

let announced = false;

/**
 * The backends available in this run: PGlite always, PostgreSQL when `DATABASE_URL` is set.
 * Without it, prints once per test file that the PostgreSQL leg was skipped.
 */
export function testBackends(): TestBackend[] {
  const admin = adminUrl();
  const backends: TestBackend[] = [{ name: "pglite", create: createPglite }];
  if (admin !== undefined) {
    backends.push({ name: "postgres", create: () => createPostgres(admin) });
  } else if (!announced) {
    announced = true;
    console.info("[test/support/db] PostgreSQL leg skipped: DATABASE_URL is not set (PGlite only)");
  }
  return backends;
}
