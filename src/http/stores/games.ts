/**
 * Read models for games, sessions and player profiles on spec 004's tables: `games`,
 * `game_summaries`, `game_events` (who joined which game) and `player_lifetime_stats`.
 *
 * "Sessions" (spec 000's GameSessions) map onto these tables: a player's session is a game it
 * took a seat in (`player_joined` / `seat_taken_by_bot` events), with its seat and, once the
 * game completed, its score from the summary. No second table holds that fact.
 */
import { and, desc, eq, inArray, isNull, lt, or, sql, type SQL } from "drizzle-orm";
import type { Database } from "../../../db/client.js";
import { gameEvents, gameSummaries, games, players, playerLifetimeStats, type GameStatus } from "../../../db/schema/index.js";
import type { GameConfig, SummaryPlayer, SummaryRound } from "../../game/types.js";

/** A game's summary as the API shows it. */
export interface SummaryView {
  readonly players: readonly SummaryPlayer[];
  readonly rounds: readonly SummaryRound[];
  readonly finalScores: Readonly<Record<string, number>>;
  readonly highestBid: number | null;
  readonly highestScore: number | null;
  readonly lowestScore: number | null;
  readonly mostConsecutiveWins: number | null;
  readonly mostConsecutiveLosses: number | null;
  readonly highestMisplay: number | null;
}

/** A game as the API shows it. The seed appears only once the game is completed. */
export interface GameView {
  readonly id: string;
  readonly status: GameStatus;
  readonly config: GameConfig;
  readonly seedCommitment: string;
  readonly sessionSeed: string | null;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly completedAt: string | null;
  readonly summary: SummaryView | null;
}

/** One of a player's sessions (games). */
export interface SessionView {
  readonly gameId: string;
  readonly status: GameStatus;
  readonly seat: number;
  /** The final score, once completed. */
  readonly score: number | null;
  /** Whether the player tied on the top total, once completed. */
  readonly won: boolean | null;
  readonly createdAt: string;
  readonly completedAt: string | null;
}

/** A player's lifetime stats (zeros before the first completed game). */
export interface LifetimeStatsView {
  readonly gamesPlayed: number;
  readonly gamesWon: number;
  readonly highestScore: number | null;
  readonly lowestScore: number | null;
  readonly totalPoints: number;
  readonly totalTricksWon: number;
  readonly mostConsecutiveWins: number;
  readonly mostConsecutiveLosses: number;
  /** Rounds played in completed games. */
  readonly roundsPlayed: number;
  /** Rounds that took exactly the tricks bid. */
  readonly bidsMade: number;
  /** Rounds bid 0 that took no trick. */
  readonly zeroBidsMade: number;
  /** Games whose seat was abandoned (docs/LADDER.md, L8): counted as lost, no ladder points. */
  readonly gamesAbandoned: number;
  /** Games in which every one of the player's bids was made. */
  readonly perfectGames: number;
  readonly lastGameAt: string | null;
}

/** A player's public profile. */
export interface ProfileView {
  readonly id: string;
  readonly displayName: string;
  readonly avatarSeed: string;
  readonly color: string;
  readonly isBot: boolean;
  readonly isGuest: boolean;
  readonly createdAt: string;
  readonly stats: LifetimeStatsView;
}

/** A keyset position in a newest-first list: (created_at, id). */
export interface ListCursor {
  readonly createdAt: Date;
  readonly id: string;
}

/** Encodes a list cursor (opaque base64url). */
export function encodeListCursor(c: ListCursor): string {
  return Buffer.from(`${c.createdAt.toISOString()}|${c.id}`, "utf8").toString("base64url");
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Decodes a list cursor; null when malformed. */
export function decodeListCursor(raw: string): ListCursor | null {
  if (raw.length > 200 || !/^[A-Za-z0-9_-]+$/.test(raw)) return null;
  const [iso, id, extra] = Buffer.from(raw, "base64url").toString("utf8").split("|");
  if (iso === undefined || id === undefined || extra !== undefined || !UUID.test(id)) return null;
  const createdAt = new Date(iso);
  return Number.isNaN(createdAt.getTime()) ? null : { createdAt, id };
}

/**
 * Who is reading. A private game (one with an invitation) is shown, while it is live, only to
 * the players seated in it and to admins: nobody else learns its id from a listing.
 */
export interface Reader {
  readonly playerId: string | null;
  readonly admin: boolean;
}

/** A reader that sees only what anyone may see. */
export const ANONYMOUS_READER: Reader = { playerId: null, admin: false };

/**
 * A game in memory, each part once read: a completed game's view and JSON, and any game's
 * listing JSON without the summary with the status it was made at. That JSON depends on the id
 * and the status only: a game's columns are written at creation, `started_at` once with
 * `in_progress`, `completed_at` and the seed's publication once with `completed`.
 */
interface CachedGame {
  readonly view?: GameView;
  readonly json?: string;
  readonly brief?: { readonly status: GameStatus; readonly json: string };
}

/** The read store. */
export interface GameStore {
  /** A game; null when unknown, or when it is a live private game `reader` does not sit in. */
  getGame(id: string, reader: Reader): Promise<GameView | null>;
  /**
   * Newest first, filtered by status and/or player, keyset-paginated; only games `reader` may
   * see. Each item is a {@link GameView} serialized as JSON, without its `summary` member unless
   * `withSummary` (JSON already made for the same game and status comes from memory).
   */
  listGames(q: {
    status?: GameStatus | undefined;
    playerId?: string | undefined;
    limit: number;
    cursor: ListCursor | null;
    reader: Reader;
    withSummary: boolean;
  }): Promise<{ items: string[]; next: ListCursor | null }>;
  /** A player's games, newest first; only games `reader` may see. */
  sessions(playerId: string, limit: number, cursor: ListCursor | null, reader: Reader): Promise<{ items: SessionView[]; next: ListCursor | null }>;
  profile(playerId: string): Promise<ProfileView | null>;
  /** The status of a game, or null when unknown. */
  statusOf(id: string): Promise<GameStatus | null>;
  /**
   * Games not completed whose id starts with `prefix` (lowercase hex, or a whole id; at most 2),
   * among those `reader` may see, and the private one whose invitation is `invite` when given.
   */
  liveByPrefix(prefix: string, reader: Reader, invite?: string): Promise<{ id: string; status: GameStatus }[]>;
  /** A cheap query for readiness. */
  ping(): Promise<void>;
}

/** How many games {@link createGameStore} keeps in memory (views and JSON: a few KiB each at most). */
export const COMPLETED_CACHE_SIZE = 2000;

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

/** `game_events` rows that seat `playerId` (joined, or took over a seat as a bot). */
function seatsPlayer(playerId: string): SQL | undefined {
  return or(
    and(eq(gameEvents.type, "player_joined"), sql`${gameEvents.payload}->>'playerId' = ${playerId}`),
    and(eq(gameEvents.type, "seat_taken_by_bot"), sql`${gameEvents.payload}->>'botPlayerId' = ${playerId}`),
  );
}

/** Creates the read store on a database. */
export function createGameStore(db: Database): GameStore {
  /** A listing's columns: the view's members but the summary. */
  const briefColumns = {
    id: games.id,
    status: games.status,
    config: games.config,
    seedCommitment: games.seedCommitment,
    sessionSeed: games.sessionSeed,
    createdAt: games.createdAt,
    startedAt: games.startedAt,
    completedAt: games.completedAt,
  };
  const gameColumns = {
    ...briefColumns,
    inviteCode: games.inviteCode,
    sPlayers: gameSummaries.players,
    sRounds: gameSummaries.rounds,
    sFinal: gameSummaries.finalScores,
    highestBid: gameSummaries.highestBid,
    highestScore: gameSummaries.highestScore,
    lowestScore: gameSummaries.lowestScore,
    mostConsecutiveWins: gameSummaries.mostConsecutiveWins,
    mostConsecutiveLosses: gameSummaries.mostConsecutiveLosses,
    highestMisplay: gameSummaries.highestMisplay,
  };
  type Brief = {
    id: string;
    status: GameStatus;
    config: GameConfig;
    seedCommitment: string;
    sessionSeed: string;
    createdAt: Date;
    startedAt: Date | null;
    completedAt: Date | null;
  };
  type Row = Brief & {
    inviteCode: string | null;
    sPlayers: readonly SummaryPlayer[] | null;
    sRounds: readonly SummaryRound[] | null;
    sFinal: Readonly<Record<string, number>> | null;
    highestBid: number | null;
    highestScore: number | null;
    lowestScore: number | null;
    mostConsecutiveWins: number | null;
    mostConsecutiveLosses: number | null;
    highestMisplay: number | null;
  };
  /** A listing's item without the summary: the view's members in the view's order. */
  const toBrief = (r: Brief): Omit<GameView, "summary"> => ({
    id: r.id,
    status: r.status,
    config: r.config,
    seedCommitment: r.seedCommitment,
    sessionSeed: r.status === "completed" ? r.sessionSeed : null,
    createdAt: r.createdAt.toISOString(),
    startedAt: iso(r.startedAt),
    completedAt: iso(r.completedAt),
  });
  const toView = (r: Row): GameView => ({
    ...toBrief(r),
    summary:
      r.status === "completed" && r.sPlayers !== null && r.sRounds !== null && r.sFinal !== null
        ? {
            players: r.sPlayers,
            rounds: r.sRounds,
            finalScores: r.sFinal,
            highestBid: r.highestBid,
            highestScore: r.highestScore,
            lowestScore: r.lowestScore,
            mostConsecutiveWins: r.mostConsecutiveWins,
            mostConsecutiveLosses: r.mostConsecutiveLosses,
            highestMisplay: r.highestMisplay,
          }
        : null,
  });
  const before = (c: ListCursor | null): SQL | undefined =>
    c === null ? undefined : or(lt(games.createdAt, c.createdAt), and(eq(games.createdAt, c.createdAt), lt(games.id, c.id)));

  /** Ids of the games `playerId` took a seat in. */
  const gamesOf = (playerId: string) => db.selectDistinct({ id: gameEvents.gameId }).from(gameEvents).where(seatsPlayer(playerId));
  /** The rows `reader` may see: public or completed games, and live private games it sits in. */
  const visibleTo = (reader: Reader): SQL | undefined => {
    if (reader.admin) return undefined;
    const open = or(isNull(games.inviteCode), eq(games.status, "completed"));
    return reader.playerId === null ? open : or(open, inArray(games.id, gamesOf(reader.playerId)));
  };
  const mayRead = async (r: { id: string; status: GameStatus; inviteCode: string | null }, reader: Reader): Promise<boolean> => {
    if (r.inviteCode === null || r.status === "completed" || reader.admin) return true;
    if (reader.playerId === null) return false;
    const seated = await db
      .select({ id: gameEvents.gameId })
      .from(gameEvents)
      .where(and(eq(gameEvents.gameId, r.id), seatsPlayer(reader.playerId)))
      .limit(1);
    return seated.length > 0;
  };

  // The hot reads are prepared once: Drizzle builds their SQL once, and the server plans them once per connection.
  const gameById = db
    .select(gameColumns)
    .from(games)
    .leftJoin(gameSummaries, eq(gameSummaries.gameId, games.id))
    .where(eq(games.id, sql.placeholder("id")))
    .limit(1)
    .prepare("http_game_by_id");
  const profileById = db
    .select({ p: players, s: playerLifetimeStats })
    .from(players)
    .leftJoin(playerLifetimeStats, eq(playerLifetimeStats.playerId, players.id))
    .where(eq(players.id, sql.placeholder("id")))
    .limit(1)
    .prepare("http_profile_by_id");

  // Completed games never change (the games row is frozen by a trigger once completed, and its
  // summary is written once, in the same transaction), so their views are kept; so is every
  // game's listing JSON with its status (CachedGame), least recently read first out. Any process
  // may cache them: no other writer can make an entry stale.
  const completed = new Map<string, CachedGame>();
  const entryOf = (id: string): CachedGame | undefined => {
    const hit = completed.get(id);
    if (hit !== undefined) {
      completed.delete(id);
      completed.set(id, hit);
    }
    return hit;
  };
  const remember = (id: string, add: CachedGame): void => {
    const had = completed.get(id);
    if (had === undefined && completed.size >= COMPLETED_CACHE_SIZE) {
      const oldest = completed.keys().next();
      if (oldest.done !== true) completed.delete(oldest.value);
    }
    completed.set(id, { ...had, ...add });
  };
  const cachedJson = (id: string, status: GameStatus, withSummary: boolean): string | undefined => {
    if (withSummary && status !== "completed") return undefined;
    const hit = entryOf(id);
    if (withSummary) return hit?.json;
    return hit?.brief?.status === status ? hit.brief.json : undefined;
  };

  /** The listing's JSON of `ids` (none cached), read in one query; completed ones are remembered. */
  const readItems = async (ids: readonly string[], withSummary: boolean): Promise<Map<string, string>> => {
    const out = new Map<string, string>();
    if (ids.length === 0) return out;
    if (withSummary) {
      const rows = await db.select(gameColumns).from(games).leftJoin(gameSummaries, eq(gameSummaries.gameId, games.id)).where(inArray(games.id, [...ids]));
      for (const r of rows) {
        const view = toView(r);
        const json = JSON.stringify(view);
        out.set(r.id, json);
        if (view.status === "completed" && view.summary !== null) remember(r.id, { view, json });
      }
      return out;
    }
    const rows = await db.select(briefColumns).from(games).where(inArray(games.id, [...ids]));
    for (const r of rows) {
      const json = JSON.stringify(toBrief(r));
      out.set(r.id, json);
      remember(r.id, { brief: { status: r.status, json } });
    }
    return out;
  };

  return {
    async getGame(id, reader) {
      const hit = entryOf(id)?.view;
      if (hit !== undefined) return hit;
      const rows = await gameById.execute({ id });
      const r = rows[0];
      if (r === undefined || !(await mayRead(r, reader))) return null;
      const view = toView(r);
      if (view.status === "completed" && view.summary !== null) remember(view.id, { view });
      return view;
    },

    async listGames(q) {
      // The page's keys first (three columns), then only the games whose JSON is not in memory.
      const playerGames = q.playerId === undefined ? undefined : inArray(games.id, gamesOf(q.playerId));
      const keys = await db
        .select({ id: games.id, status: games.status, createdAt: games.createdAt })
        .from(games)
        .where(and(q.status === undefined ? undefined : eq(games.status, q.status), playerGames, before(q.cursor), visibleTo(q.reader)))
        .orderBy(desc(games.createdAt), desc(games.id))
        .limit(q.limit + 1);
      const page = keys.slice(0, q.limit);
      const cached = page.map((k) => cachedJson(k.id, k.status, q.withSummary));
      const read = await readItems(
        page.filter((_, i) => cached[i] === undefined).map((k) => k.id),
        q.withSummary,
      );
      const items = page.map((k, i) => cached[i] ?? read.get(k.id)).filter((j): j is string => j !== undefined);
      const last = page[page.length - 1];
      return { items, next: keys.length > q.limit && last !== undefined ? { createdAt: last.createdAt, id: last.id } : null };
    },

    async sessions(playerId, limit, cursor, reader) {
      const seated = db
        .select({ gameId: gameEvents.gameId, seat: sql<number>`min((${gameEvents.payload}->>'seat')::int)`.as("seat") })
        .from(gameEvents)
        .where(seatsPlayer(playerId))
        .groupBy(gameEvents.gameId)
        .as("seated");
      const rows = await db
        .select({
          id: games.id,
          status: games.status,
          createdAt: games.createdAt,
          completedAt: games.completedAt,
          seat: seated.seat,
          sPlayers: gameSummaries.players,
          sFinal: gameSummaries.finalScores,
        })
        .from(seated)
        .innerJoin(games, eq(games.id, seated.gameId))
        .leftJoin(gameSummaries, eq(gameSummaries.gameId, games.id))
        .where(and(before(cursor), visibleTo(reader)))
        .orderBy(desc(games.createdAt), desc(games.id))
        .limit(limit + 1);
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        items: page.map((r) => {
          const line = r.sPlayers?.find((p) => p.playerId === playerId);
          return {
            gameId: r.id,
            status: r.status,
            seat: Number(r.seat),
            score: r.sFinal?.[playerId] ?? line?.score ?? null,
            won: line === undefined ? null : line.won,
            createdAt: r.createdAt.toISOString(),
            completedAt: iso(r.completedAt),
          };
        }),
        next: rows.length > limit && last !== undefined ? { createdAt: last.createdAt, id: last.id } : null,
      };
    },

    async profile(playerId) {
      const rows = await profileById.execute({ id: playerId });
      const r = rows[0];
      if (r === undefined) return null;
      const s = r.s;
      return {
        id: r.p.id,
        displayName: r.p.displayName,
        avatarSeed: r.p.avatarSeed,
        color: r.p.color,
        isBot: r.p.isBot,
        isGuest: !r.p.isBot && r.p.userId === null,
        createdAt: r.p.createdAt.toISOString(),
        stats: {
          gamesPlayed: s?.gamesPlayed ?? 0,
          gamesWon: s?.gamesWon ?? 0,
          highestScore: s?.highestScore ?? null,
          lowestScore: s?.lowestScore ?? null,
          totalPoints: s?.totalPoints ?? 0,
          totalTricksWon: s?.totalTricksWon ?? 0,
          mostConsecutiveWins: s?.mostConsecutiveWins ?? 0,
          mostConsecutiveLosses: s?.mostConsecutiveLosses ?? 0,
          roundsPlayed: s?.roundsPlayed ?? 0,
          bidsMade: s?.bidsMade ?? 0,
          zeroBidsMade: s?.zeroBidsMade ?? 0,
          gamesAbandoned: s?.gamesAbandoned ?? 0,
          perfectGames: s?.perfectGames ?? 0,
          lastGameAt: iso(s?.lastGameAt ?? null),
        },
      };
    },

    async statusOf(id) {
      const rows = await db.select({ status: games.status }).from(games).where(eq(games.id, id)).limit(1);
      return rows[0]?.status ?? null;
    },

    async liveByPrefix(prefix, reader, invite) {
      if (!/^[0-9a-f-]{1,36}$/.test(prefix)) return [];
      const visible = invite === undefined ? visibleTo(reader) : or(visibleTo(reader), eq(games.inviteCode, invite));
      return db
        .select({ id: games.id, status: games.status })
        .from(games)
        .where(and(sql`${games.id}::text like ${`${prefix}%`}`, sql`${games.status} <> 'completed'`, visible))
        .limit(2);
    },

    async ping() {
      await db.execute(sql`select 1`);
    },
  };
}
