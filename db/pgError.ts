/**
 * Reading PostgreSQL errors the same way on both drivers. Drizzle wraps driver errors in a
 * `DrizzleQueryError` whose `cause` is the postgres.js `PostgresError` or the PGlite
 * `DatabaseError`; both carry the SQLSTATE in `code`, the constraint name in `constraint_name`
 * (postgres.js) or `constraint` (PGlite).
 */

/** SQLSTATE codes this layer reacts to. */
export const SQLSTATE = {
  uniqueViolation: "23505",
  foreignKeyViolation: "23503",
  checkViolation: "23514",
  restrictViolation: "23001",
  integrityConstraintViolation: "23000",
  serializationFailure: "40001",
  deadlockDetected: "40P01",
} as const;

/** postgres.js client-side connection failures (no SQLSTATE). */
const CONNECTION_CODES: ReadonlySet<string> = new Set([
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
]);

/** The errors in `err`'s `cause` chain, outermost first (at most 8 deep). */
function chain(err: unknown): unknown[] {
  const out: unknown[] = [];
  let cur: unknown = err;
  while (cur !== undefined && cur !== null && out.length < 8) {
    out.push(cur);
    cur = typeof cur === "object" && "cause" in cur ? cur.cause : undefined;
  }
  return out;
}

/** A string property of an error-like object, or undefined. */
function stringProp(e: unknown, key: string): string | undefined {
  if (typeof e !== "object" || e === null || !(key in e)) return undefined;
  const value: unknown = Reflect.get(e, key);
  return typeof value === "string" ? value : undefined;
}

/** The first SQLSTATE / driver code found in the error's cause chain. */
export function pgErrorCode(err: unknown): string | undefined {
  for (const e of chain(err)) {
    const code = stringProp(e, "code");
    if (code !== undefined) return code;
  }
  return undefined;
}

/** The violated constraint's name, when the database reported one. */
export function pgConstraintName(err: unknown): string | undefined {
  for (const e of chain(err)) {
    const name = stringProp(e, "constraint_name") ?? stringProp(e, "constraint");
    if (name !== undefined) return name;
  }
  return undefined;
}

/** The innermost message (the database's own words, not Drizzle's "Failed query" wrapper). */
export function pgErrorMessage(err: unknown): string {
  const all = chain(err);
  for (let i = all.length - 1; i >= 0; i--) {
    const e = all[i];
    if (e instanceof Error) return e.message;
  }
  return String(err);
}

/**
 * True for failures worth retrying unchanged: lost or refused connections (SQLSTATE class 08
 * and postgres.js connection codes), serialization failures, deadlocks, and a server that is
 * shutting down or starting (57P01-57P03) or out of connections (53300).
 */
export function isTransientPgError(err: unknown): boolean {
  const code = pgErrorCode(err);
  if (code === undefined) return false;
  return (
    code.startsWith("08") ||
    code === SQLSTATE.serializationFailure ||
    code === SQLSTATE.deadlockDetected ||
    code === "57P01" ||
    code === "57P02" ||
    code === "57P03" ||
    code === "53300" ||
    CONNECTION_CODES.has(code)
  );
}

/**
 * True when the database itself is unreachable (refused or lost connections, a connect timeout, a
 * server shutting down, starting or out of connections), as opposed to a query that failed: the
 * REST API answers 503 `service/unavailable` with Retry-After for these (docs/API.md).
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  const code = pgErrorCode(err);
  if (code === undefined) return false;
  return code.startsWith("08") || code === "57P01" || code === "57P02" || code === "57P03" || code === "53300" || CONNECTION_CODES.has(code);
}
