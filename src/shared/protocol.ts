/**
 * The PZO wire protocol: room names, join options, messages in both directions, reason codes,
 * join error codes and close codes. Shared by the server, the bots, the load harness and the
 * browser client. docs/PROTOCOL.md documents exactly this file; keep the two in step.
 *
 * Every message a client sends is checked here with zod. A message that fails is answered with a
 * `result` carrying `protocol/invalid_message`; it never closes the connection.
 */
import { z } from "zod";
import {
  MAX_SEATS,
  MIN_SEATS,
  RANKS,
  RULE_REJECTIONS,
  SUITS,
  type Card,
  type GameEvent,
  type RuleRejectionCode,
} from "../game/types.js";
import type { LadderDelta } from "./ladderDelta.js";

/** The Colyseus room names the server defines. */
export const ROOM_NAMES = { table: "table", replay: "replay", lobby: "lobby", ranked: "ranked" } as const;
export type RoomName = (typeof ROOM_NAMES)[keyof typeof ROOM_NAMES];

// ---------------------------------------------------------------------------------------------
// Create and join options
// ---------------------------------------------------------------------------------------------

/** Bounds of the `turnSeconds` create option. */
export const TURN_SECONDS_MIN = 1;
export const TURN_SECONDS_MAX = 600;

/** `create("table", options)`: every field optional. */
export const tableCreateOptionsSchema = z.object({
  seats: z.number().int().min(MIN_SEATS).max(MAX_SEATS).optional(),
  turnSeconds: z.number().min(TURN_SECONDS_MIN).max(TURN_SECONDS_MAX).optional(),
  isPublic: z.boolean().optional(),
  /** Seats to fill with server bots right away (0..seats). */
  bots: z.number().int().min(0).max(MAX_SEATS).optional(),
  /** Reconnection window in seconds for this table (default: the server's RECONNECT_SECONDS). */
  reconnectSeconds: z.number().min(0.1).max(3600).optional(),
});
export type TableCreateOptions = z.infer<typeof tableCreateOptionsSchema>;

/** Join code characters: upper-case letters and digits without the look-alikes 0/O, 1/I/L. */
export const JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
/** Join code length: 31^6 ≈ 8.9e8 codes, so two live tables practically never share one. */
export const JOIN_CODE_LENGTH = 6;
/** A well-formed join code, e.g. `K7QX2P`. */
export const JOIN_CODE_PATTERN = new RegExp(`^[${JOIN_CODE_ALPHABET}]{${JOIN_CODE_LENGTH}}$`);

/**
 * Largest WebSocket message (frame payload) the server accepts, bytes, in every room: the
 * transport enforces it (ws `maxPayload`, uWebSockets.js `maxPayloadLength`). Every legal client
 * message is far smaller (the largest, a `join` with a 128-character client seed and an
 * invitation, is a few hundred bytes); the room's own validation answers anything under this
 * limit that is malformed with a `result` and a reason, keeping the connection. Over it, ws
 * closes the connection with {@link MESSAGE_TOO_BIG_CLOSE_CODE}; uWebSockets.js drops the socket
 * without a close frame (the client sees 1006). docs/PROTOCOL.md, Limits.
 */
export const MAX_MESSAGE_BYTES = 64 * 1024;
/** The close code of a message over {@link MAX_MESSAGE_BYTES} (RFC 6455 "message too big"; ws transport). */
export const MESSAGE_TOO_BIG_CLOSE_CODE = 1009;

/** Longest accepted `invite` join option (invitations are 22 characters of base64url). */
export const INVITE_MAX_LENGTH = 64;

/**
 * `join`/`joinById`/`create` options at a table: pick a seat, or watch. With neither, a player
 * takes the first free seat (or, if already seated in this game, gets that seat back).
 */
export const tableJoinOptionsSchema = z.object({
  seat: z.number().int().min(0).max(MAX_SEATS - 1).optional(),
  spectate: z.boolean().optional(),
  /**
   * `join("table", { joinCode })`: the matchmaker picks the open public table listed under this
   * code (see {@link JOIN_CODE_PATTERN}); no such table is the SDK's `MATCHMAKE_INVALID_CRITERIA`.
   */
  joinCode: z.string().regex(JOIN_CODE_PATTERN, `a join code is ${JOIN_CODE_LENGTH} characters of ${JOIN_CODE_ALPHABET}`).optional(),
  /**
   * The seat's client seed for v2 fairness (docs/FAIRNESS.md): 32..128 lowercase hex characters
   * from `crypto.getRandomValues` (at least 128 bits). Checked by the room, which refuses a
   * malformed one with `join/invalid_client_seed`; without it the engine derives one from the committed server seed.
   */
  clientSeed: z.string().max(1024).optional(),
  /**
   * A private table's invitation (its seated players get it in `welcome.invite`). Needed to take
   * a seat at, or watch, a private table one does not already sit at.
   */
  invite: z.string().min(1).max(INVITE_MAX_LENGTH).optional(),
});
export type TableJoinOptions = z.infer<typeof tableJoinOptionsSchema>;

/** `create("replay", { gameId })`. */
export const replayCreateOptionsSchema = z.object({
  gameId: z.string().uuid(),
  /** Events per second while playing (default 4). */
  speed: z.number().min(0.1).max(1000).optional(),
  /** Start paused (default false). */
  paused: z.boolean().optional(),
});
export type ReplayCreateOptions = z.infer<typeof replayCreateOptionsSchema>;

// ---------------------------------------------------------------------------------------------
// Client -> server messages
// ---------------------------------------------------------------------------------------------

/** Every card of the deck, e.g. `TD`, `AS`. */
export const ALL_CARDS: readonly Card[] = SUITS.flatMap((s) => RANKS.map((r): Card => `${r}${s}`));
const CARD_SET: ReadonlySet<string> = new Set(ALL_CARDS);

/** True when `value` names a card of the deck. */
export function isCard(value: unknown): value is Card {
  return typeof value === "string" && CARD_SET.has(value);
}

/** A card on the wire. */
export const cardSchema = z.custom<Card>(isCard, { message: "not a card (rank 2-9TJQKA + suit CDHS)" });

/** A client-chosen correlation id echoed back in the `result`. */
const requestId = z.union([z.string().max(64), z.number().int()]).optional();

/**
 * The table's quick chat: a fixed set of phrases, by id (never free text). The words are the
 * client's; the wire carries only the id.
 */
export const EMOTES = {
  hello: "Hello!",
  good_luck: "Good luck!",
  nice: "Nice play!",
  oops: "Oops!",
  thanks: "Thanks!",
  wow: "Wow!",
  good_game: "Good game!",
} as const;
export type EmoteId = keyof typeof EMOTES;
export const EMOTE_IDS = ["hello", "good_luck", "nice", "oops", "thanks", "wow", "good_game"] as const satisfies readonly EmoteId[];
/** Emote rate limit per seat: at most `burst` within `windowMs`, and `minGapMs` between two. */
export const EMOTE_LIMIT = { burst: 3, windowMs: 10_000, minGapMs: 1_000 } as const;

/** `emote` (table, server -> every client, spectators included): a seat said a fixed phrase. */
export interface EmoteMessage {
  readonly seat: number;
  readonly emote: EmoteId;
  /** Epoch ms on the server. */
  readonly at: number;
}

/** Client -> `table` messages, keyed by message type. */
export const tableClientMessages = {
  bid: z.object({ bid: z.number().int().min(0).max(255), id: requestId }).strict(),
  play: z.object({ card: cardSchema, id: requestId }).strict(),
  start: z.object({ id: requestId }).strict().optional(),
  add_bot: z.object({ seat: z.number().int().min(0).max(MAX_SEATS - 1).optional(), id: requestId }).strict().optional(),
  emote: z.object({ emote: z.enum(EMOTE_IDS), id: requestId }).strict(),
  /** After the game: move the table's humans and bots to a new table together (`play_again` answer). */
  play_again: z.object({ id: requestId }).strict().optional(),
} as const;
export type TableClientMessageType = keyof typeof tableClientMessages;
export const TABLE_CLIENT_MESSAGE_TYPES = Object.keys(tableClientMessages) as TableClientMessageType[];

/** Client -> `replay` messages. */
export const replayClientMessages = {
  speed: z.object({ eventsPerSecond: z.number().min(0.1).max(1000) }).strict(),
  pause: z.object({}).strict().optional(),
  resume: z.object({}).strict().optional(),
  seek: z.object({ index: z.number().int().min(0) }).strict(),
} as const;
export type ReplayClientMessageType = keyof typeof replayClientMessages;

// ---------------------------------------------------------------------------------------------
// Reason codes (in `result` and `replay_result` messages)
// ---------------------------------------------------------------------------------------------

/** Reason codes the room adds to the engine's `rules/*` codes. */
export const PROTOCOL_REASONS = [
  "protocol/invalid_message",
  "protocol/unknown_message",
  "table/not_seated",
  "table/no_free_seat",
  "table/bots_unavailable",
  "table/emote_rate_limited",
  /** `play_again` before the game is over. */
  "table/game_not_over",
  "server/shutting_down",
  "server/internal_error",
  /** The database stayed down for the whole retry window (60 s): nothing changed, send it again. */
  "server/storage_unavailable",
  /**
   * Another server process took this table over (its lease lapsed: docs/PROTOCOL.md, Node loss):
   * nothing changed; the connection closes with {@link CLOSE_CODES}.TABLE_MOVED, rejoin by game id.
   */
  "server/table_moved",
  /** Over ROOM_MESSAGES_PER_SECOND: the message was not handled (docs/PROTOCOL.md, Limits). */
  "rate_limited",
  /** `add_bot` past BOTS_PER_PLAYER of the table's creator (docs/PROTOCOL.md, Limits). */
  "limits/too_many_bots",
  /** `cancel` in the ranked room from a player no longer in the queue (already matched). */
  "ranked/not_queued",
] as const;
export type ProtocolReasonCode = (typeof PROTOCOL_REASONS)[number];
/** Every reason code a `result` can carry. */
export type ReasonCode = RuleRejectionCode | ProtocolReasonCode;
export const REASON_CODES: readonly ReasonCode[] = [...RULE_REJECTIONS, ...PROTOCOL_REASONS];

// ---------------------------------------------------------------------------------------------
// Server -> client messages
// ---------------------------------------------------------------------------------------------

/** The answer to every client message at a table. */
export type MoveResult =
  | {
      readonly ok: true;
      /** The message type this answers (`bid`, `play`, `start`, `add_bot`). */
      readonly type: string;
      readonly id?: string | number;
      /** Index of the last event the move appended (absent for `add_bot`, which is asynchronous). */
      readonly eventIndex?: number;
    }
  | {
      readonly ok: false;
      readonly type: string;
      readonly id?: string | number;
      readonly code: ReasonCode;
      readonly message: string;
    };

/** Sent once on joining a table: who you are there. */
export interface WelcomeMessage {
  readonly gameId: string;
  readonly role: "player" | "spectator";
  /** Your seat, or null for a spectator. */
  readonly seat: number | null;
  readonly playerId: string | null;
  /** Number of events in the log when you joined (the next `event` has this index). */
  readonly eventCount: number;
  /** The public table's join code (share it: `join("table", { joinCode })`), or null for a private table. */
  readonly joinCode: string | null;
  /**
   * A private table's invitation, sent to its seated players only (pass it on as the `invite`
   * join option); null for spectators and at public tables.
   */
  readonly invite: string | null;
  /**
   * A table the ranked queue opened (docs/PROTOCOL.md, "The ranked room"). False at every other
   * table, and at a ranked table restored after a restart (the mark is not stored; the game is
   * rated as any game with two humans is).
   */
  readonly ranked: boolean;
}

/**
 * `play_again` (table, server -> each seated player): the next table of the same humans and
 * bots is open. Join it: `joinById(roomId, { invite })`.
 */
export interface PlayAgainMessage {
  /** The new table's room id (= its game id). */
  readonly roomId: string;
  /** The new table's invitation: the next table is always private. */
  readonly invite: string;
  /** Seats the new table gave to bots (its last seats), as many as ended the game as bots. */
  readonly bots: number;
}

/** One appended event, redacted for the receiver (other seats' hands and the live seed removed). */
export interface EventMessage {
  readonly index: number;
  readonly event: GameEvent;
}

/** `history` (table, server -> one client): the current round's events, sent on joining and on reconnecting. */
export interface HistoryMessage {
  readonly events: readonly EventMessage[];
}

/** Server notices (shutdown, bot takeover of your seat). */
export type NoticeMessage =
  | { readonly code: "server/shutting_down"; readonly message: string }
  /**
   * Your message (`type`, `id` as you sent them) is not answered yet after 1 s: it waits for
   * storage (or for the table's earlier commands). Its `result` follows once it is durable, or
   * `server/storage_unavailable` when it could not be made durable (nothing changed).
   */
  | { readonly code: "server/move_pending"; readonly type: string; readonly id?: string | number; readonly message: string }
  | { readonly code: "table/seat_taken_by_bot"; readonly seat: number; readonly message: string };

/** Replay progress, sent with each replayed event and after every control message. */
export interface ReplayStatusMessage {
  readonly gameId: string;
  /** Events applied so far (the state is the fold of events [0, position)). */
  readonly position: number;
  readonly total: number;
  readonly paused: boolean;
  readonly eventsPerSecond: number;
}

/** Answer to a replay control message. */
export type ReplayResult =
  | { readonly ok: true; readonly type: string }
  | { readonly ok: false; readonly type: string; readonly code: ReasonCode; readonly message: string };

/**
 * `achievement` (table, server -> the unlocking player's own clients): an achievement the game
 * just finished unlocked, sent after the completion committed. The same unlock is in the Season
 * event stream as `ACHIEVEMENT_UNLOCKED` with this `seq`.
 */
export interface AchievementMessage {
  readonly achievementId: string;
  readonly name: string;
  /** Coins paid from the rewards account (0: none). */
  readonly rewardCoins: number;
  /** The reward's ledger transaction, null when there is no coin reward. */
  readonly transactionId: string | null;
  /** The catalogue item added to the inventory (null: none), its name (null: none), and how many (0 when none). */
  readonly rewardItemId: string | null;
  readonly rewardItemName: string | null;
  readonly rewardQuantity: number;
  /** The `season_events` seq of its `ACHIEVEMENT_UNLOCKED`. */
  readonly seq: number;
}

/** Server -> client message types, by room. */
export const TABLE_SERVER_MESSAGES = ["welcome", "event", "result", "notice", "emote", "history", "play_again", "achievement"] as const;
export const REPLAY_SERVER_MESSAGES = ["event", "replay_status", "replay_result"] as const;
export const LOBBY_SERVER_MESSAGES = ["rooms", "+", "-", "live", "ladder_snapshot", "ladder_delta"] as const;
export const RANKED_SERVER_MESSAGES = ["ranked/searching", "ranked/matched", "ranked/cancelled", "result"] as const;

// ---------------------------------------------------------------------------------------------
// Ranked quick match (the `ranked` room)
// ---------------------------------------------------------------------------------------------

/** Messages a client may send to the `ranked` room (no payload). */
export const RANKED_CLIENT_MESSAGE_TYPES = ["cancel"] as const;

/**
 * `ranked/searching` (ranked, server -> the searching player): sent on joining and again each
 * time the player's band widens.
 */
export interface RankedSearchingMessage {
  /** The player's shown rating (docs/LADDER.md R4), what the queue matches on. */
  readonly rating: number;
  /** The band now: ratings within ±band are matched; null: any rating. */
  readonly band: number | null;
  /** Whole seconds waited so far. */
  readonly waitedSeconds: number;
  /** The wait, in seconds, at which the band widens next; null when it is already the widest. */
  readonly nextWideningSeconds: number | null;
  /** The wait after which the player's table is filled with bots (RANKED_BOT_FILL_SECONDS). */
  readonly botFillSeconds: number;
}

/**
 * `ranked/matched` (ranked, server -> each matched player): a ranked table is open for you; the
 * server then closes the ranked connection (code 4000). Join the table: `joinById(roomId, { invite })`.
 */
export interface RankedMatchedMessage {
  /** The table's room id (= its game id). */
  readonly roomId: string;
  /** The table's invitation (ranked tables are private). */
  readonly invite: string;
  readonly seats: number;
  /** Seats given to ranked bots (the last seats). */
  readonly bots: number;
  /** Whole seconds the player waited. */
  readonly waitedSeconds: number;
}

/** `ranked/cancelled` (ranked, server -> the player who sent `cancel`): out of the queue; the connection is closed next (code 4000). */
export interface RankedCancelledMessage {
  readonly waitedSeconds: number;
}

// ---------------------------------------------------------------------------------------------
// Lobby: listings and the ladder
// ---------------------------------------------------------------------------------------------

/** Metadata of a `table` room listing (what the lobby shows). */
export interface TableListingMetadata {
  readonly gameId: string;
  readonly seats: number;
  readonly seated: number;
  readonly turnSeconds: number;
  readonly phase: "waiting" | "bidding" | "playing" | "completed";
  readonly isPublic: boolean;
  /** The join code of a public table (its `room_directory` row), null for a private one. */
  readonly joinCode: string | null;
  /** The round being played (0 before the first deal). */
  readonly round: number;
  /** Display names by seat ("" for an empty seat). */
  readonly players: readonly string[];
}

/** One live public table in the lobby's `live` message: a game being played, to watch. */
export interface LiveTable {
  readonly roomId: string;
  readonly seats: number;
  /** Display names by seat (bots included). */
  readonly players: readonly string[];
  readonly round: number;
  /** Connections without a seat. */
  readonly spectators: number;
}

/** One row of a ladder snapshot. */
export interface LadderRow {
  readonly rank: number;
  readonly playerId: string;
  readonly displayName: string;
  readonly total: number;
  readonly highest: number;
  readonly games: number;
  readonly wins: number;
}

/** `ladder_snapshot`: the top rows of each tier (`all_time`, and the current `season`). */
export interface LadderSnapshotMessage {
  readonly season: number;
  readonly tiers: { readonly all_time: readonly LadderRow[]; readonly season: readonly LadderRow[]; readonly rating: readonly LadderRow[] };
  readonly generatedAt: string;
}

/**
 * `ladder_delta`: one player's entry changed in one tier (src/ladder's delta, as published).
 * `at` is the epoch ms at which the ladder published it, right after the completion committed.
 */
export type LadderDeltaMessage = LadderDelta;

// ---------------------------------------------------------------------------------------------
// Join errors and close codes
// ---------------------------------------------------------------------------------------------

/**
 * Numeric codes of join/create failures (the SDK's `MatchMakeError.code`); the message starts
 * with the string code, e.g. `replay/not_found: no game 1b2c...`. They are HTTP statuses, because
 * failures during matchmaking (create options, auth) travel as the matchmaking HTTP response.
 */
export const JOIN_ERRORS = {
  "join/invalid_options": 400,
  "join/invalid_client_seed": 422,
  "auth/unauthorized": 401,
  "table/game_in_progress": 403,
  "table/invitation_required": 403,
  "replay/not_found": 404,
  "replay/not_finished": 409,
  "table/seat_unavailable": 423,
  "limits/too_many_connections": 429,
  "limits/too_many_tables": 429,
  "limits/too_many_bots": 429,
  "limits/too_many_requests": 429,
  "server/shutting_down": 503,
  "table/moving": 503,
  "ranked/already_queued": 409,
  "ranked/bots_not_allowed": 403,
} as const;
export type JoinErrorCode = keyof typeof JOIN_ERRORS;

/** WebSocket close codes a client may see (Colyseus's, listed here so clients need one file). */
export const CLOSE_CODES = {
  /** The client left on purpose. */
  CONSENTED: 4000,
  /** The server is shutting down; the table comes back on restart (rejoin by game id). */
  SERVER_SHUTDOWN: 4001,
  /** Colyseus closed the socket after a protocol-level error (never for a bad game move). */
  WITH_ERROR: 4002,
  /** Reconnection failed. */
  FAILED_TO_RECONNECT: 4003,
  /**
   * Another server process took this table over (this one lost its lease): rejoin with
   * `joinById(gameId)`; the move that got `server/table_moved` was not made.
   */
  TABLE_MOVED: 4012,
  /** Too many messages for too long (ROOM_FLOOD_CLOSE_SECONDS seconds over ROOM_MESSAGES_PER_SECOND). */
  RATE_LIMITED: 4029,
  /** Dev mode restart: reconnect. */
  MAY_TRY_RECONNECT: 4010,
} as const;

/** Formats a join error message: `<code>: <detail>`. */
export function joinErrorMessage(code: JoinErrorCode, detail: string): string {
  return `${code}: ${detail}`;
}
