/**
 * Ending a season, exactly once, whoever asks: the scheduler of any process or an admin reset
 * (docs/LADDER.md, "Seasons on a schedule"). Rules:
 *
 * - SE1 one transaction: lock the current `seasons` row, insert the season's `season_ends` row
 *   (its primary key is the season: a second end of one season inserts nothing and does
 *   nothing), snapshot the season tier's final standings into `season_standings` (ladder order,
 *   rank 1 first), close the season, open the next, and append `LEADERBOARD_RESET` to
 *   `season_events`.
 * - SE2 a scheduled end names the season it saw as current; when that season has already ended
 *   (another process, or an admin, got there first) nothing happens and the call returns null.
 * - SE3 rewards come after the commit, one wallet deposit (mint -> player, `coins`) per rewarded
 *   rank, each with the idempotency key `season-reward:<season>:<playerId>`, so a retry or a
 *   second process pays nothing twice; `season_ends.rewards_granted_at` is set when all are in.
 *   A process that starts finds seasons whose rewards are not all granted and grants them.
 * - SE4 the season cosmetic (S3) is granted inside SE1's transaction: final ranks up to
 *   `cosmeticRanks` own `season_<n>_frame` (created in the catalogue if missing) with
 *   `COSMETIC_UNLOCKED`, once per season and player (db/cosmetics.ts `grantSeasonCosmetic`).
 */
import { and, asc, desc, eq, inArray, isNull, lte, sql } from "drizzle-orm";
import { DEFAULT_SEASON_COSMETIC_RANKS, rewardFor, SEASON_REWARD_REQUESTER, seasonCosmeticId, seasonCosmeticName, seasonRewardKey, type RewardBand } from "../src/ladder/seasonSchedule.js";
import type { SeasonReset } from "../src/ladder/store.js";
import type { Database, Transaction } from "./client.js";
import { grantSeasonCosmetic } from "./cosmetics.js";
import { appendSeasonEvents } from "./seasonLog.js";
import { ladderEntries, RATING_SEASON, seasons } from "./schema/ladder.js";
import { playerCosmetics } from "./schema/seasonCosmetics.js";
import { seasonEnds, seasonStandings, STANDINGS_TIERS, type SEASON_END_TRIGGERS } from "./schema/seasonEnds.js";
import { transactions } from "./schema/season.js";
import { transfer } from "./wallet.js";

/** A tier whose final standings a season end snapshots. */
export type StandingsTier = (typeof STANDINGS_TIERS)[number];

/** What ended a season. */
export type SeasonEndTrigger = (typeof SEASON_END_TRIGGERS)[number];

/** How a season end was asked for. */
export interface SeasonEndOptions {
  readonly trigger: SeasonEndTrigger;
  /** SE2: end this season only if it is still the current one (the scheduler passes it). */
  readonly expectedSeason?: number;
  /** The scheduled time the end was due at (schedule only). */
  readonly scheduledFor?: Date | null;
  /** When the next season starts (default: the database clock). */
  readonly nextStartsAt?: Date;
  /** SE4: final ranks up to this get the season cosmetic (default 10; 0: none). */
  readonly cosmeticRanks?: number;
}

/** A season end that happened. */
export interface SeasonEnded extends SeasonReset {
  /** Entries snapshotted into `season_standings`. */
  readonly standings: number;
  /** SE4: players granted the season cosmetic by this end. */
  readonly cosmetics: number;
}

async function currentSeasonRow(tx: Transaction): Promise<{ id: number } | undefined> {
  const [cur] = await tx.select({ id: seasons.id }).from(seasons).where(isNull(seasons.endedAt)).for("update").limit(1);
  return cur;
}

/** SE1: copies one ladder tier's entries, in ladder order, into the season's final standings; returns how many. */
async function snapshotTier(tx: Transaction, season: number, tier: StandingsTier, ladderSeason: number): Promise<number> {
  const snap = await tx.execute(sql`
    INSERT INTO ${seasonStandings} (season, tier, rank, player_id, total, games, wins)
    SELECT ${season}, ${tier}, row_number() OVER (ORDER BY ${ladderEntries.totalScore} DESC, ${ladderEntries.scoreFirstReachedAt} ASC, ${ladderEntries.playerId} ASC),
           ${ladderEntries.playerId}, ${ladderEntries.totalScore}, ${ladderEntries.gamesPlayed}, ${ladderEntries.wins}
    FROM ${ladderEntries} WHERE ${ladderEntries.tier} = ${tier} AND ${ladderEntries.season} = ${ladderSeason}
    RETURNING 1`);
  return Array.isArray(snap) ? snap.length : ((snap as { rows?: unknown[] }).rows?.length ?? 0);
}

/** SE1, SE2: ends the current season (null: the expected season had already ended). */
export async function endSeason(db: Database, options: SeasonEndOptions): Promise<SeasonEnded | null> {
  return db.transaction(async (tx) => {
    // A concurrent end that committed while this statement waited for the row lock leaves no
    // row matching `ended_at IS NULL` in its snapshot: read again, in a new statement.
    const cur = (await currentSeasonRow(tx)) ?? (await currentSeasonRow(tx));
    if (cur === undefined) throw new Error("season end: no current season");
    if (options.expectedSeason !== undefined && cur.id !== options.expectedSeason) return null;
    const claimed = await tx
      .insert(seasonEnds)
      .values({ season: cur.id, trigger: options.trigger, scheduledFor: options.scheduledFor ?? null })
      .onConflictDoNothing()
      .returning({ season: seasonEnds.season });
    if (claimed.length === 0) return null;
    const standings = await snapshotTier(tx, cur.id, "season", cur.id);
    // The rating tier as it stands when the season ends (its entries do not reset).
    await snapshotTier(tx, cur.id, "rating", RATING_SEASON);
    await tx.update(seasons).set({ endedAt: sql`now()` }).where(eq(seasons.id, cur.id));
    await tx.insert(seasons).values({ id: cur.id + 1, ...(options.nextStartsAt === undefined ? {} : { startedAt: options.nextStartsAt }) });
    await appendSeasonEvents(tx, [
      {
        type: "LEADERBOARD_RESET",
        playerId: null,
        payload: { _v: 1, endedSeason: cur.id, openedSeason: cur.id + 1, trigger: options.trigger, scheduledFor: options.scheduledFor?.toISOString() ?? null, standings },
      },
    ]);
    // SE4: the season's frame to the top of the season tier, in this transaction.
    const cosmeticRanks = options.cosmeticRanks ?? DEFAULT_SEASON_COSMETIC_RANKS;
    const top = cosmeticRanks <= 0 ? null : await seasonStandingsOf(tx, cur.id, cosmeticRanks);
    const granted = top === null ? [] : await grantSeasonCosmetic(tx, { id: seasonCosmeticId(cur.id), name: seasonCosmeticName(cur.id) }, top.map((r) => r.playerId));
    return { closed: cur.id, opened: cur.id + 1, standings, cosmetics: granted.length };
  });
}

/** What granting a season's rewards did. */
export interface SeasonRewards {
  readonly season: number;
  /** Deposits made now (not replays of earlier ones). */
  readonly paid: number;
  /** Deposits that were already made (idempotent replays). */
  readonly replayed: number;
  readonly coins: number;
}

/** SE3: grants a season's rewards by rank band; safe to run again (and concurrently). */
export async function grantSeasonRewards(db: Database, season: number, bands: readonly RewardBand[]): Promise<SeasonRewards> {
  const last = bands[bands.length - 1]?.upTo ?? 0;
  const rows = await db
    .select({ rank: seasonStandings.rank, playerId: seasonStandings.playerId })
    .from(seasonStandings)
    .where(and(eq(seasonStandings.season, season), eq(seasonStandings.tier, "season"), lte(seasonStandings.rank, last)))
    .orderBy(asc(seasonStandings.rank));
  let paid = 0;
  let replayed = 0;
  let coins = 0;
  for (const r of rows) {
    const amount = rewardFor(r.rank, bands);
    if (amount <= 0) continue;
    const result = await transfer(db, {
      kind: "deposit",
      currency: "coins",
      amount,
      from: { kind: "system", name: "mint" },
      to: { kind: "player", playerId: r.playerId },
      requestedBy: SEASON_REWARD_REQUESTER,
      idempotencyKey: seasonRewardKey(season, r.playerId),
      reason: `season ${season} reward, final rank ${r.rank}`,
    });
    if (!result.ok) throw new Error(`season ${season} reward for ${r.playerId} refused: ${JSON.stringify(result)}`);
    if (result.replayed) replayed++;
    else {
      paid++;
      coins += amount;
    }
  }
  await db.update(seasonEnds).set({ rewardsGrantedAt: sql`now()` }).where(and(eq(seasonEnds.season, season), isNull(seasonEnds.rewardsGrantedAt)));
  return { season, paid, replayed, coins };
}

/** SE3: ended seasons whose rewards are not all granted yet, oldest first. */
export async function seasonsAwaitingRewards(db: Database): Promise<number[]> {
  const rows = await db.select({ season: seasonEnds.season }).from(seasonEnds).where(isNull(seasonEnds.rewardsGrantedAt)).orderBy(asc(seasonEnds.season));
  return rows.map((r) => r.season);
}

/** The current season's number and start. */
export async function currentSeasonInfo(db: Database): Promise<{ readonly season: number; readonly startedAt: Date }> {
  const [row] = await db.select({ id: seasons.id, startedAt: seasons.startedAt }).from(seasons).where(isNull(seasons.endedAt)).orderBy(desc(seasons.id)).limit(1);
  if (row === undefined) throw new Error("no current season");
  return { season: row.id, startedAt: row.startedAt };
}

/** An ended season and its final standings page, for the API (null: the season has not ended). */
export async function endedSeasonStandings(db: Database, season: number, limit: number, fromRank: number) {
  const end = await seasonEndOf(db, season);
  if (end === null) return null;
  const rows = await seasonStandingsOf(db, season, limit, fromRank);
  return { season, trigger: end.trigger, endedAt: end.endedAt.toISOString(), scheduledFor: end.scheduledFor?.toISOString() ?? null, standings: rows };
}

/** An ended season's end row (null: the season has not ended). */
export async function seasonEndOf(db: Database, season: number): Promise<{ readonly trigger: SeasonEndTrigger; readonly endedAt: Date; readonly scheduledFor: Date | null } | null> {
  const [row] = await db.select({ trigger: seasonEnds.trigger, endedAt: seasonEnds.endedAt, scheduledFor: seasonEnds.scheduledFor }).from(seasonEnds).where(eq(seasonEnds.season, season));
  return row ?? null;
}

/** An ended season's final standings in a tier (rank 1 first), `limit` from rank `fromRank`. */
export async function seasonStandingsOf(db: Database | Transaction, season: number, limit: number, fromRank = 1, tier: StandingsTier = "season") {
  return db
    .select({ rank: seasonStandings.rank, playerId: seasonStandings.playerId, total: seasonStandings.total, games: seasonStandings.games, wins: seasonStandings.wins })
    .from(seasonStandings)
    .where(and(eq(seasonStandings.season, season), eq(seasonStandings.tier, tier), sql`${seasonStandings.rank} >= ${fromRank}`))
    .orderBy(asc(seasonStandings.rank))
    .limit(limit);
}

/** A player's final standing in one tier of an ended season. */
export interface FinalStanding {
  readonly rank: number;
  readonly total: number;
  readonly games: number;
  readonly wins: number;
}

/** One ended season as a player finished it (`GET /api/players/:id/seasons`). */
export interface PlayerSeason {
  readonly season: number;
  readonly endedAt: Date;
  readonly trigger: SeasonEndTrigger;
  /** The final standing per snapshotted tier (null: no entry in that tier when the season ended). */
  readonly tiers: Readonly<Record<StandingsTier, FinalStanding | null>>;
  /** SE3: coins deposited for the season (0: none, or not granted yet). */
  readonly coins: number;
  /** SE4: the season's cosmetic when the player owns it through the season end's grant. */
  readonly cosmeticId: string | null;
}

/**
 * The ended seasons a player has a final standing in (any tier), newest first, with the rewards
 * granted: the deposit under the season's reward key (SE3) and the season's frame (SE4).
 */
export async function playerSeasons(db: Database, playerId: string, limit = 100): Promise<PlayerSeason[]> {
  const rows = await db
    .select({ season: seasonStandings.season, tier: seasonStandings.tier, endedAt: seasonEnds.endedAt, trigger: seasonEnds.trigger, rank: seasonStandings.rank, total: seasonStandings.total, games: seasonStandings.games, wins: seasonStandings.wins })
    .from(seasonStandings)
    .innerJoin(seasonEnds, eq(seasonEnds.season, seasonStandings.season))
    .where(eq(seasonStandings.playerId, playerId))
    .orderBy(desc(seasonStandings.season), asc(seasonStandings.tier))
    .limit(limit * STANDINGS_TIERS.length);
  const bySeason = new Map<number, { season: number; endedAt: Date; trigger: SeasonEndTrigger; tiers: Record<StandingsTier, FinalStanding | null> }>();
  for (const r of rows) {
    const s = bySeason.get(r.season) ?? { season: r.season, endedAt: r.endedAt, trigger: r.trigger, tiers: { season: null, rating: null } };
    s.tiers[r.tier] = { rank: r.rank, total: r.total, games: r.games, wins: r.wins };
    bySeason.set(r.season, s);
  }
  const seasonsSeen = [...bySeason.values()].slice(0, limit);
  if (seasonsSeen.length === 0) return [];
  // The keys and ids come from their one definition (seasonSchedule.ts), not rebuilt in SQL.
  const [paid, frames] = await Promise.all([
    db
      .select({ key: transactions.idempotencyKey, amount: transactions.amount })
      .from(transactions)
      .where(and(eq(transactions.requestedBy, SEASON_REWARD_REQUESTER), inArray(transactions.idempotencyKey, seasonsSeen.map((r) => seasonRewardKey(r.season, playerId))))),
    db
      .select({ id: playerCosmetics.cosmeticId })
      .from(playerCosmetics)
      .where(and(eq(playerCosmetics.playerId, playerId), eq(playerCosmetics.source, "grant"), inArray(playerCosmetics.cosmeticId, seasonsSeen.map((r) => seasonCosmeticId(r.season))))),
  ]);
  const coinsBy = new Map(paid.map((p) => [p.key, p.amount] as const));
  const owned = new Set(frames.map((f) => f.id));
  return seasonsSeen.map((r) => ({ ...r, coins: coinsBy.get(seasonRewardKey(r.season, playerId)) ?? 0, cosmeticId: owned.has(seasonCosmeticId(r.season)) ? seasonCosmeticId(r.season) : null }));
}
