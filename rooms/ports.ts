/**
 * The narrow ports the rooms see, wired once in the composition root (`src/app/server.ts`).
 * Rooms never import storage, the ladder or auth directly: they get a `RoomDeps` through their
 * class factory.
 */
import type {
  Command,
  Decision,
  GameConfig,
  GameCreatedEvent,
  GameEvent,
  GameId,
  GameState,
  GameSummary,
  GameView,
  LifetimeStatDelta,
  PlayerId,
  Viewer,
} from "../src/game/types.js";
import type { LadderDeltaMessage, LadderSnapshotMessage } from "../src/shared/protocol.js";
import type { GameCompletion } from "../src/completion/pipeline.js";
import type { NewSeasonEvent } from "../src/season/events.js";
import type { Logger } from "../src/platform/logger.js";
import type { EventLog } from "../src/platform/eventLog.js";
import type { RoomMetrics } from "./roomMetrics.js";
import type { MessageLimitConfig } from "./messageLimits.js";
import type { Admission } from "./admission.js";
import type { Identity } from "../src/shared/identity.js";
import type { RankedQueueConfig } from "../src/ladder/rankedQueue.js";
import type { BotDirectory, BotLauncher } from "../src/shared/botSeats.js";

export type { Identity } from "../src/shared/identity.js";
export type { AppendResult, EventLog } from "../src/platform/eventLog.js";
export type { BotAccount, BotDirectory, BotLauncher, BotSeatRequest } from "../src/shared/botSeats.js";

/** The pure rules engine, as the rooms use it (`src/game`). */
export interface Engine {
  createGame(input: { gameId: GameId; config: GameConfig; sessionSeed: string }): GameCreatedEvent;
  evolve(state: GameState | null, event: GameEvent): GameState;
  fold(events: readonly GameEvent[]): GameState;
  decide(state: GameState, command: Command): Decision;
  viewFor(state: GameState, viewer: Viewer): GameView;
  redactEvent(event: GameEvent, viewer: Viewer): GameEvent;
  summarize(state: GameState): GameSummary;
  lifetimeDeltas(state: GameState): readonly LifetimeStatDelta[];
}

/** A game's lifecycle in storage. */
export type StoredGameStatus = "created" | "in_progress" | "completed";

/** The games repository: rows and statuses (completion is the {@link GameCompletion} port). */
export interface GameRepository {
  /**
   * Writes the `games` row, event 0 (`game_created`) and, for a public table, its
   * `room_directory` row (spec 004 §8.1) in one transaction.
   */
  createGame(input: {
    readonly created: GameCreatedEvent;
    readonly createdAt: Date;
    readonly listing?: { readonly joinCode: string; readonly isPublic: boolean };
    /** A private table's invitation secret (rooms/privateAccess.ts). */
    readonly inviteCode?: string | null;
    /** Opened by the ranked queue (rooms/table/ranked.ts). */
    readonly ranked?: boolean;
  }): Promise<void>;
  /** What a restored table needs of its row: a private game's invitation secret (null: public or unknown) and its ranked mark. */
  accessOf(gameId: GameId): Promise<{ readonly inviteCode: string | null; readonly ranked: boolean }>;
  markStarted(gameId: GameId, at: Date): Promise<void>;
  /** Ids of every game still `in_progress` (restored at start-up). */
  listInProgress(): Promise<readonly GameId[]>;
  status(gameId: GameId): Promise<StoredGameStatus | null>;
}

/** The room directory (`room_directory`, spec 004 §6.1) after a table's row is written. */
export interface RoomDirectory {
  /** A fresh join code. */
  newJoinCode(): string;
  /** Sets the listed player count of a table. */
  setPlayers(gameId: GameId, currentPlayers: number): Promise<void>;
  /** Removes a table's row (its room is disposed); the game and its log stay. */
  remove(gameId: GameId): Promise<void>;
}

/**
 * The ladder as the lobby reads it (src/ladder's service behind it). A finished game's ladder
 * changes reach the service through the completion's ladder participant, not through the rooms.
 */
export interface LadderFacade {
  /** Top `limit` rows per tier. */
  snapshot(limit: number): Promise<LadderSnapshotMessage>;
}

/** The receiving side of ladder deltas (the lobby). Returns an unsubscribe function. */
export interface DeltaSubscriber {
  subscribe(listener: (delta: LadderDeltaMessage) => void): Promise<() => void>;
}

/** Verifies access tokens (JWT) presented when joining a room. */
export interface TokenVerifier {
  /** The identity, or null when the token is missing, malformed, expired or forged. */
  verify(token: string): Promise<Identity | null>;
}

/** Who owns each live session of this process's rooms (rooms/reconnectionGuard.ts checks reconnections against it). */
export interface SessionOwners {
  bind(sessionId: string, playerId: PlayerId): void;
  release(sessionId: string): void;
  ownerOf(sessionId: string): PlayerId | undefined;
}

/** Player rows, as the rooms need them (display names; bot players). */
export interface PlayerDirectory {
  get(playerId: string): Promise<{ readonly displayName: string; readonly isBot: boolean } | null>;
  create(input: { readonly displayName: string; readonly isBot: boolean }): Promise<PlayerId>;
  /** A bot player with a fixed id (a ranked bot): its row is created on first use. */
  ensureBot(input: { readonly playerId: PlayerId; readonly displayName: string }): Promise<void>;
}

/** What a seated person wears (Season 0 cosmetics); null: nothing in that slot. */
export interface SeatCosmetics {
  readonly cardBack: string | null;
  readonly seatFrame: string | null;
}

/** The table events the rooms write into the Season log besides `GAME_JOINED`. */
export type TableSeasonEvent = Extract<NewSeasonEvent, { type: "GAME_CREATED" | "GAME_STARTED" | "GAME_LEFT" }>;

/** Season 0 at the table: a person taking a seat is recorded (`GAME_JOINED`) with what they wear. */
export interface SeasonSeats {
  /** Appends `GAME_JOINED` with the player's equipped cosmetics and returns them. */
  seatTaken(gameId: string, seat: number, playerId: string): Promise<SeatCosmetics>;
  /** The cosmetics each seat's person wore in a game, from its `GAME_JOINED` events (the replay's source). */
  seatsOf(gameId: string): Promise<ReadonlyMap<number, SeatCosmetics>>;
  /** Appends a table's other Season events (`GAME_CREATED`, `GAME_STARTED`, `GAME_LEFT`). */
  record(event: TableSeasonEvent): Promise<void>;
}

/** Players' shown ratings (docs/LADDER.md R4), as the ranked room reads them. */
export interface RatingReader {
  /** The shown rating of `playerId` (0 for a player with no rated game). */
  shownRatingOf(playerId: PlayerId): Promise<number>;
}

/** The ranked quick match (rooms/RankedRoom.ts): the queue's rules and where ratings come from. */
export interface RankedSettings {
  readonly queue: RankedQueueConfig;
  /** RANKED_TICK_MS. */
  readonly tickMs: number;
  /** RANKED_NO_SHOW_SECONDS, in ms: a ranked table's wait for its matched players (rooms/table/ranked.ts). */
  readonly noShowMs: number;
  readonly ratings: RatingReader;
}

/** Everything the rooms need, wired once in the composition root. */
export interface RoomDeps {
  readonly engine: Engine;
  /** The durable event log (src/platform/eventLog.ts): the rooms append, read whole games and forget closed ones. */
  readonly eventLog: Pick<EventLog, "append" | "readAll" | "forget">;
  readonly games: GameRepository;
  /** Hands a finished game to the completion pipeline (one transaction, then after-commit steps). */
  readonly completion: GameCompletion;
  readonly roomDirectory: RoomDirectory;
  readonly ladder: LadderFacade;
  readonly ladderFeed: DeltaSubscriber;
  readonly tokens: TokenVerifier;
  readonly bots: BotDirectory;
  readonly botLauncher: BotLauncher;
  readonly logger: Logger;
  /** Live rooms, their clients and committed commands, for `GET /metrics` (rooms/roomMetrics.ts). */
  readonly metrics: RoomMetrics;
  /** Who owns each seated session: reconnections are checked against it (rooms/reconnectionGuard.ts). */
  readonly sessionOwners: SessionOwners;
  /** Messages per client per second, in every room (rooms/messageLimits.ts). */
  readonly messageLimits: MessageLimitConfig;
  /** Connections per player and per address, tables and bots per player (rooms/admission.ts). */
  readonly admission: Admission;
  /** Default reconnection window, seconds. */
  readonly reconnectSeconds: number;
  /** A per-process secret that only server-side restore calls know. */
  readonly restoreKey: string;
  /** Season 0 seats and cosmetics; absent: seats show no cosmetics and nothing is recorded. */
  readonly seasonSeats?: SeasonSeats;
  /** The ranked queue's settings and rating reader. */
  readonly ranked: RankedSettings;
  /** Wall clock (injectable for tests). */
  readonly now: () => Date;
  /** Fresh ids and seeds. */
  readonly randomUuid: () => string;
  readonly randomSeed: () => string;
  /**
   * The tables this process hosts, by game id, while their rooms live: the lease sweep
   * (src/app/nodeLeases.ts) closes one another process took over. Absent: not tracked.
   */
  readonly hostedTables?: Map<string, HostedTable>;
}

/** A hosted table as the lease sweep sees it. */
export interface HostedTable {
  /** Another process owns the game now: close the table here without writing. */
  moved(): void;
}
