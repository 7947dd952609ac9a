/**
 * The Season 0 event log (`season_events`): appending inside a writer's transaction, and
 * reading by `seq`.
 *
 * `seq` must be gap-free in commit order, or a stream reader that has seen `seq = n` could miss
 * a row with a smaller `seq` that commits later. Every appender therefore takes one
 * transaction-level advisory lock right before it draws `seq` values; the lock is released at
 * commit, so rows become visible in `seq` order. Writers that must order their own state by
 * the log (waitlist joins) take it earlier with {@link lockSeasonLog}.
 */
import { and, asc, eq, gt, inArray, sql, type SQL } from "drizzle-orm";
import type { Database, Transaction } from "./client.js";
import { seasonEvents } from "./schema/index.js";
import { parseSeasonEvent, type NewSeasonEvent, type RawSeasonEvent, type SeasonEvent, type SeasonEventType } from "../src/season/events.js";

/** Arbitrary but fixed key of the advisory lock that orders `season_events` writers. */
const SEASON_LOG_LOCK_KEY = 5_004_013_001;

/** Takes the log's transaction-level lock (re-entrant within one transaction). */
export async function lockSeasonLog(tx: Transaction | Database): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${SEASON_LOG_LOCK_KEY})`);
}

/** Appends events in the caller's transaction; returns their `seq` values. */
export async function appendSeasonEvents(tx: Transaction, events: readonly NewSeasonEvent[]): Promise<number[]> {
  if (events.length === 0) return [];
  await lockSeasonLog(tx);
  const rows = await tx
    .insert(seasonEvents)
    .values(events.map((e) => ({ type: e.type, playerId: e.playerId, payload: { ...e.payload } })))
    .returning({ seq: seasonEvents.seq });
  return rows.map((r) => r.seq);
}

/** A page query over the log. */
export interface SeasonEventQuery {
  /** Only rows with `seq` greater than this (default 0). */
  readonly after?: number;
  readonly limit: number;
  /** Only this player's events. */
  readonly playerId?: string;
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
  if (q.playerId !== undefined) conds.push(eq(seasonEvents.playerId, q.playerId));
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
