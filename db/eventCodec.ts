/**
 * How a {@link GameEvent} maps to a `game_events` row and back: `type` is the column, the rest
 * of the event (including `_v`) is the `payload` jsonb. Reading validates every payload with
 * zod, so a row that does not hold a well-formed event fails loudly instead of flowing into
 * `fold` as a lie.
 */
import { z } from "zod";
import { CLIENT_SEED_SOURCES, EVENT_VERSION, FAIRNESS_SCHEMES, type GameEvent, type GameEventType } from "../src/game/types.js";
import { cardSchema, countSchema, gameConfigSchema, gameIdSchema, playerIdSchema, seatRoundResultSchema, seatSchema } from "./domainSchemas.js";
import { StorageError } from "./errors.js";

/** A row's `type` and `payload`, as written. */
export interface EncodedEvent {
  readonly type: GameEventType;
  readonly payload: Record<string, unknown>;
}

/** Splits an event into its `type` column and its jsonb `payload` (everything else). */
export function encodeEvent(event: GameEvent): EncodedEvent {
  const { type, ...payload } = event;
  return { type, payload };
}

/** A stored event that does not decode into a {@link GameEvent}. */
export class EventDecodeError extends StorageError {
  constructor(
    readonly gameId: string,
    readonly eventIndex: number,
    readonly issues: string,
  ) {
    super("storage/event_decode_failed", `game ${gameId} event ${eventIndex} is not a valid game event: ${issues}`);
    this.name = "EventDecodeError";
  }
}

const gameId = gameIdSchema;
const playerId = playerIdSchema;
const card = cardSchema;
const seat = seatSchema;
const count = countSchema;
const v = z.literal(EVENT_VERSION);
const occupant = { playerId, displayName: z.string(), isBot: z.boolean() };
const seatResult = seatRoundResultSchema;

const gameEventSchema = z.discriminatedUnion("type", [
  z.strictObject({
    _v: v,
    type: z.literal("game_created"),
    gameId,
    config: gameConfigSchema,
    seedCommitment: z.string(),
    sessionSeed: z.string(),
    fairness: z.enum(FAIRNESS_SCHEMES).optional(),
  }),
  z.strictObject({
    _v: v,
    type: z.literal("player_joined"),
    seat,
    ...occupant,
    clientSeed: z.string().optional(),
    clientSeedBy: z.enum(CLIENT_SEED_SOURCES).optional(),
  }),
  z.strictObject({
    _v: v,
    type: z.literal("player_left"),
    seat,
    playerId,
    reason: z.enum(["left", "disconnected"]),
  }),
  z.strictObject({
    _v: v,
    type: z.literal("seat_taken_by_bot"),
    seat,
    previousPlayerId: playerId,
    botPlayerId: playerId,
    botName: z.string(),
  }),
  z.strictObject({
    _v: v,
    type: z.literal("game_started"),
    seats: z.array(z.strictObject(occupant)),
    clientSeeds: z.array(z.string()).optional(),
  }),
  z.strictObject({
    _v: v,
    type: z.literal("round_started"),
    round: count,
    dealer: seat,
    trumpCard: card,
    hands: z.array(z.array(card)),
  }),
  z.strictObject({ _v: v, type: z.literal("bid_placed"), round: count, seat, bid: count, auto: z.boolean() }),
  z.strictObject({
    _v: v,
    type: z.literal("card_played"),
    round: count,
    trick: count,
    seat,
    card,
    auto: z.boolean(),
  }),
  z.strictObject({
    _v: v,
    type: z.literal("trick_won"),
    round: count,
    trick: count,
    seat,
    plays: z.array(z.strictObject({ seat, card })),
  }),
  z.strictObject({
    _v: v,
    type: z.literal("round_scored"),
    round: count,
    results: z.array(seatResult),
    totals: z.array(z.number().int()),
  }),
  z.strictObject({
    _v: v,
    type: z.literal("game_completed"),
    finalScores: z.array(z.number().int()),
    winners: z.array(seat),
    sessionSeed: z.string(),
  }),
]);

// Compile-time guards that the schema and the engine's union agree: every decoded value is a
// GameEvent, and every GameEvent type has a branch.
type Decoded = z.output<typeof gameEventSchema>;
const decodedIsGameEvent = (e: Decoded): GameEvent => e;
const everyTypeCovered: Record<GameEventType, true> = {
  game_created: true,
  player_joined: true,
  player_left: true,
  seat_taken_by_bot: true,
  game_started: true,
  round_started: true,
  bid_placed: true,
  card_played: true,
  trick_won: true,
  round_scored: true,
  game_completed: true,
} satisfies Record<Decoded["type"], true>;
void decodedIsGameEvent;
void everyTypeCovered;

/**
 * Rebuilds the event stored as (`type`, `payload`) at `gameId`/`eventIndex`, validating it.
 * Throws {@link EventDecodeError} when the row does not hold a valid event.
 */
export function decodeEvent(gameIdValue: string, eventIndex: number, type: string, payload: unknown): GameEvent {
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    throw new EventDecodeError(gameIdValue, eventIndex, "payload is not an object");
  }
  const parsed = gameEventSchema.safeParse({ ...payload, type });
  if (!parsed.success) {
    throw new EventDecodeError(
      gameIdValue,
      eventIndex,
      parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
    );
  }
  return parsed.data;
}
