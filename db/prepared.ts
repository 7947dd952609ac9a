/**
 * Hot reads prepared once per database handle: Drizzle builds their SQL once (instead of on
 * every call: a visible share of a cached read's CPU), and PostgreSQL plans them once per
 * connection. Only for reads on the handle itself, never inside a transaction (a prepared
 * query runs on the handle it was made from).
 */
import type { Database } from "./client.js";

/** Wraps `build` so it runs once per database handle; later calls get the same query. */
export function preparedPerDatabase<T>(build: (db: Database) => T): (db: Database) => T {
  const made = new WeakMap<Database, T>();
  return (db) => {
    let q = made.get(db);
    if (q === undefined) {
      q = build(db);
      made.set(db, q);
    }
    return q;
  };
}
