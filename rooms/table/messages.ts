/**
 * Client messages at a table: ONE table of `{ type: zod schema -> handler }` (the way Colyseus
 * 0.18's `validate()` pairs a schema with a handler). A message is parsed with its schema, a
 * spectator is refused, and the handler turns it into an action for the room: a command for the
 * pipeline, or a bot request. Validation is ours (zod): a bad message gets a `result` with a
 * reason code and changes nothing, never a kick.
 */
import { z } from "zod";
import type { Command, SeatIndex } from "../../src/game/types.js";
import { tableClientMessages, TABLE_CLIENT_MESSAGE_TYPES, type EmoteId, type MoveResult, type ReasonCode, type TableClientMessageType } from "../../src/shared/protocol.js";

/** What a valid message asks the room to do. */
export type TableAction =
  | { readonly kind: "command"; readonly command: Command }
  | { readonly kind: "add_bot"; readonly seat: SeatIndex | null }
  | { readonly kind: "emote"; readonly seat: SeatIndex; readonly emote: EmoteId }
  | { readonly kind: "play_again" };

/** A parsed message, or why it is refused. */
export type Routed = { readonly ok: true; readonly action: TableAction } | { readonly ok: false; readonly code: ReasonCode; readonly message: string };

/** One entry of the table: parses a raw message from a connection at `seat` (null: a spectator). */
interface MessageRoute {
  route(raw: unknown, seat: SeatIndex | null): Routed;
}

/** Pairs a schema with its handler; `spectators` is the refusal a spectator gets. */
function route<S extends z.ZodType>(schema: S, spectators: string, handle: (msg: z.output<S>, seat: SeatIndex) => TableAction): MessageRoute {
  return {
    route(raw, seat) {
      const msg = schema.safeParse(raw);
      if (!msg.success) return { ok: false, code: "protocol/invalid_message", message: z.prettifyError(msg.error) };
      if (seat === null) return { ok: false, code: "table/not_seated", message: spectators };
      return { ok: true, action: handle(msg.data, seat) };
    },
  };
}

/** Every client message type of the `table` room, with its schema and handler. */
export const TABLE_MESSAGES: { readonly [K in TableClientMessageType]: MessageRoute } = {
  bid: route(tableClientMessages.bid, "spectators cannot bid", (msg, seat) => ({ kind: "command", command: { type: "bid", seat, bid: msg.bid } })),
  play: route(tableClientMessages.play, "spectators cannot play", (msg, seat) => ({ kind: "command", command: { type: "play", seat, card: msg.card } })),
  start: route(tableClientMessages.start, "only a seated player can start the game", () => ({ kind: "command", command: { type: "start" } })),
  add_bot: route(tableClientMessages.add_bot, "only a seated player can add a bot", (msg) => ({ kind: "add_bot", seat: msg?.seat ?? null })),
  emote: route(tableClientMessages.emote, "only a seated player can send an emote", (msg, seat) => ({ kind: "emote", seat, emote: msg.emote })),
  play_again: route(tableClientMessages.play_again, "only a seated player can ask to play again", () => ({ kind: "play_again" })),
};

/** The refusal of a message type the table does not know. */
export function unknownMessage(type: string | number): { readonly code: ReasonCode; readonly message: string } {
  return {
    code: "protocol/unknown_message",
    message: `unknown message type ${JSON.stringify(type)}; expected one of ${TABLE_CLIENT_MESSAGE_TYPES.join(", ")}`,
  };
}

const idEcho = z.object({ id: z.union([z.string().max(64), z.number().int()]) });

/** A client's correlation id, when it sent a usable one (echoed in the `result`). */
export function echoId(raw: unknown): string | number | undefined {
  // Most messages carry no id: answer those without building zod's error (it runs on every move).
  if (typeof raw !== "object" || raw === null || !("id" in raw)) return undefined;
  const parsed = idEcho.safeParse(raw);
  return parsed.success ? parsed.data.id : undefined;
}

/**
 * The `result` answering a message: `eventIndex` is the index of the LAST event the move appended
 * (an `add_bot`, answered before the bot joins, has none).
 */
export function resultOf(
  type: TableClientMessageType,
  id: string | number | undefined,
  outcome: { readonly ok: true; readonly eventIndex?: number } | { readonly ok: false; readonly code: ReasonCode; readonly message: string },
): MoveResult {
  if (!outcome.ok) return { ok: false, type, id, code: outcome.code, message: outcome.message };
  return outcome.eventIndex === undefined ? { ok: true, type, id } : { ok: true, type, id, eventIndex: outcome.eventIndex };
}
