/**
 * Reading a game's log from `GET /api/games/:id/events` (NDJSON, one event per line, in index
 * order). Every line is validated into an engine `GameEvent`; the engine's `fold` then checks
 * that the events fit together.
 */
import * as z from "zod/mini";
import { isCard } from "../../src/game/cards.js";
import type { Card, GameEvent, GameId, PlayerId } from "../../src/game/types.js";
import { CLIENT_SEED_SOURCES, EVENT_VERSION, FAIRNESS_SCHEMES } from "../../src/game/types.js";

const card = z.custom<Card>(isCard, { message: "not a card" });
const gameId = z.custom<GameId>((v) => typeof v === "string" && v !== "", { message: "not a game id" });
const playerId = z.custom<PlayerId>((v) => typeof v === "string" && v !== "", { message: "not a player id" });
const seat = z.int().check(z.minimum(0));
const v = z.literal(EVENT_VERSION);
const occupant = { playerId, displayName: z.string(), isBot: z.boolean() };
const play = z.object({ seat, card });

export const gameEventSchema: z.ZodMiniType<GameEvent> = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("game_created"), _v: v, gameId,
    config: z.object({ seats: z.int(), turnSeconds: z.number() }),
    seedCommitment: z.string(), sessionSeed: z.string(), fairness: z.optional(z.enum(FAIRNESS_SCHEMES)),
  }),
  z.object({
    type: z.literal("player_joined"), _v: v, seat, ...occupant,
    clientSeed: z.optional(z.string()), clientSeedBy: z.optional(z.enum(CLIENT_SEED_SOURCES)),
  }),
  z.object({ type: z.literal("player_left"), _v: v, seat, playerId, reason: z.enum(["left", "disconnected"]) }),
  z.object({ type: z.literal("seat_taken_by_bot"), _v: v, seat, previousPlayerId: playerId, botPlayerId: playerId, botName: z.string() }),
  z.object({ type: z.literal("game_started"), _v: v, seats: z.array(z.object(occupant)), clientSeeds: z.optional(z.array(z.string())) }),
  z.object({ type: z.literal("round_started"), _v: v, round: z.int(), dealer: seat, trumpCard: card, hands: z.array(z.array(card)) }),
  z.object({ type: z.literal("bid_placed"), _v: v, round: z.int(), seat, bid: z.int(), auto: z.boolean() }),
  z.object({ type: z.literal("card_played"), _v: v, round: z.int(), trick: z.int(), seat, card, auto: z.boolean() }),
  z.object({ type: z.literal("trick_won"), _v: v, round: z.int(), trick: z.int(), seat, plays: z.array(play) }),
  z.object({
    type: z.literal("round_scored"), _v: v, round: z.int(),
    results: z.array(z.object({ seat, bid: z.int(), tricks: z.int(), points: z.int(), misplay: z.int() })),
    totals: z.array(z.int()),
  }),
  z.object({ type: z.literal("game_completed"), _v: v, finalScores: z.array(z.int()), winners: z.array(seat), sessionSeed: z.string() }),
]);

/**
 * One NDJSON line as the API may frame it: the event itself, `{ index, event }`, or
 * `{ index, type, payload }` (the `game_events` row).
 */
function unframe(line: unknown): unknown {
  if (typeof line !== "object" || line === null) return line;
  if ("event" in line && typeof line.event === "object" && line.event !== null) return line.event;
  if ("payload" in line && "type" in line && typeof line.payload === "object" && line.payload !== null) {
    return { ...line.payload, type: line.type };
  }
  return line;
}

export type LogResult = { readonly ok: true; readonly events: readonly GameEvent[] } | { readonly ok: false; readonly error: string };

/** Parses an NDJSON log; fails on the first line that is not a valid event. */
export function parseLog(text: string): LogResult {
  const events: GameEvent[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]?.trim() ?? "";
    if (raw === "") continue;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return { ok: false, error: `line ${i + 1} is not JSON` };
    }
    const e = gameEventSchema.safeParse(unframe(json));
    if (!e.success) {
      const issue = e.error.issues[0];
      return { ok: false, error: `line ${i + 1}: ${issue?.path.join(".") ?? ""} ${issue?.message ?? "invalid event"}` };
    }
    events.push(e.data);
  }
  return { ok: true, events };
}
