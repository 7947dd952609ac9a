/**
 * The Colyseus state of a `table` (and `replay`) room: a projection of the engine's `GameView`.
 *
 * Everything public sits in plain fields. Each seat's hand lives in `hands`, a map tagged
 * `.view()`: a client receives a `Hand` only after the room adds it to that client's StateView,
 * which the table room does for the seat's own player alone. Spectators and other seats never
 * receive a hand, not even in the first full state. Numbers that can be "none" use -1.
 */
import { schema, t, type SchemaType } from "@colyseus/schema";

/** One card played to a trick. */
export const TrickPlayState = schema({
  seat: t.uint8(),
  card: t.string(),
}, "TrickPlay");
export type TrickPlayState = SchemaType<typeof TrickPlayState>;

/** One seat's result in a scored round. */
export const SeatResultState = schema({
  seat: t.uint8(),
  bid: t.uint8(),
  tricks: t.uint8(),
  points: t.int16(),
  misplay: t.uint8(),
}, "SeatResult");
export type SeatResultState = SchemaType<typeof SeatResultState>;

/** A scored round. */
export const RoundResultState = schema({
  round: t.uint8(),
  results: t.array(SeatResultState),
}, "RoundResult");
export type RoundResultState = SchemaType<typeof RoundResultState>;

/** The public part of a seat. */
export const SeatState = schema({
  seat: t.uint8(),
  /** Empty string when the seat is free. */
  playerId: t.string(),
  displayName: t.string(),
  isBot: t.boolean(),
  occupied: t.boolean(),
  /** Left mid-game and not yet taken over by a bot. */
  away: t.boolean(),
  /** A live connection holds the seat (presentation only, not part of the game log). */
  connected: t.boolean(),
  handSize: t.uint8(),
  /** -1 until this round's bid is placed. */
  bid: t.int8().default(-1),
  tricks: t.uint8(),
  score: t.int16(),
  /** The seated person's equipped card back and seat frame (Season 0 cosmetics); empty string: none. */
  cardBack: t.string().default(""),
  seatFrame: t.string().default(""),
}, "Seat");
export type SeatState = SchemaType<typeof SeatState>;

/** One seat's private view: its cards and its legal moves right now. */
export const HandState = schema({
  seat: t.uint8(),
  cards: t.array("string"),
  legalBids: t.array("uint8"),
  legalCards: t.array("string"),
}, "Hand");
export type HandState = SchemaType<typeof HandState>;

/** The room state. */
export const TableState = schema({
  gameId: t.string(),
  seatCount: t.uint8(),
  turnSeconds: t.float32(),
  phase: t.string(),
  round: t.uint8(),
  dealer: t.int8(),
  /** Empty string before the first deal. */
  trumpCard: t.string(),
  trick: t.uint8(),
  /** Whose move it is, -1 for nobody. */
  turn: t.int8().default(-1),
  /** Epoch milliseconds when the current turn times out; 0 when no timer runs. */
  turnEndsAt: t.float64(),
  seats: t.array(SeatState),
  currentTrick: t.array(TrickPlayState),
  /** Winner of the last completed trick, -1 for none. */
  lastTrickSeat: t.int8().default(-1),
  lastTrick: t.array(TrickPlayState),
  roundResults: t.array(RoundResultState),
  winners: t.array("uint8"),
  seedCommitment: t.string(),
  /** The session seed once the game is completed, else empty. */
  revealedSeed: t.string(),
  /** Events folded into this state: the index of the next event. */
  eventCount: t.uint32(),
  /** Private per-seat data, keyed by seat index as a string. Visible only through a StateView. */
  hands: t.map(HandState).view(),
}, "TableState");
export type TableState = SchemaType<typeof TableState>;
