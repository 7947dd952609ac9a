/**
 * The Season 0 event log (`season_events`): appending inside a writer's transaction, reading by
 * `seq`, and the horizon up to which a reader may read.
 *
 * `seq` values are drawn in one order and committed in another: two writers run side by side
 * (nothing serializes them), so a row with `seq = n` can commit after one with `seq = n + 1`.
 * A reader that resumes by `seq` must therefore not pass a `seq` that an open transaction still
 * holds. Every appender holds a *shared* transaction-level advisory lock from just before it
 * draws `seq` values until it commits (shared: appenders never wait for one another). A reader
 * asks {@link seasonLogHorizon}: it reads the last `seq` drawn, then lists the transactions
 * holding the lock, and waits until each of those has ended. Any transaction that drew a `seq`
 * at or below that value took the lock before drawing, so by then it has committed (its rows are
 * visible: PostgreSQL releases locks after a commit becomes visible) or rolled back (its `seq`
 * is a gap forever). Reading `seq <= horizon` never misses a row that commits later. On PGlite
 * (one connection) no other transaction can be open while the reader runs.
 */
import { and, asc, eq, gt, inArray, lte, sql, type SQL } from "drizzle-orm";
import { setTimeout as sleep } from "node:timers/promises";
import type { Database, Transaction } from "./client.js";
import { seasonEvents } from "./schema/index.js";
import { int, runStatement, type Statement } from "./statements.js";
import { parseSeasonEvent, type NewSeasonEvent, type RawSeasonEvent, type SeasonEvent, type SeasonEventType } from "../src/season/events.js";

/**
 * Arbitrary but fixed key of the advisory lock appenders hold shared (5_004_013_001): as
 * `pg_locks` shows a bigint key, `classid` is its high 32 bits and `objid` its low 32 bits.
 */
const APPEND_LOCK_KEY = 5_004_013_001;
const APPEND_LOCK_CLASSID = Math.floor(APPEND_LOCK_KEY / 2 ** 32);
const APPEND_LOCK_OBJID = APPEND_LOCK_KEY % 2 ** 32;

/**
 * The shared append lock as an SQL expression, for a writer that appends in one hand-written
 * statement (the external score submission, db/ladderWrites.ts): the statement must evaluate it
 * before its INSERT draws `seq` values (join the insert's rows to it).
 */
export const SEASON_APPEND_LOCK_SQL: SQL = sql`pg_advisory_xact_lock_shared(${sql.raw(String(APPEND_LOCK_KEY))})`;

/** Takes the shared append lock: constant text (the key inlined), one statement per transaction. */
const TAKE_APPEND_LOCK: Statement = { name: "season_log_append_lock", text: `SELECT pg_advisory_xact_lock_shared(${String(APPEND_LOCK_KEY)})` };

/** Insert statements by number of events, made once (a few sizes are common: 1, 2, a batch). */
const insertStatements: Statement[] = [];
const MAX_KEPT_INSERT = 32;

/** The `INSERT ... RETURNING seq` of `n` events: parameters `type, player_id, payload` per event. */
function insertEvents(n: number): Statement {
  const kept = insertStatements[n];
  if (kept !== undefined) return kept;
  const rows = Array.from({ length: n }, (_, i) => `($${3 * i + 1}, $${3 * i + 2}, $${3 * i + 3})`).join(", ");
  const s = { name: `season_log_append_${n}`, text: `INSERT INTO season_events (type, player_id, payload) VALUES ${rows} RETURNING seq` };
  if (n <= MAX_KEPT_INSERT) insertStatements[n] = s;
  return s;
}

/** Appends events in the caller's transaction; returns their `seq` values. */
export async function appendSeasonEvents(tx: Transaction, events: readonly NewSeasonEvent[]): Promise<number[]> {
  if (events.length === 0) return [];
  // The parameters as Drizzle's jsonb column sends them (JSON text).
  const params = events.flatMap((e) => [e.type, e.playerId, JSON.stringify(e.payload)]);
  // Sent together (one round trip on PostgreSQL); the lock is granted before the insert draws `seq`.
  const [, rows] = await Promise.all([runStatement(tx, TAKE_APPEND_LOCK, []), runStatement(tx, insertEvents(events.length), params)]);
  return rows.map((r) => int(r, 0));
}

/** The rows a raw statement returned: postgres.js answers an array, PGlite `{ rows }`. */
function returnedRows(result: unknown): unknown[] {
  if (Array.isArray(result)) return result;
  if (typeof result === "object" && result !== null && "rows" in result && Array.isArray(result.rows)) return result.rows;
  throw new Error("season log: the driver returned no rows array");
}

/**
 * Appends the events a query selects, in the caller's transaction, in one round trip on
 * PostgreSQL: the append lock and an `INSERT ... SELECT` are sent together, so the events are
 * never read into the process first. `select` yields the columns `type`, `player_id` and
 * `payload` in that order (rows get `seq` in the select's order); the caller answers for the
 * payloads matching their zod schemas (src/season/events.ts). Returns the new `seq` values.
 */
export async function appendSeasonEventsSelected(tx: Transaction, select: SQL): Promise<number[]> {
  const column = (c: { readonly name: string }) => sql.identifier(c.name);
  const [, result] = await Promise.all([
    tx.execute(sql`SELECT pg_advisory_xact_lock_shared(${APPEND_LOCK_KEY})`),
    tx.execute(
      sql`INSERT INTO ${seasonEvents} (${column(seasonEvents.type)}, ${column(seasonEvents.playerId)}, ${column(seasonEvents.payload)}) ${select} RETURNING ${column(seasonEvents.seq)}`,
    ),
  ]);
  return returnedRows(result).map((r) => Number(typeof r === "object" && r !== null && "seq" in r ? r.seq : NaN));
}

/** The transactions (virtual transaction ids) holding the append lock now. */
async function appendersNow(db: Database): Promise<Set<string>> {
  const rows = await db
    .select({ vxid: sql<string>`virtualtransaction` })
    .from(sql`pg_locks`)
    .where(sql`locktype = 'advisory' AND classid = ${APPEND_LOCK_CLASSID} AND objid = ${APPEND_LOCK_OBJID} AND objsubid = 1`);
  return new Set(rows.map((r) => r.vxid));
}

/** Options of {@link seasonLogHorizon}. */
export interface HorizonOptions {
  /** How often to look again while appenders are still open, ms (default 2). */
  readonly pollMs?: number;
  /** Stop waiting when this fires (the answer is then `null`). */
  readonly signal?: AbortSignal;
  /** Called each time it finds appenders still open and is about to wait (tests use it). */
  readonly onWait?: (open: number) => void;
}

/**
 * The `seq` a reader may read up to now: every row at or below it has committed or never will.
 * Waits (polling `pg_locks`) for the appenders that were open when it looked to end; those are
 * transactions a few statements from their commit, so the wait is short. `null` if aborted.
 */
export async function seasonLogHorizon(db: Database, opts: HorizonOptions = {}): Promise<number | null> {
  const [last] = await db
    .select({ v: sql<number | null>`pg_sequence_last_value(pg_get_serial_sequence('season_events', 'seq')::regclass)`.mapWith((v: unknown) => (v === null ? null : Number(v))) })
    .from(sql`(SELECT 1) AS one`);
  const horizon = last?.v ?? 0;
  // Listed after the last value was read: whoever drew a seq <= horizon and is still open is here.
  let open = await appendersNow(db);
  while (open.size > 0) {
    if (opts.signal?.aborted === true) return null;
    opts.onWait?.(open.size);
    await sleep(opts.pollMs ?? 2);
    const now = await appendersNow(db);
    open = new Set([...open].filter((v) => now.has(v)));
  }
  return horizon;
}

/** A page query over the log. */
export interface SeasonEventQuery {
  /** Only rows with `seq` greater than this (default 0). */
  readonly after?: number;
  /** Only rows with `seq` at most this (a {@link seasonLogHorizon}); default no bound. */
  readonly upTo?: number;
  readonly limit: number;
  /** Only this player's events. */
  readonly playerId?: string;
  /** Only these players' events (ignored when empty). */
  readonly playerIds?: readonly string[];
  /** Only these types. */
  readonly types?: readonly SeasonEventType[];
}

/** A raw row as stored (payload unparsed). */
function toRaw(r: typeof seasonEvents.$inferSelect): RawSeasonEvent {
  return { seq: r.seq, type: r.type, playerId: r.playerId, payload: r.payload, createdAt: r.createdAt.toISOString() };
}

/** Reads rows in `seq` order, unparsed. */
export async function readRawSeasonEvents(db: Database, q: SeasonEventQuery): Promise<RawSeasonEvent[]> {
  const conds: SQL[] = [gt(seasonEvents.seq, q.after ?? 0)];
  if (q.upTo !== undefined) conds.push(lte(seasonEvents.seq, q.upTo));
  if (q.playerId !== undefined) conds.push(eq(seasonEvents.playerId, q.playerId));
  if (q.playerIds !== undefined && q.playerIds.length > 0) conds.push(inArray(seasonEvents.playerId, [...q.playerIds]));
  if (q.types !== undefined && q.types.length > 0) conds.push(inArray(seasonEvents.type, [...q.types]));
  const rows = await db
    .select()
    .from(seasonEvents)
    .where(and(...conds))
    .orderBy(asc(seasonEvents.seq))
    .limit(q.limit);
  return rows.map(toRaw);
}

/** Reads and parses rows in `seq` order; a row that fails its schema is reported, not thrown. */
export async function readSeasonEvents(db: Database, q: SeasonEventQuery): Promise<{ events: SeasonEvent[]; errors: string[]; lastSeq: number }> {
  const raw = await readRawSeasonEvents(db, q);
  const events: SeasonEvent[] = [];
  const errors: string[] = [];
  for (const r of raw) {
    const p = parseSeasonEvent(r);
    if (p.ok) events.push(p.event);
    else errors.push(p.error);
  }
  return { events, errors, lastSeq: raw.at(-1)?.seq ?? q.after ?? 0 };
}

/** Reads the whole log (in pages), parsed. */
export async function readWholeSeasonLog(db: Database, pageSize = 5000): Promise<{ events: SeasonEvent[]; errors: string[] }> {
  const events: SeasonEvent[] = [];
  const errors: string[] = [];
  let after = 0;
  for (;;) {
    const page = await readSeasonEvents(db, { after, limit: pageSize });
    events.push(...page.events);
    errors.push(...page.errors);
    if (page.events.length + page.errors.length < pageSize) return { events, errors };
    after = page.lastSeq;
  }
}
