/**
 * The Season 0 waitlist on `waitlist`. Joins and status changes hold the waitlist's own
 * transaction-level advisory lock from their first statement (only waitlist writes take it), so
 * queue order, commit order and the order of their events' `seq` agree, and the position a join
 * answers with is exact even under concurrent joins. A join of a player already on the list
 * answers from the committed row without taking it.
 */
import { randomUUID } from "node:crypto";
import { and, asc, count, eq, gt, inArray, lte, sql } from "drizzle-orm";
import type { Database, Transaction } from "./client.js";
import { preparedPerDatabase } from "./prepared.js";
import { appendSeasonEvents } from "./seasonLog.js";
import { refusalsAsValues, SeasonRejection, type Refused } from "./seasonErrors.js";
import { waitlist } from "./schema/index.js";
import type { WaitlistStatus } from "../src/season/events.js";
import { decideAdvance, decideJoin, decideRemove, type WaitlistEntryState } from "../src/season/waitlist.js";

/** A waitlist entry as the API shows it. */
export interface WaitlistView {
  readonly id: string;
  readonly playerId: string;
  readonly status: WaitlistStatus;
  /** 1-based place among waiting entries; null unless waiting. */
  readonly position: number | null;
  readonly queueSeq: number;
  readonly joinedAt: string;
  readonly updatedAt: string;
}

type Row = typeof waitlist.$inferSelect;

/** Arbitrary but fixed key of the advisory lock that orders waitlist writers. */
const WAITLIST_LOCK_KEY = 5_004_013_002;

/** Takes the waitlist's transaction-level lock (re-entrant within one transaction). */
async function lockWaitlist(tx: Transaction): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${WAITLIST_LOCK_KEY})`);
}

async function positionOf(db: Database | Transaction, r: Row): Promise<number | null> {
  if (r.status !== "waiting") return null;
  const [c] = await db
    .select({ n: count() })
    .from(waitlist)
    .where(and(eq(waitlist.status, "waiting"), lte(waitlist.queueSeq, r.queueSeq)));
  return c?.n ?? null;
}

async function view(db: Database | Transaction, r: Row): Promise<WaitlistView> {
  return { id: r.id, playerId: r.playerId, status: r.status, position: await positionOf(db, r), queueSeq: r.queueSeq, joinedAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString() };
}

const state = (r: Row): WaitlistEntryState => ({ id: r.id, playerId: r.playerId, queueSeq: r.queueSeq, status: r.status });

/** Joins (or re-joins after removal); a live entry's join is idempotent (`created` false). */
export async function joinWaitlist(db: Database, playerId: string): Promise<{ entry: WaitlistView; created: boolean }> {
  const live = await waitlistOfPlayer(db, playerId);
  if (live !== null && live.status !== "removed") return { entry: live, created: false };
  return db.transaction(async (tx) => {
    await lockWaitlist(tx);
    const [existing] = await tx.select().from(waitlist).where(eq(waitlist.playerId, playerId)).for("update");
    if (existing !== undefined && existing.status !== "removed") return { entry: await view(tx, existing), created: false };
    const [seq] = await tx.select({ v: sql<number>`nextval('waitlist_queue_seq')`.mapWith(Number) }).from(sql`(SELECT 1) AS one`);
    if (seq === undefined) throw new Error("nextval returned nothing");
    const d = decideJoin(existing === undefined ? null : state(existing), { playerId, id: randomUUID(), queueSeq: seq.v });
    const id = existing?.id ?? d.events.find((e) => e.type === "SEASON0_JOINED")?.payload.waitlistId;
    if (id === undefined) throw new Error("a first join has no SEASON0_JOINED");
    const [row] =
      existing === undefined
        ? await tx.insert(waitlist).values({ id, playerId, queueSeq: seq.v }).returning()
        : await tx.update(waitlist).set({ status: "waiting", queueSeq: seq.v, updatedAt: new Date() }).where(eq(waitlist.id, id)).returning();
    if (row === undefined) throw new Error("waitlist write returned no row");
    await appendSeasonEvents(tx, d.events);
    return { entry: await view(tx, row), created: true };
  });
}

// Qualified by hand: Drizzle writes a single table's columns unqualified, which the subquery would take as its own.
const positionColumn = sql<number | null>`CASE WHEN "waitlist"."status" = 'waiting' THEN (SELECT count(*) FROM waitlist AS ahead WHERE ahead.status = 'waiting' AND ahead.queue_seq <= "waitlist"."queue_seq") END`.mapWith(
  (v: unknown) => (v === null ? null : Number(v)),
);

/** Selects entries with their positions (each entry and its position from one statement). */
const selectWithPosition = (db: Database) => db.select({ row: waitlist, position: positionColumn }).from(waitlist);

const byPlayerQuery = preparedPerDatabase((db) => selectWithPosition(db).where(eq(waitlist.playerId, sql.placeholder("playerId"))).prepare("season_waitlist_of_player"));

function toView(r: { row: Row; position: number | null } | undefined): WaitlistView | null {
  if (r === undefined) return null;
  const w = r.row;
  return { id: w.id, playerId: w.playerId, status: w.status, position: r.position, queueSeq: w.queueSeq, joinedAt: w.createdAt.toISOString(), updatedAt: w.updatedAt.toISOString() };
}

/** The entry of a player, or null. */
export async function waitlistOfPlayer(db: Database, playerId: string): Promise<WaitlistView | null> {
  const [r] = await byPlayerQuery(db).execute({ playerId });
  return toView(r);
}

/** An entry by id, or null. */
export async function waitlistEntry(db: Database, id: string): Promise<WaitlistView | null> {
  const [r] = await selectWithPosition(db).where(eq(waitlist.id, id));
  return toView(r);
}

/** A page of entries in queue order, after `afterSeq`. */
export async function listWaitlist(db: Database, opts: { readonly afterSeq: number; readonly limit: number; readonly status?: WaitlistStatus | undefined }): Promise<{ items: WaitlistView[]; nextSeq: number | null }> {
  const rows = await db
    .select()
    .from(waitlist)
    .where(and(gt(waitlist.queueSeq, opts.afterSeq), opts.status === undefined ? undefined : eq(waitlist.status, opts.status)))
    .orderBy(asc(waitlist.queueSeq))
    .limit(opts.limit + 1);
  const page = rows.slice(0, opts.limit);
  const items = await Promise.all(page.map((r) => view(db, r)));
  return { items, nextSeq: rows.length > opts.limit ? (page.at(-1)?.queueSeq ?? null) : null };
}

/** Removes an entry unless its player is seated at a live table (`isSeated` asks the rooms). */
export async function removeFromWaitlist(db: Database, id: string, isSeated: (playerId: string) => Promise<boolean>): Promise<{ ok: true; entry: WaitlistView } | Refused> {
  const [pre] = await db.select({ playerId: waitlist.playerId }).from(waitlist).where(eq(waitlist.id, id));
  if (pre === undefined) return { ok: false, code: "not_found", detail: "no such waitlist entry" };
  const seated = await isSeated(pre.playerId);
  return refusalsAsValues(() =>
    db.transaction(async (tx) => {
      await lockWaitlist(tx);
      const [r] = await tx.select().from(waitlist).where(eq(waitlist.id, id)).for("update");
      if (r === undefined) throw new SeasonRejection("not_found", "no such waitlist entry");
      const d = decideRemove(state(r), seated);
      if (!d.ok) throw new SeasonRejection(d.code);
      const [row] = await tx.update(waitlist).set({ status: "removed", updatedAt: new Date() }).where(eq(waitlist.id, id)).returning();
      if (row === undefined) throw new Error("waitlist update returned no row");
      await appendSeasonEvents(tx, d.events);
      return { ok: true as const, entry: await view(tx, row) };
    }),
  );
}

/** Moves the next `count` entries (queue order) that can reach `to` there, in one transaction. */
export async function advanceWaitlist(
  db: Database,
  n: number,
  to: "invited" | "admitted",
  /** Runs in the same transaction with the admitted players in queue order (the Founder grant). */
  onAdmitted?: (tx: Transaction, playerIds: readonly string[]) => Promise<unknown>,
): Promise<{ ok: true; entries: WaitlistView[] } | Refused> {
  const from: WaitlistStatus[] = to === "invited" ? ["waiting"] : ["waiting", "invited"];
  return refusalsAsValues(() =>
    db.transaction(async (tx) => {
      await lockWaitlist(tx);
      const rows = await tx.select().from(waitlist).where(inArray(waitlist.status, from)).orderBy(asc(waitlist.queueSeq)).limit(n).for("update");
      const d = decideAdvance(rows.map(state), to);
      if (!d.ok) throw new SeasonRejection(d.code);
      const ids = rows.map((r) => r.id);
      const updated = ids.length === 0 ? [] : await tx.update(waitlist).set({ status: to, updatedAt: new Date() }).where(inArray(waitlist.id, ids)).returning();
      await appendSeasonEvents(tx, d.events);
      updated.sort((a, b) => a.queueSeq - b.queueSeq);
      if (to === "admitted" && onAdmitted !== undefined) await onAdmitted(tx, updated.map((r) => r.playerId));
      return { ok: true as const, entries: await Promise.all(updated.map((r) => view(tx, r))) };
    }),
  );
}

/** Every entry with the position the database computes (one window query), for the audit. */
export async function allWaitlist(db: Database): Promise<(WaitlistEntryState & { position: number | null })[]> {
  const position = sql<number | null>`CASE WHEN ${waitlist.status} = 'waiting' THEN count(*) FILTER (WHERE ${waitlist.status} = 'waiting') OVER (ORDER BY ${waitlist.queueSeq}) END`.mapWith((v: unknown) => (v === null ? null : Number(v)));
  const rows = await db
    .select({ id: waitlist.id, playerId: waitlist.playerId, queueSeq: waitlist.queueSeq, status: waitlist.status, position })
    .from(waitlist)
    .orderBy(asc(waitlist.queueSeq));
  return rows;
}
