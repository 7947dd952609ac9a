/**
 * Statements written once as constant SQL text with positional parameters (`$1`, `$2`, ...): on
 * a hot write path (a transfer, an unlock) Drizzle would otherwise rebuild every statement's text
 * from its query builder on each call, which was most of the JavaScript heap such a request
 * allocated (and a `.prepare()`d Drizzle query is bound to the handle it was made from, so it
 * cannot serve a transaction). Works on a database and inside a transaction alike (the statement
 * runs on the handle it is given), on PostgreSQL and PGlite (the same text: both number
 * parameters `$n`). postgres.js keeps each text prepared per connection (db/client.ts); PGlite
 * ignores the name.
 *
 * Rows come back as arrays in the order of the statement's columns, decoded by the driver as
 * Drizzle's own queries get them (timestamps as text, `bigint` as text or a number): use the
 * decoders below.
 */
import { is } from "drizzle-orm";
import { DrizzleQueryError } from "drizzle-orm/errors";
import { PostgresJsSession } from "drizzle-orm/postgres-js";
import type postgres from "postgres";
import type { Database, Transaction } from "./client.js";

/** A constant statement: a name (for logs and the driver) and its text. */
export interface Statement {
  readonly name: string;
  readonly text: string;
}

/** Where a statement runs. */
export type Runner = Database | Transaction;

type Rows = unknown[][];

const asIs = (rows: Rows): Rows => rows;

/**
 * Runs a statement with its parameters (in `$n` order, as the driver takes them: JSON already
 * stringified, timestamps as ISO text); returns its rows as arrays. Calling it starts the
 * statement (several started in one tick are sent together, in call order).
 */
export function runStatement(db: Runner, s: Statement, params: readonly unknown[]): Promise<Rows> {
  const session = db._.session;
  if (is(session, PostgresJsSession)) {
    // On postgres.js, straight to the client, as Drizzle's prepared query calls it (its logger
    // and cache are off here): skipping its wrapper saves about 1.5 KiB of heap per statement.
    // Failures are wrapped as Drizzle wraps them, so callers see the same error.
    const values = params as postgres.ParameterOrJSON<never>[];
    return session.client.unsafe<Rows>(s.text, values, { prepare: true }).values().then(asIs, (err: unknown) => {
      throw new DrizzleQueryError(s.text, [...params], err instanceof Error ? err : undefined);
    });
  }
  return session.prepareQuery<{ execute: Rows; all: unknown; values: unknown }>({ sql: s.text, params: [...params] }, undefined, s.name, true, asIs).execute();
}

/** A row's column as text (a uuid, a text column). */
export function text(row: readonly unknown[] | undefined, i: number): string {
  const v = row?.[i];
  if (typeof v !== "string") throw new Error(`statement: column ${i} is not text`);
  return v;
}

/** A nullable text column. */
export function textOrNull(row: readonly unknown[] | undefined, i: number): string | null {
  return row?.[i] === null ? null : text(row, i);
}

/** A row's integer column (`integer`, or `bigint` within the safe range, which drivers give as text). */
export function int(row: readonly unknown[] | undefined, i: number): number {
  const v = row?.[i];
  const n = typeof v === "number" ? v : typeof v === "string" || typeof v === "bigint" ? Number(v) : NaN;
  if (!Number.isSafeInteger(n)) throw new Error(`statement: column ${i} is not a safe integer`);
  return n;
}

/** A row's `timestamptz` column (drivers give it as text, as Drizzle's own columns decode it). */
export function timestamp(row: readonly unknown[] | undefined, i: number): Date {
  const v = row?.[i];
  if (typeof v === "string") return new Date(v);
  if (v instanceof Date) return v;
  throw new Error(`statement: column ${i} is not a timestamp`);
}

/** A row's text column that holds one of `values` (a text enum). */
export function oneOf<T extends string>(values: readonly T[], row: readonly unknown[] | undefined, i: number): T {
  const v = text(row, i);
  const member = values.find((m) => m === v);
  if (member === undefined) throw new Error(`statement: column ${i} holds ${v}`);
  return member;
}
