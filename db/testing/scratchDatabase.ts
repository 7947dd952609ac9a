/**
 * Throw-away PostgreSQL databases for tests and benches: created with a random name through
 * an admin connection, dropped (with FORCE) afterwards. Only the database created here is
 * ever dropped.
 */
import { randomBytes } from "node:crypto";
import postgres from "postgres";

/** A database made by {@link createScratchDatabase}. */
export interface ScratchDatabase {
  readonly name: string;
  /** The admin URL with the scratch database as its path. */
  readonly url: string;
  /** Drops the database, disconnecting any session still on it. */
  drop(): Promise<void>;
}

/** Runs one statement on a short-lived single connection to the admin database. */
async function onAdmin(adminUrl: string, statement: string): Promise<void> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  try {
    await sql.unsafe(statement);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Creates an empty database named `<prefix>_<12 random hex>` through `adminUrl`. */
export async function createScratchDatabase(adminUrl: string, prefix = "pzo_test"): Promise<ScratchDatabase> {
  if (!/^[a-z_][a-z0-9_]*$/.test(prefix)) throw new RangeError(`bad database name prefix: ${prefix}`);
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  // Parse first: a URL that does not parse must fail before anything is created (postgres.js
  // would connect to its defaults and the database made there would never be dropped).
  const url = new URL(adminUrl);
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") throw new RangeError(`not a PostgreSQL URL: ${url.protocol}`);
  url.pathname = `/${name}`;
  await onAdmin(adminUrl, `CREATE DATABASE "${name}"`);
  return { name, url: url.toString(), drop: () => onAdmin(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}
