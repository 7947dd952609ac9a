/**
 * zod schemas for the engine's types as they are stored in jsonb columns. Reading a jsonb value
 * goes through these, so a damaged or foreign row fails loudly at the storage edge instead of
 * reaching the engine with the wrong shape.
 */
import { z } from "zod";
import { RANKS, SUITS, type Card, type GameConfig, type GameId, type PlayerId, type SummaryPlayer, type SummaryRound } from "../src/game/types.js";
import { StoredDataError } from "./errors.js";

const CARDS: ReadonlySet<string> = new Set(SUITS.flatMap((s) => RANKS.map((r) => `${r}${s}`)));
const isCard = (v: unknown): v is Card => typeof v === "string" && CARDS.has(v);

// Brands are nominal tags the engine puts on ids; a validated id string is given its brand here.
/** A game id (non-empty string), branded. */
export const gameIdSchema = z.string().min(1).transform((s): GameId => s as GameId);
/** A player id (non-empty string), branded. */
export const playerIdSchema = z.string().min(1).transform((s): PlayerId => s as PlayerId);
/** A card such as `TD`. */
export const cardSchema = z.custom<Card>(isCard, { message: "not a card" });
/** A 0-based seat index. */
export const seatSchema = z.number().int().min(0);
/** A count (non-negative integer). */
export const countSchema = z.number().int().min(0);

/** `games.config`. */
export const gameConfigSchema = z.strictObject({ seats: z.number().int(), turnSeconds: z.number() }) satisfies z.ZodType<GameConfig>;

/** One seat's round result. */
export const seatRoundResultSchema = z.strictObject({
  seat: seatSchema,
  bid: countSchema,
  tricks: countSchema,
  points: z.number().int(),
  misplay: countSchema,
});

/** `game_summaries.players`. */
export const summaryPlayersSchema = z.array(
  z.strictObject({
    playerId: playerIdSchema,
    displayName: z.string(),
    seat: seatSchema,
    isBot: z.boolean(),
    score: z.number().int(),
    tricksWon: countSchema,
    won: z.boolean(),
  }),
) satisfies z.ZodType<readonly SummaryPlayer[], unknown>;

/** `game_summaries.rounds`. */
export const summaryRoundsSchema = z.array(
  z.strictObject({ round: countSchema, dealer: seatSchema, trumpCard: cardSchema, results: z.array(seatRoundResultSchema) }),
) satisfies z.ZodType<readonly SummaryRound[], unknown>;

/** `game_summaries.final_scores`. */
export const finalScoresSchema = z.record(z.string(), z.number().int());

/** Parses `value` with `schema`, or throws {@link StoredDataError} naming `what`. */
export function parseStored<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new StoredDataError(what, parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  }
  return parsed.data;
}
