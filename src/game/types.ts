/**
 * The PZO domain types: cards, commands, events, state and views.
 *
 * This file is the contract every other part builds on (rooms, storage, bots, replays, the
 * browser client). Commands are imperative requests, events are past-tense facts; both are
 * discriminated unions on `type`. Every event payload carries a schema version `_v`.
 */

/** Suits, clubs to spades. */
export const SUITS = ["C", "D", "H", "S"] as const;
export type Suit = (typeof SUITS)[number];

/** Ranks from low to high; the ace is high. */
export const RANKS = ["2", "3", "4", "5", "6", "7", "8", "9", "T", "J", "Q", "K", "A"] as const;
export type Rank = (typeof RANKS)[number];

/** A card is rank + suit, e.g. `TD` (ten of diamonds) or `AS` (ace of spades). */
export type Card = `${Rank}${Suit}`;

declare const brand: unique symbol;
/** A nominal type: a `T` that cannot be mixed up with another `T` of a different brand. */
export type Brand<T, B extends string> = T & { readonly [brand]: B };

/** A game's id (a UUID, `games.id`). */
export type GameId = Brand<string, "GameId">;
/** A player's id (a UUID, `players.id`); bots are players too. */
export type PlayerId = Brand<string, "PlayerId">;
/** A seat index, 0-based, `0 <= seat < config.seats`. */
export type SeatIndex = number;

/** Rounds in a game; round r deals r cards to each seat. */
export const ROUND_COUNT = 10;
export const MIN_SEATS = 3;
export const MAX_SEATS = 5;
export const DEFAULT_SEATS = 4;
export const DEFAULT_TURN_SECONDS = 30;

/** The event payload schema version this engine writes. */
export const EVENT_VERSION = 1;

/**
 * Fairness schemes (docs/FAIRNESS.md), oldest first. v1: deals from the server seed alone (sfc32).
 * v2: deals from a key that mixes the server seed with every seat's client seed (ChaCha20 stream).
 */
export const FAIRNESS_SCHEMES = ["v1", "v2"] as const;
export type FairnessScheme = (typeof FAIRNESS_SCHEMES)[number];

/** Who supplied a seat's client seed: the player's own client, or the server (bots, none sent). */
export const CLIENT_SEED_SOURCES = ["player", "server"] as const;
export type ClientSeedBy = (typeof CLIENT_SEED_SOURCES)[number];

/** Table configuration, fixed when the game is created. */
export interface GameConfig {
  /** Number of seats, 3..5. A game starts only when every seat is taken. */
  readonly seats: number;
  /** Seconds a seat has to bid or play before the server moves for it. */
  readonly turnSeconds: number;
}

/** Who sits in a seat. */
export interface SeatOccupant {
  readonly playerId: PlayerId;
  readonly displayName: string;
  readonly isBot: boolean;
}

// ---------------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------------

/** A player (or bot) takes an empty seat before the game starts. */
export interface JoinSeatCommand extends SeatOccupant {
  readonly type: "join";
  readonly seat: SeatIndex;
  /**
   * The seat's client seed (v2 fairness): 32..128 lowercase hex chars from the player's client,
   * or null for none (bots, clients that sent none): the engine then derives the seat's seed
   * from the committed server seed (`serverClientSeedV2`), so the server cannot choose it after
   * seeing the other seats' seeds. Ignored in a v1 game.
   */
  readonly clientSeed: string | null;
}
/** A seated player leaves. Before the start the seat is freed; after it the seat is marked away. */
export interface LeaveSeatCommand {
  readonly type: "leave";
  readonly seat: SeatIndex;
  readonly reason: "left" | "disconnected";
}
/** A bot takes over a seat for the rest of the game (the reconnection window ran out). */
export interface ReplaceWithBotCommand {
  readonly type: "replace_with_bot";
  readonly seat: SeatIndex;
  readonly botPlayerId: PlayerId;
  readonly botName: string;
}
/** Start the game: every seat must be taken. */
export interface StartGameCommand {
  readonly type: "start";
}
/** A seat bids how many tricks it will take this round. */
export interface PlaceBidCommand {
  readonly type: "bid";
  readonly seat: SeatIndex;
  readonly bid: number;
}
/** A seat plays a card to the current trick. */
export interface PlayCardCommand {
  readonly type: "play";
  readonly seat: SeatIndex;
  readonly card: Card;
}
/**
 * The turn timer ran out for `seat`: the server moves for it (bid 0 if legal, else 1; or its
 * lowest legal card), recorded with `auto: true`. Rejected when it is no longer that seat's turn,
 * so a stale timer changes nothing.
 */
export interface TurnTimeoutCommand {
  readonly type: "timeout";
  readonly seat: SeatIndex;
}

export type Command =
  | JoinSeatCommand
  | LeaveSeatCommand
  | ReplaceWithBotCommand
  | StartGameCommand
  | PlaceBidCommand
  | PlayCardCommand
  | TurnTimeoutCommand;
export type CommandType = Command["type"];

// ---------------------------------------------------------------------------------------------
// Events (stored in game_events; `type` is the column, the rest is the jsonb payload)
// ---------------------------------------------------------------------------------------------

interface EventBase {
  readonly _v: typeof EVENT_VERSION;
}

/** Index 0 of every log. `sessionSeed` is secret while the game is live: redact it for clients. */
export interface GameCreatedEvent extends EventBase {
  readonly type: "game_created";
  readonly gameId: GameId;
  readonly config: GameConfig;
  /** Lowercase hex SHA-256 of the UTF-8 bytes of `sessionSeed`; public from the start. */
  readonly seedCommitment: string;
  /** The secret seed (64 lowercase hex chars). Never sent to a client of a live game. */
  readonly sessionSeed: string;
  /** The fairness scheme of the game's deals; absent in games created before v2: v1. */
  readonly fairness?: FairnessScheme;
}
export interface PlayerJoinedEvent extends EventBase, SeatOccupant {
  readonly type: "player_joined";
  readonly seat: SeatIndex;
  /** v2 games: the seat's client seed (32..128 lowercase hex chars) and who supplied it. Absent in v1. */
  readonly clientSeed?: string;
  readonly clientSeedBy?: ClientSeedBy;
}
export interface PlayerLeftEvent extends EventBase {
  readonly type: "player_left";
  readonly seat: SeatIndex;
  readonly playerId: PlayerId;
  readonly reason: "left" | "disconnected";
}
export interface SeatTakenByBotEvent extends EventBase {
  readonly type: "seat_taken_by_bot";
  readonly seat: SeatIndex;
  readonly previousPlayerId: PlayerId;
  readonly botPlayerId: PlayerId;
  readonly botName: string;
}
export interface GameStartedEvent extends EventBase {
  readonly type: "game_started";
  readonly seats: readonly SeatOccupant[];
  /** v2 games: every seat's client seed in seat order, the ones the deal key mixes in. Absent in v1. */
  readonly clientSeeds?: readonly string[];
}
/** A new round: who deals, the trump card, and every seat's hand (secret while live). */
export interface RoundStartedEvent extends EventBase {
  readonly type: "round_started";
  readonly round: number;
  readonly dealer: SeatIndex;
  readonly trumpCard: Card;
  /** `hands[seat]`: each seat's cards in deal order. Redact all but the receiver's own. */
  readonly hands: readonly (readonly Card[])[];
}
export interface BidPlacedEvent extends EventBase {
  readonly type: "bid_placed";
  readonly round: number;
  readonly seat: SeatIndex;
  readonly bid: number;
  readonly auto: boolean;
}
export interface CardPlayedEvent extends EventBase {
  readonly type: "card_played";
  readonly round: number;
  readonly trick: number;
  readonly seat: SeatIndex;
  readonly card: Card;
  readonly auto: boolean;
}
export interface TrickPlay {
  readonly seat: SeatIndex;
  readonly card: Card;
}
export interface TrickWonEvent extends EventBase {
  readonly type: "trick_won";
  readonly round: number;
  /** 1-based trick number within the round. */
  readonly trick: number;
  readonly seat: SeatIndex;
  readonly plays: readonly TrickPlay[];
}
/** One seat's outcome for a round. */
export interface SeatRoundResult {
  readonly seat: SeatIndex;
  readonly bid: number;
  readonly tricks: number;
  /** `10 + bid` on an exact bid, else `-|bid - tricks|`. */
  readonly points: number;
  /** `|bid - tricks|`: 0 on an exact bid. */
  readonly misplay: number;
}
export interface RoundScoredEvent extends EventBase {
  readonly type: "round_scored";
  readonly round: number;
  readonly results: readonly SeatRoundResult[];
  /** Running totals per seat after this round. */
  readonly totals: readonly number[];
}
export interface GameCompletedEvent extends EventBase {
  readonly type: "game_completed";
  readonly finalScores: readonly number[];
  /** Every seat tied on the top total. */
  readonly winners: readonly SeatIndex[];
  /** The revealed session seed: with it anyone can recompute every deal. */
  readonly sessionSeed: string;
}

export type GameEvent =
  | GameCreatedEvent
  | PlayerJoinedEvent
  | PlayerLeftEvent
  | SeatTakenByBotEvent
  | GameStartedEvent
  | RoundStartedEvent
  | BidPlacedEvent
  | CardPlayedEvent
  | TrickWonEvent
  | RoundScoredEvent
  | GameCompletedEvent;
export type GameEventType = GameEvent["type"];

/** Every event type, in no particular order; handy for validation and docs. */
export const GAME_EVENT_TYPES = [
  "game_created",
  "player_joined",
  "player_left",
  "seat_taken_by_bot",
  "game_started",
  "round_started",
  "bid_placed",
  "card_played",
  "trick_won",
  "round_scored",
  "game_completed",
] as const satisfies readonly GameEventType[];

// ---------------------------------------------------------------------------------------------
// Decisions
// ---------------------------------------------------------------------------------------------

/** Namespaced reason codes for a rejected command; the client can act on each. */
export const RULE_REJECTIONS = [
  "rules/game_not_started",
  "rules/game_already_started",
  "rules/game_completed",
  "rules/seat_out_of_range",
  "rules/seat_taken",
  "rules/seat_empty",
  "rules/already_seated",
  "rules/seat_away",
  "rules/not_enough_players",
  "rules/not_your_turn",
  "rules/not_bidding_phase",
  "rules/not_playing_phase",
  "rules/bid_out_of_range",
  "rules/hook_violation",
  "rules/card_not_in_hand",
  "rules/must_follow_suit",
  "rules/invalid_command",
  "rules/invalid_client_seed",
] as const;
export type RuleRejectionCode = (typeof RULE_REJECTIONS)[number];

export interface Rejection {
  readonly code: RuleRejectionCode;
  readonly message: string;
}

/** What `decide` returns: the events to append, or why the command was refused. */
export type Decision =
  | { readonly ok: true; readonly events: readonly GameEvent[] }
  | { readonly ok: false; readonly rejection: Rejection };

// ---------------------------------------------------------------------------------------------
// State (the fold of the log)
// ---------------------------------------------------------------------------------------------

export type Phase = "waiting" | "bidding" | "playing" | "completed";

/** A seat in the live state. */
export interface SeatState {
  readonly occupant: SeatOccupant | null;
  /** True after the occupant left mid-game and before a bot took the seat over. */
  readonly away: boolean;
}

/**
 * The authoritative game state: `fold(log)`. It holds secrets (the seed, every hand), so it is
 * never sent to anyone as is: `viewFor` decides what each side sees.
 */
export interface GameState {
  readonly gameId: GameId;
  readonly config: GameConfig;
  readonly seedCommitment: string;
  readonly sessionSeed: string;
  readonly fairness: FairnessScheme;
  /** v2: each seat's client seed ("" for an empty seat, and always "" in v1), fixed at the start. */
  readonly clientSeeds: readonly string[];
  /** v2: the deal key (64 lowercase hex chars) once the game started and the seed is known, else "". */
  readonly dealKey: string;
  readonly phase: Phase;
  readonly seats: readonly SeatState[];
  /** 0 before the game starts, then 1..10. */
  readonly round: number;
  readonly dealer: SeatIndex;
  readonly trumpCard: Card | null;
  /** `hands[seat]`: the cards each seat still holds. */
  readonly hands: readonly (readonly Card[])[];
  /** `bids[seat]`: this round's bids, null until placed. */
  readonly bids: readonly (number | null)[];
  /** `tricksWon[seat]`: tricks taken this round. */
  readonly tricksWon: readonly number[];
  /** 1-based number of the trick being played. */
  readonly trick: number;
  /** The cards on the table, in play order. */
  readonly currentTrick: readonly TrickPlay[];
  /** The last completed trick of this round, for display. */
  readonly lastTrick: { readonly seat: SeatIndex; readonly plays: readonly TrickPlay[] } | null;
  /** Whose move it is, or null (waiting or completed). */
  readonly turn: SeatIndex | null;
  /** Running totals per seat. */
  readonly scores: readonly number[];
  /** Results of every scored round, in order. */
  readonly roundResults: readonly (readonly SeatRoundResult[])[];
  /** Seats tied on the top total; empty until the game completes. */
  readonly winners: readonly SeatIndex[];
  /**
   * Who held each seat at `game_started` (empty before it). A finished game's result belongs to
   * these players, even when a bot took a seat over later, so leaving does not dodge a loss.
   */
  readonly originalOccupants: readonly SeatOccupant[];
  /** The trump card of every round started so far, in round order (for the summary). */
  readonly trumpHistory: readonly Card[];
  /**
   * Per seat, the bids and cards played since the start, and how many of them the seat's
   * original occupant did not make itself: made on timeout (`auto`) or by a replacement bot
   * (docs/LADDER.md, abandoned seats).
   */
  readonly moveCounts: readonly SeatMoveCount[];
  /** How many events have been folded: the next event's `event_index`. */
  readonly eventCount: number;
}

// ---------------------------------------------------------------------------------------------
// Views (what each side may see)
// ---------------------------------------------------------------------------------------------

export type Viewer = SeatIndex | "spectator";

/** The public part of one seat. */
export interface SeatView {
  readonly seat: SeatIndex;
  readonly occupant: SeatOccupant | null;
  readonly away: boolean;
  readonly handSize: number;
  readonly bid: number | null;
  readonly tricks: number;
  readonly score: number;
}

/**
 * What one side sees. A seat sees its own hand and its legal moves; a spectator sees no hand.
 * Never contains another seat's hand or, while the game is live, the seed.
 */
export interface GameView {
  readonly gameId: GameId;
  readonly config: GameConfig;
  readonly viewer: Viewer;
  readonly phase: Phase;
  readonly round: number;
  readonly dealer: SeatIndex;
  readonly trumpCard: Card | null;
  readonly trick: number;
  readonly turn: SeatIndex | null;
  readonly seats: readonly SeatView[];
  readonly currentTrick: readonly TrickPlay[];
  readonly lastTrick: { readonly seat: SeatIndex; readonly plays: readonly TrickPlay[] } | null;
  readonly roundResults: readonly (readonly SeatRoundResult[])[];
  readonly winners: readonly SeatIndex[];
  readonly seedCommitment: string;
  /** The seed, only once the game is completed. */
  readonly revealedSeed: string | null;
  /** The viewer's own hand, sorted; null for a spectator. */
  readonly hand: readonly Card[] | null;
  /** The bids the viewer may place now (empty when it is not its turn to bid). */
  readonly legalBids: readonly number[];
  /** The cards the viewer may play now (empty when it is not its turn to play). */
  readonly legalCards: readonly Card[];
}

// ---------------------------------------------------------------------------------------------
// What a finished game owes the database
// ---------------------------------------------------------------------------------------------

/** One seat's line in a game summary. */
export interface SummaryPlayer {
  readonly playerId: PlayerId;
  readonly displayName: string;
  readonly seat: SeatIndex;
  readonly isBot: boolean;
  readonly score: number;
  readonly tricksWon: number;
  readonly won: boolean;
}

/** One round in a game summary. */
export interface SummaryRound {
  readonly round: number;
  readonly dealer: SeatIndex;
  readonly trumpCard: Card;
  readonly results: readonly SeatRoundResult[];
}

/**
 * The `game_summaries` row of a completed game. "Consecutive wins/losses" count rounds in a row
 * in which one seat made (win) or missed (loss) its bid; the figure is the longest such run of
 * any seat. `highestMisplay` is the largest `|bid - tricks|` of any seat in any round.
 */
export interface GameSummary {
  readonly gameId: GameId;
  readonly players: readonly SummaryPlayer[];
  readonly rounds: readonly SummaryRound[];
  /** `playerId -> final score`. */
  readonly finalScores: Readonly<Record<string, number>>;
  readonly highestBid: number;
  readonly highestScore: number;
  readonly lowestScore: number;
  readonly mostConsecutiveWins: number;
  readonly mostConsecutiveLosses: number;
  readonly highestMisplay: number;
}

/** One seat's moves (bids and cards) in a game, and how many its original occupant did not make. */
export interface SeatMoveCount {
  readonly moves: number;
  /** Moves made on timeout or by a replacement bot. */
  readonly notOwn: number;
}

/** What one finished game adds to one player's lifetime stats. */
export interface LifetimeStatDelta {
  readonly playerId: PlayerId;
  readonly isBot: boolean;
  readonly score: number;
  readonly won: boolean;
  readonly tricksWon: number;
  /** Rounds the seat played (every round of a completed game). */
  readonly roundsPlayed: number;
  /** Rounds in which the seat took exactly the tricks it bid. */
  readonly bidsMade: number;
  /** Rounds in which the seat bid 0 and took no trick. */
  readonly zeroBidsMade: number;
  /** The seat's moves, and how many its player did not make (timeouts, a replacement bot). */
  readonly moves: SeatMoveCount;
}
