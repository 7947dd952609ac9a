/**
 * Achievements on `achievements` (definitions) and `player_achievements` (unlocks, one per player
 * and achievement); the figures conditions read are lifetime stats (`player_lifetime_stats`,
 * written by the completion's built-in lifetime-stats participant, db/completion.ts).
 *
 * A finished game unlocks through {@link achievementsCompletion} (the server's wiring: the read
 * is returned by the lifetime-stats upsert, the definitions are held in memory, and a game that
 * unlocks nothing costs no statement and writes no row of its own) or
 * {@link achievementsParticipant} (the same participant reading for itself), inside the
 * completion transaction: never missed (it commits with the game) and never twice (the
 * completion claim plus the primary key of `player_achievements`; an
 * `INSERT ... ON CONFLICT DO NOTHING` waits for a concurrent unlock of the same pair and then
 * skips it). A reward is a ledger transfer `rewards -> player` whose idempotency key is derived
 * from the game, the achievement and the player, and `ACHIEVEMENT_UNLOCKED` is appended in the
 * same transaction.
 *
 * Lock order (no deadlock with other completions or Season 0 writers): the completion's
 * `player_lifetime_stats` rows by player id (taken by the lifetime-stats participant; reading the
 * figures locks nothing), unlock rows by (player, achievement), then the wallet accounts: the
 * players' by id, then `rewards`; then an item reward's inventory rows (unlocks are in player-id
 * order; db/inventory.ts `grantItemsIn`); the season log's advisory lock comes last.
 */
import { randomUUID } from "node:crypto";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Database, Transaction } from "./client.js";
import { preparedPerDatabase } from "./prepared.js";
import { appendSeasonEvents } from "./seasonLog.js";
import { refusalsAsValues, SeasonRejection, type Refused } from "./seasonErrors.js";
import { grantItemsIn } from "./inventory.js";
import { achievementDefinitionsVersion, achievements, items, playerAchievements, playerLifetimeStats, players } from "./schema/index.js";
import { lockAccount, transferIn } from "./wallet.js";
import type { LifetimeStatsReader, LifetimeStatsReturned } from "./completion.js";
import type { CompletionParticipant, FinishedGame } from "../src/completion/pipeline.js";
import {
  ACHIEVEMENT_REQUESTER,
  achievementConditionSchema,
  decideExplicitUnlock,
  decideUnlocks,
  NO_FIGURES,
  progressOf,
  rewardIdempotencyKey,
  rewardItemOf,
  unlockOf,
  type AchievementDefinition,
  type DecidedUnlock,
  type PlayerFigures,
  type Progress,
} from "../src/season/achievements.js";
import type { AccountRef, NewSeasonEvent } from "../src/season/events.js";

/** The currency rewards are paid in. */
export const REWARD_CURRENCY = "coins";

/** An unlock that committed. */
export interface Unlock {
  readonly playerId: string;
  readonly achievementId: string;
  readonly name: string;
  readonly gameId: string | null;
  readonly rewardCoins: number;
  readonly transactionId: string | null;
  /** The item reward added to the inventory (null: none), its catalogue name (null: none) and its quantity (0 when none). */
  readonly rewardItemId: string | null;
  readonly rewardItemName: string | null;
  readonly rewardQuantity: number;
  readonly seq: number;
}

/** A definition with a player's progress and unlock time (null: not unlocked). */
export interface AchievementView extends AchievementDefinition {
  readonly progress: Progress | null;
  readonly unlockedAt: string | null;
}

type Reader = Database | Transaction;

function toDefinition(r: typeof achievements.$inferSelect): AchievementDefinition {
  const condition = achievementConditionSchema.parse(r.condition);
  return { id: r.id, name: r.name, description: r.description, condition, rewardCoins: r.rewardCoins, rewardItemId: r.rewardItemId, rewardQuantity: r.rewardQuantity, enabled: r.enabled };
}

/** Every definition, by id. */
export async function listAchievements(db: Reader): Promise<AchievementDefinition[]> {
  const rows = await db.select().from(achievements).orderBy(asc(achievements.id));
  return rows.map(toDefinition);
}

/** One definition, or null. */
export async function getAchievement(db: Reader, id: string): Promise<AchievementDefinition | null> {
  const [row] = await db.select().from(achievements).where(eq(achievements.id, id));
  return row === undefined ? null : toDefinition(row);
}

/**
 * Creates or replaces a definition (admin); true when it was created. Unlocks already made stay.
 * An item reward naming no catalogue item is refused (`inventory/unknown_item`), nothing changed.
 */
export async function putAchievement(db: Database, def: AchievementDefinition): Promise<{ ok: true; created: boolean; definition: AchievementDefinition } | Refused> {
  const stored = { ...def, ...rewardItemOf(def) };
  return refusalsAsValues(() =>
    db.transaction(async (tx) => {
      if (stored.rewardItemId !== null && (await tx.select({ id: items.id }).from(items).where(eq(items.id, stored.rewardItemId))).length === 0) {
        throw new SeasonRejection("inventory/unknown_item", `no item ${stored.rewardItemId}`);
      }
      const [row] = await tx
        .insert(achievements)
        .values(stored)
        .onConflictDoUpdate({
          target: achievements.id,
          set: { name: def.name, description: def.description, condition: def.condition, rewardCoins: def.rewardCoins, rewardItemId: stored.rewardItemId, rewardQuantity: stored.rewardQuantity, enabled: def.enabled, updatedAt: sql`now()` },
        })
        .returning({ created: sql<boolean>`(xmax = 0)` });
      return { ok: true as const, created: row?.created === true, definition: stored };
    }),
  );
}

/**
 * The lifetime-stats columns of a player's figures, as conditions name them. `exactZeroBids` is
 * `zero_bids_made`: the rounds bid 0 that took no trick.
 */
const statsFigureColumns = {
  gamesPlayed: playerLifetimeStats.gamesPlayed,
  gamesWon: playerLifetimeStats.gamesWon,
  highestScore: playerLifetimeStats.highestScore,
  longestWinStreak: playerLifetimeStats.mostConsecutiveWins,
  perfectGames: playerLifetimeStats.perfectGames,
  exactZeroBids: playerLifetimeStats.zeroBidsMade,
};
/** A player's figures read on their own: the stats left-joined to `players`. */
const figureColumns = { playerId: players.id, ...statsFigureColumns };

/** A row of {@link figureColumns} as conditions read it (zeroes for a player with no games). */
function toFigures(r: { readonly [K in keyof PlayerFigures]: number | null }): PlayerFigures {
  return {
    gamesPlayed: r.gamesPlayed ?? 0,
    gamesWon: r.gamesWon ?? 0,
    highestScore: Math.max(0, r.highestScore ?? 0),
    longestWinStreak: r.longestWinStreak ?? 0,
    perfectGames: r.perfectGames ?? 0,
    exactZeroBids: r.exactZeroBids ?? 0,
  };
}

/** Players' lifetime figures as conditions read them (zeroes for a player with no games). */
export async function figuresOf(db: Reader, playerIds: readonly string[]): Promise<Map<string, PlayerFigures>> {
  const out = new Map<string, PlayerFigures>(playerIds.map((id) => [id, NO_FIGURES]));
  if (playerIds.length === 0) return out;
  const rows = await db
    .select(figureColumns)
    .from(players)
    .leftJoin(playerLifetimeStats, eq(playerLifetimeStats.playerId, players.id))
    .where(inArray(players.id, [...playerIds]));
  for (const r of rows) out.set(r.playerId, toFigures(r));
  return out;
}

/** What a finished game's human seats look like after it: figures, unlocked ids, and the definitions' version. */
interface GameRead {
  readonly figures: Map<string, PlayerFigures>;
  readonly held: Map<string, Set<string>>;
  /** {@link DEFINITIONS_VERSION} as the statement saw it. */
  readonly version: string;
}

/**
 * The version of the definitions: `achievement_definitions_version.version`, which a
 * statement-level trigger on `achievements` raises in the transaction of any insert, update,
 * delete or truncate (an admin's `PUT`, or SQL from any process), so an edit and its version
 * commit together and a statement sees the definitions and the version of one snapshot. Read in
 * a statement the completion sends anyway, it lets {@link DefinitionCache} use the in-memory
 * definitions without a round trip of its own, and re-read them when they changed (no TTL, no
 * stale window). (It replaced an md5 over every definition's id and `xmin`, exact too but about
 * 0.05 ms more per completion, measured in the upsert's `RETURNING`; the one row costs about 0.01 ms.)
 */
const DEFINITIONS_VERSION = sql<string>`(SELECT v.version::text FROM ${achievementDefinitionsVersion} v)`;

/**
 * Reads every definition and their version in one statement (one snapshot). The version is ""
 * (never kept, see {@link DefinitionCache}) when there is no definition or no version row.
 */
async function loadDefinitions(db: Reader): Promise<{ version: string; defs: readonly AchievementDefinition[] }> {
  const rows = await db.select({ row: achievements, version: DEFINITIONS_VERSION }).from(achievements).orderBy(asc(achievements.id));
  return { version: rows[0]?.version ?? "", defs: rows.map((r) => toDefinition(r.row)) };
}

/**
 * The definitions in memory for ONE database (each participant instance has its own: the
 * version names a state of one database's table, not content that two databases could share).
 */
class DefinitionCache {
  private last: { readonly version: string; readonly defs: readonly AchievementDefinition[] } | null = null;

  /**
   * The definitions at `version`: from memory when they are the last read, else read (and kept)
   * in the caller's transaction. A read newer than `version` (an edit that committed in between)
   * is as good: the game completes against the definitions of that moment. An empty version (no
   * version row, or no definition) never matches: read every time.
   */
  async at(tx: Transaction, version: string): Promise<readonly AchievementDefinition[]> {
    if (version !== "" && this.last?.version === version) return this.last.defs;
    const loaded = await loadDefinitions(tx);
    this.last = loaded;
    return loaded.defs;
  }
}

/**
 * The participant's own read, one statement (no write, no lock): each of `humans`' figures, as
 * the lifetime-stats participant left them earlier in the transaction, their unlocked ids and the
 * definitions' version. Wired with {@link achievementsCompletion}, the same columns come from
 * the lifetime-stats upsert's `RETURNING` instead ({@link READ_RETURNING}) and this is not sent.
 */
async function readGame(tx: Transaction, humans: readonly string[]): Promise<GameRead> {
  const result: unknown = await tx.execute(readGameSql(`{${humans.join(",")}}`));
  return gameReadOf(humans, (Array.isArray(result) ? result : ((result as { rows?: unknown[] }).rows ?? [])) as readonly ReadGameRow[]);
}

/** A {@link GameRead} of `humans` from their rows (a player without one has no games). */
function gameReadOf(humans: readonly string[], rows: readonly ReadGameRow[]): GameRead {
  const figures = new Map<string, PlayerFigures>(humans.map((id) => [id, NO_FIGURES]));
  const held = new Map<string, Set<string>>(humans.map((id) => [id, new Set()]));
  let version = "";
  for (const r of rows) {
    figures.set(r.playerId, toFigures(r));
    held.set(r.playerId, new Set(r.held ?? []));
    version = r.version;
  }
  return { figures, held, version };
}

/** A row of {@link readGameSql} or of {@link READ_RETURNING}. */
type ReadGameRow = { readonly playerId: string; readonly held: string[] | null; readonly version: string } & { readonly [K in keyof PlayerFigures]: number | null };

/**
 * {@link readGame}'s statement: constant text (one plan per connection, no query builder on the
 * hot path), the player ids as one array parameter.
 */
const readGameSql = (playerIds: string) => sql`
  SELECT l.player_id AS "playerId", l.games_played AS "gamesPlayed", l.games_won AS "gamesWon", l.highest_score AS "highestScore",
    l.most_consecutive_wins AS "longestWinStreak", l.perfect_games AS "perfectGames", l.zero_bids_made AS "exactZeroBids",
    (SELECT array_agg(a.achievement_id) FROM ${playerAchievements} a WHERE a.player_id = l.player_id) AS held,
    ${DEFINITIONS_VERSION} AS version
  FROM ${playerLifetimeStats} l WHERE l.player_id = ANY(${playerIds}::uuid[])`;

/**
 * {@link readGameSql}'s columns, evaluated by the lifetime-stats upsert's `RETURNING` for each
 * row it upserted (the row after the game), when wired with {@link achievementsCompletion}.
 */
const READ_RETURNING = {
  ...statsFigureColumns,
  // The upserted row's player, qualified by hand: in an insert's RETURNING, Drizzle renders a
  // column unqualified, which inside this subquery would name `a.player_id` itself.
  held: sql<string[] | null>`(SELECT array_agg(a.achievement_id) FROM ${playerAchievements} a WHERE a.player_id = ${playerLifetimeStats}.player_id)`,
  version: DEFINITIONS_VERSION,
};

/**
 * Every definition with one player's unlock time and figures, in one statement prepared once
 * per database handle (a hot read: `GET /api/achievements`).
 */
const achievementsForQuery = preparedPerDatabase((db) => {
  const playerId = sql.placeholder("playerId");
  const f = db
    .select(figureColumns)
    .from(players)
    .leftJoin(playerLifetimeStats, eq(playerLifetimeStats.playerId, players.id))
    .where(eq(players.id, playerId))
    .as("f");
  return db
    .select({
      definition: achievements,
      unlockedAt: playerAchievements.unlockedAt,
      figures: { gamesPlayed: f.gamesPlayed, gamesWon: f.gamesWon, highestScore: f.highestScore, longestWinStreak: f.longestWinStreak, perfectGames: f.perfectGames, exactZeroBids: f.exactZeroBids },
    })
    .from(achievements)
    .leftJoin(playerAchievements, and(eq(playerAchievements.achievementId, achievements.id), eq(playerAchievements.playerId, playerId)))
    .leftJoin(f, sql`true`)
    .orderBy(asc(achievements.id))
    .prepare("season_achievements_for");
});

/** Definitions with `playerId`'s progress (null player: no progress). */
export async function achievementsFor(db: Database, playerId: string | null): Promise<AchievementView[]> {
  if (playerId === null) return (await listAchievements(db)).map((d) => ({ ...d, progress: null, unlockedAt: null }));
  const rows = await achievementsForQuery(db).execute({ playerId });
  return rows.map((r) => {
    const d = toDefinition(r.definition);
    const at = r.unlockedAt;
    const progress = progressOf(d.condition, r.figures === null ? NO_FIGURES : toFigures(r.figures));
    return { ...d, progress: at !== null ? { ...progress, current: progress.target, met: true } : progress, unlockedAt: at?.toISOString() ?? null };
  });
}

/** A player's unlocked achievements, oldest first. */
export async function unlocksOf(db: Reader, playerId: string): Promise<{ achievementId: string; gameId: string | null; transactionId: string | null; unlockedAt: Date }[]> {
  return db
    .select({ achievementId: playerAchievements.achievementId, gameId: playerAchievements.gameId, transactionId: playerAchievements.transactionId, unlockedAt: playerAchievements.unlockedAt })
    .from(playerAchievements)
    .where(eq(playerAchievements.playerId, playerId))
    .orderBy(asc(playerAchievements.unlockedAt), asc(playerAchievements.achievementId));
}

/** Where an unlock comes from. */
type UnlockSource = { readonly kind: "game"; readonly gameId: string } | { readonly kind: "admin" | "service"; readonly requestKey: string };

/** The part of a reward's idempotency key that names where the unlock came from. */
function keySourceOf(source: UnlockSource): string {
  return source.kind === "game" ? `game:${source.gameId}` : `${source.kind}:${source.requestKey}`;
}

/**
 * Adds an unlock's item reward to the player's inventory (db/inventory.ts `grantItemsIn`), once
 * per idempotency key (the same key as the coin reward's: game or request, achievement, player).
 */
async function grantRewardItem(tx: Transaction, u: DecidedUnlock, keySource: string): Promise<{ deferred: NewSeasonEvent[] }> {
  if (u.rewardItemId === null || u.rewardQuantity <= 0) return { deferred: [] };
  const r = await grantItemsIn(tx, { playerId: u.playerId, itemId: u.rewardItemId, quantity: u.rewardQuantity, idempotencyKey: rewardIdempotencyKey(keySource, u.achievementId, u.playerId) });
  return { deferred: r.deferred };
}

/**
 * Inserts the decided unlock rows in one statement (a paid one names the transaction id its
 * reward will get); returns those inserted, skipping any a concurrent transaction made first
 * (`ON CONFLICT DO NOTHING` waits for it, then skips: the guard against awarding twice).
 */
async function insertUnlockRows(tx: Transaction, decided: readonly DecidedUnlock[], gameId: string | null): Promise<{ u: DecidedUnlock; transactionId: string | null }[]> {
  const planned = decided.map((u) => ({ u, transactionId: u.rewardCoins > 0 ? randomUUID() : null }));
  // `execute()` sends it now, before the caller's next statements.
  const rows = await tx
    .insert(playerAchievements)
    .values(planned.map(({ u, transactionId }) => ({ playerId: u.playerId, achievementId: u.achievementId, gameId, transactionId })))
    .onConflictDoNothing()
    .returning({ playerId: playerAchievements.playerId, achievementId: playerAchievements.achievementId })
    .execute();
  const inserted = new Set(rows.map((r) => `${r.playerId}/${r.achievementId}`));
  return planned.filter(({ u }) => inserted.has(`${u.playerId}/${u.achievementId}`));
}

/** The catalogue names of the decided unlocks' reward items (no statement when none gives an item). */
async function itemNamesOf(tx: Transaction, decided: readonly DecidedUnlock[]): Promise<Map<string, string>> {
  const ids = [...new Set(decided.flatMap((u) => (u.rewardItemId === null ? [] : [u.rewardItemId])))];
  if (ids.length === 0) return new Map();
  const rows = await tx.select({ id: items.id, name: items.name }).from(items).where(inArray(items.id, ids)).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Pays an unlock's coins (`rewards -> player`, idempotent); returns the transaction id, fixing the row when a replay answered another. */
async function payReward(tx: Transaction, u: DecidedUnlock, keySource: string, planned: string): Promise<string> {
  const r = await transferIn(tx, {
    kind: "transfer",
    currency: REWARD_CURRENCY,
    amount: u.rewardCoins,
    from: { kind: "system", name: "rewards" },
    to: { kind: "player", playerId: u.playerId },
    requestedBy: ACHIEVEMENT_REQUESTER,
    idempotencyKey: rewardIdempotencyKey(keySource, u.achievementId, u.playerId),
    reason: `achievement ${u.achievementId}`,
    transactionId: planned,
  });
  if (!r.ok) throw new SeasonRejection(r.code, r.detail);
  if (r.transaction.id !== planned) {
    await tx.update(playerAchievements).set({ transactionId: r.transaction.id }).where(and(eq(playerAchievements.playerId, u.playerId), eq(playerAchievements.achievementId, u.achievementId)));
  }
  return r.transaction.id;
}

/**
 * Records decided unlocks in the caller's transaction: the rows (one statement), the rewards and
 * the events. Returns the unlocks that committed here.
 */
async function recordUnlocks(tx: Transaction, decided: readonly DecidedUnlock[], source: UnlockSource, names: ReadonlyMap<string, string>): Promise<Unlock[]> {
  const gameId = source.kind === "game" ? source.gameId : null;
  const keySource = keySourceOf(source);
  // One round trip, in this order: the unlock rows, the item rewards' names (for the live
  // message), then the wallet rows the rewards may move, locked in a fixed order (players by id,
  // then `rewards`) so the transfers below only re-lock rows this transaction already holds. A
  // row that conflicts leaves its player's account locked for nothing, which is harmless.
  const paidPlayers = [...new Set(decided.filter((u) => u.rewardCoins > 0).map((u) => u.playerId))].sort();
  const walletRows: AccountRef[] = paidPlayers.length === 0 ? [] : [...paidPlayers.map((playerId) => ({ kind: "player" as const, playerId })), { kind: "system", name: "rewards" }];
  const rows = insertUnlockRows(tx, decided, gameId);
  const itemNames = itemNamesOf(tx, decided);
  const locks = walletRows.map((ref) => lockAccount(tx, REWARD_CURRENCY, ref));
  const [inserted, itemNameById] = await Promise.all([rows, itemNames, Promise.all(locks)]);
  // Each unlock's events are sent without waiting for their answer (the next unlock's statements
  // follow them on the connection, so the log keeps this order); the answers are awaited at the end.
  const pending: { u: DecidedUnlock; transactionId: string | null; seqs: Promise<number[]> }[] = [];
  try {
    for (const { u, transactionId: planned } of inserted) {
      const transactionId = planned === null ? null : await payReward(tx, u, keySource, planned);
      // The item reward through the inventory's write path (ITEM_ADDED, INVENTORY_UPDATED), right
      // before ACHIEVEMENT_UNLOCKED; a cosmetic the item confers is unlocked after it.
      const item = await grantRewardItem(tx, u, keySource);
      const event: NewSeasonEvent = {
        type: "ACHIEVEMENT_UNLOCKED",
        playerId: u.playerId,
        payload: { _v: 1, achievementId: u.achievementId, source: source.kind, gameId, rewardCoins: u.rewardCoins, transactionId, rewardItemId: u.rewardItemId, rewardQuantity: u.rewardQuantity },
      };
      const seqs = appendSeasonEvents(tx, [event, ...item.deferred]);
      seqs.catch(() => undefined); // awaited below; this only keeps an early failure from being "unhandled"
      pending.push({ u, transactionId, seqs });
    }
  } catch (err) {
    // A failed append aborts the transaction, and what follows fails with "transaction aborted": report the append's error.
    for (const p of pending) await p.seqs;
    throw err;
  }
  const out: Unlock[] = [];
  for (const { u, transactionId, seqs } of pending) {
    const [seq] = await seqs;
    out.push({
      playerId: u.playerId,
      achievementId: u.achievementId,
      name: names.get(u.achievementId) ?? u.achievementId,
      gameId,
      rewardCoins: u.rewardCoins,
      transactionId,
      rewardItemId: u.rewardItemId,
      rewardItemName: u.rewardItemId === null ? null : (itemNameById.get(u.rewardItemId) ?? u.rewardItemId),
      rewardQuantity: u.rewardQuantity,
      seq: seq ?? 0,
    });
  }
  return out;
}

/** A finished game's human seats (bots earn nothing), sorted: the order unlocks are decided and written in. */
function humansOf(game: FinishedGame): string[] {
  return [...new Set(game.deltas.filter((d) => !d.isBot).map((d) => d.playerId))].sort();
}

/**
 * Evaluates a finished game's human seats: unlocks what they now meet, from `read` (see
 * {@link readGame}; null: read here, after the built-in participants). Runs inside the
 * completion transaction. Deciding is in memory (cached definitions, src/season
 * `decideUnlocks`); rows are written only when something unlocks, and the primary key of
 * `player_achievements` (`ON CONFLICT DO NOTHING`) stays the guard against a concurrent unlock.
 */
async function unlockForGame(tx: Transaction, game: FinishedGame, definitions: DefinitionCache, read: GameRead | null): Promise<Unlock[]> {
  const humans = humansOf(game);
  if (humans.length === 0) return [];
  const { figures, held, version } = read ?? (await readGame(tx, humans));
  const defs = (await definitions.at(tx, version)).filter((d) => d.enabled && d.condition.kind !== "manual");
  if (defs.length === 0) return [];
  const decided = decideUnlocks(
    defs,
    humans.map((playerId) => ({ playerId, figures: figures.get(playerId) ?? NO_FIGURES, held: held.get(playerId) ?? new Set<string>() })),
  );
  if (decided.length === 0) return [];
  return recordUnlocks(tx, decided, { kind: "game", gameId: game.gameId }, new Map(defs.map((d) => [d.id, d.name])));
}

/** A row the lifetime-stats upsert returned with {@link READ_RETURNING}'s columns. */
function asReadRow(r: LifetimeStatsReturned): ReadGameRow {
  const n = (k: keyof PlayerFigures): number | null => {
    const v = r[k];
    return typeof v === "number" ? v : null;
  };
  const held = r["held"];
  const version = r["version"];
  return {
    playerId: r.playerId,
    gamesPlayed: n("gamesPlayed"),
    gamesWon: n("gamesWon"),
    highestScore: n("highestScore"),
    longestWinStreak: n("longestWinStreak"),
    perfectGames: n("perfectGames"),
    exactZeroBids: n("exactZeroBids"),
    held: Array.isArray(held) ? held.map(String) : null,
    version: typeof version === "string" ? version : "",
  };
}

/** Notified once after the commit with what unlocked. */
export type UnlockNotifier = (unlocks: readonly Unlock[], game: FinishedGame) => Promise<void>;

/**
 * The achievements completion participant on its own: it reads the figures itself, one round
 * trip more than {@link achievementsCompletion}. One instance per database.
 */
export function achievementsParticipant(notify: UnlockNotifier): CompletionParticipant<Transaction, readonly Unlock[]> {
  const definitions = new DefinitionCache();
  return {
    name: "achievements",
    write: (tx, game) => unlockForGame(tx, game, definitions, null),
    afterCommit: (unlocks, game) => (unlocks.length === 0 ? Promise.resolve() : notify(unlocks, game)),
  };
}

/** Achievements wired into a completion without a round trip of their own when nothing unlocks. */
export interface AchievementsCompletion {
  /**
   * For `GameCompletionOptions.withLifetimeStats`: the figures, unlocked ids and definitions'
   * version, returned by the lifetime-stats upsert itself (no statement of its own, no lock).
   */
  readonly readWithLifetimeStats: LifetimeStatsReader;
  /** The participant (register it after the built-in ones): decides in memory, writes only unlocks. */
  readonly participant: CompletionParticipant<Transaction, readonly Unlock[]>;
}

/**
 * The server's achievements: the read is part of the lifetime-stats upsert (its `RETURNING`) and
 * is handed to the participant through its transaction (a retried transaction reads again). A
 * participant that finds no read for its transaction (not wired with `withLifetimeStats`) reads
 * for itself. Use one instance per database (its definitions in memory are that database's).
 */
export function achievementsCompletion(notify: UnlockNotifier): AchievementsCompletion {
  const reads = new WeakMap<Transaction, { readonly gameId: string; readonly read: GameRead }>();
  const definitions = new DefinitionCache();
  return {
    readWithLifetimeStats: {
      returning: READ_RETURNING,
      take(tx, game, rows) {
        const humans = humansOf(game);
        const mine = new Set(humans);
        reads.set(tx, { gameId: game.gameId, read: gameReadOf(humans, rows.filter((r) => mine.has(r.playerId)).map(asReadRow)) });
      },
    },
    participant: {
      name: "achievements",
      write(tx, game) {
        const got = reads.get(tx);
        reads.delete(tx);
        return unlockForGame(tx, game, definitions, got?.gameId === game.gameId ? got.read : null);
      },
      afterCommit: (unlocks, game) => (unlocks.length === 0 ? Promise.resolve() : notify(unlocks, game)),
    },
  };
}

/** Codes an explicit unlock is refused with. */
export type ExplicitUnlockCode = "not_found" | "achievements/condition_not_met" | "achievements/disabled";

/** The outcome of {@link unlockExplicitly}. */
export type ExplicitUnlockResult = { readonly ok: true; readonly unlocked: boolean; readonly unlock: Unlock | null } | Refused;

/**
 * Unlocks an achievement for a player on an admin's or a trusted service's word: a `manual`
 * condition always, any other only when the player's figures meet it now
 * (`achievements/condition_not_met`, nothing changed). Already unlocked: `unlocked: false`,
 * nothing changed.
 */
export async function unlockExplicitly(db: Database, req: { readonly playerId: string; readonly achievementId: string; readonly by: "admin" | "service" }): Promise<ExplicitUnlockResult> {
  return refusalsAsValues(() =>
    db.transaction(async (tx) => {
      const def = await getAchievement(tx, req.achievementId);
      if (def === null) throw new SeasonRejection("not_found", `no achievement ${req.achievementId}`);
      const [player] = await tx.select({ id: players.id }).from(players).where(eq(players.id, req.playerId));
      if (player === undefined) throw new SeasonRejection("not_found", `no player ${req.playerId}`);
      const figures = (await figuresOf(tx, [req.playerId])).get(req.playerId) ?? NO_FIGURES;
      const d = decideExplicitUnlock(def, figures);
      if (!d.ok) throw new SeasonRejection(d.code, d.detail);
      const [unlock] = await recordUnlocks(tx, [unlockOf(def, req.playerId)], { kind: req.by, requestKey: "explicit" }, new Map([[def.id, def.name]]));
      return { ok: true as const, unlocked: unlock !== undefined, unlock: unlock ?? null };
    }),
  );
}
