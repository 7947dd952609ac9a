/**
 * {@link LadderStore} over PostgreSQL (or PGlite) with Drizzle, on `ladder_entries` and
 * `seasons` (db/schema/ladder.ts).
 *
 * Every query filters on (tier, season) and orders by (total_score DESC,
 * score_first_reached_at ASC, player_id ASC), which is exactly the index
 * `ladder_entries_rank_idx`. "Ahead of a key" is a three-way OR on that order; a rank is
 * 1 + COUNT of the rows ahead, an index range scan: O(rank), not O(log n). That is fine for
 * the fallback path; the cache serves ranks in O(log n).
 *
 * player_id is a UUID: its order is byte order, the same as its lowercase text, so the rules'
 * code point order on ids agrees. A non-UUID id cannot exist in the table; queries compare ids
 * as text in the "C" collation so such an id (in a cursor) still orders correctly.
 */
import { and, asc, desc, eq, inArray, isNull, sql, type SQL } from "drizzle-orm";
import type { Database } from "./client.js";
import { ALL_TIME_SEASON, ladderEntries, seasons, type LadderEntryRow } from "./schema/index.js";
import type { PlayerId } from "../src/game/types.js";
import type { TierRef } from "../src/ladder/cache.js";
import { makeEntry, toPlayerId, type LadderEntry, type OrderKey, type RankedEntry } from "../src/ladder/ranking.js";
import type { LadderStore, SeasonEndRequest, SeasonReset } from "../src/ladder/store.js";
import { endSeason } from "./seasonEnd.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const le = ladderEntries;

/** The columns the ladder reads from a `ladder_entries` row. */
export type LadderEntryRowPart = Pick<LadderEntryRow, "playerId" | "totalScore" | "highestScore" | "gamesPlayed" | "wins" | "scoreFirstReachedAt">;

/** Converts a row to an entry. */
export function entryFromRow(row: LadderEntryRowPart): LadderEntry {
  return makeEntry({
    playerId: toPlayerId(row.playerId),
    total: row.totalScore,
    highest: row.highestScore ?? 0,
    games: row.gamesPlayed,
    wins: row.wins,
    firstReachedAt: row.scoreFirstReachedAt.getTime(),
  });
}

function tierFilter(ref: TierRef): SQL {
  const season = ref.tier === "all_time" ? ALL_TIME_SEASON : (ref.season ?? ALL_TIME_SEASON);
  return and(eq(le.tier, ref.tier), eq(le.season, season)) ?? sql`true`;
}

function ts(ms: number): SQL {
  return sql`${new Date(ms).toISOString()}::timestamptz`;
}

/** Rows ordered strictly before `key` in ladder order. */
function aheadOf(key: OrderKey): SQL {
  return sql`(${le.totalScore} > ${key.total}
    OR (${le.totalScore} = ${key.total} AND ${le.scoreFirstReachedAt} < ${ts(key.firstReachedAt)})
    OR (${le.totalScore} = ${key.total} AND ${le.scoreFirstReachedAt} = ${ts(key.firstReachedAt)} AND ${le.playerId}::text COLLATE "C" < ${key.playerId}))`;
}

/** Rows ordered strictly after `key` in ladder order. */
function behind(key: OrderKey): SQL {
  return sql`(${le.totalScore} < ${key.total}
    OR (${le.totalScore} = ${key.total} AND ${le.scoreFirstReachedAt} > ${ts(key.firstReachedAt)})
    OR (${le.totalScore} = ${key.total} AND ${le.scoreFirstReachedAt} = ${ts(key.firstReachedAt)} AND ${le.playerId}::text COLLATE "C" > ${key.playerId}))`;
}

const columns = {
  playerId: le.playerId,
  totalScore: le.totalScore,
  highestScore: le.highestScore,
  gamesPlayed: le.gamesPlayed,
  wins: le.wins,
  scoreFirstReachedAt: le.scoreFirstReachedAt,
} as const;

const ladderOrder = [desc(le.totalScore), asc(le.scoreFirstReachedAt), asc(le.playerId)] as const;
const reverseOrder = [asc(le.totalScore), desc(le.scoreFirstReachedAt), desc(le.playerId)] as const;

/** The ladder as PostgreSQL holds it. */
export class PgLadderStore implements LadderStore {
  constructor(private readonly db: Database) {}

  async countAhead(tier: TierRef, key: OrderKey, excludePlayer: PlayerId | null): Promise<number> {
    const conds = [tierFilter(tier), aheadOf(key)];
    if (excludePlayer !== null && UUID.test(excludePlayer)) conds.push(sql`${le.playerId} <> ${excludePlayer}`);
    const [row] = await this.db.select({ n: sql<number>`count(*)::int` }).from(le).where(and(...conds));
    return row?.n ?? 0;
  }

  async top(tier: TierRef, limit: number, after: OrderKey | null): Promise<readonly RankedEntry[]> {
    const where = after === null ? tierFilter(tier) : and(tierFilter(tier), behind(after));
    const rows = await this.db.select(columns).from(le).where(where).orderBy(...ladderOrder).limit(limit);
    const first = rows[0];
    if (first === undefined) return [];
    const start = after === null ? 0 : await this.countAhead(tier, entryFromRow(first), null);
    return rows.map((r, i) => ({ rank: start + i + 1, entry: entryFromRow(r) }));
  }

  private async entryOf(tier: TierRef, playerId: PlayerId): Promise<LadderEntry | null> {
    if (!UUID.test(playerId)) return null;
    const [row] = await this.db.select(columns).from(le).where(and(tierFilter(tier), eq(le.playerId, playerId))).limit(1);
    return row === undefined ? null : entryFromRow(row);
  }

  async rankOf(tier: TierRef, playerId: PlayerId): Promise<RankedEntry | null> {
    const entry = await this.entryOf(tier, playerId);
    if (entry === null) return null;
    return { rank: (await this.countAhead(tier, entry, null)) + 1, entry };
  }

  async around(tier: TierRef, playerId: PlayerId, radius: number): Promise<readonly RankedEntry[] | null> {
    const me = await this.rankOf(tier, playerId);
    if (me === null) return null;
    const [above, below] = await Promise.all([
      radius === 0 ? [] : this.db.select(columns).from(le).where(and(tierFilter(tier), aheadOf(me.entry))).orderBy(...reverseOrder).limit(radius),
      radius === 0 ? [] : this.db.select(columns).from(le).where(and(tierFilter(tier), behind(me.entry))).orderBy(...ladderOrder).limit(radius),
    ]);
    const up = above.map(entryFromRow).reverse();
    const start = me.rank - up.length;
    return [...up, me.entry, ...below.map(entryFromRow)].map((entry, i) => ({ rank: start + i, entry }));
  }

  async count(tier: TierRef): Promise<number> {
    const [row] = await this.db.select({ n: sql<number>`count(*)::int` }).from(le).where(tierFilter(tier));
    return row?.n ?? 0;
  }

  async entriesOf(tier: TierRef, playerIds: readonly PlayerId[]): Promise<readonly LadderEntry[]> {
    const ids = playerIds.filter((p) => UUID.test(p));
    if (ids.length === 0) return [];
    const rows = await this.db.select(columns).from(le).where(and(tierFilter(tier), inArray(le.playerId, ids)));
    return rows.map(entryFromRow);
  }

  async *allEntries(tier: TierRef, batchSize: number): AsyncIterable<readonly LadderEntry[]> {
    let after: string | null = null;
    for (;;) {
      const where: SQL | undefined = after === null ? tierFilter(tier) : and(tierFilter(tier), sql`${le.playerId} > ${after}`);
      const rows: LadderEntryRowPart[] = await this.db.select(columns).from(le).where(where).orderBy(asc(le.playerId)).limit(batchSize);
      if (rows.length === 0) return;
      yield rows.map(entryFromRow);
      const last: LadderEntryRowPart | undefined = rows[rows.length - 1];
      if (last === undefined || rows.length < batchSize) return;
      after = last.playerId;
    }
  }

  async currentSeason(): Promise<number> {
    const [row] = await this.db.select({ id: seasons.id }).from(seasons).where(isNull(seasons.endedAt)).limit(1);
    if (row === undefined) throw new Error("ladder: no current season (the seasons table has no open row; migrations seed Season 0)");
    return row.id;
  }

  /** The season end of db/seasonEnd.ts (SE1, SE2): every reset, scheduled or admin, goes through it. */
  async startNextSeason(request: SeasonEndRequest = { trigger: "admin" }): Promise<SeasonReset | null> {
    const ended = await endSeason(this.db, request);
    return ended === null ? null : { closed: ended.closed, opened: ended.opened };
  }
}
