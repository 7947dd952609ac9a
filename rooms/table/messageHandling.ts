/**
 * What the table room does with one client message, after it passed the flood gate: route it
 * through the one table of schemas and handlers (./messages.ts), then run the action (a command
 * through the pipeline, a bot request in the queue, an emote to everyone) and answer the sender
 * with a `result`. Before that, every message spends the client's budget (../messageGate.ts).
 * Nothing here knows Colyseus beyond `send` and `leave`.
 */
import type { Logger } from "../../src/platform/logger.js";
import type { EmoteMessage, MoveResult, TableClientMessageType } from "../../src/shared/protocol.js";
import { identitySchema } from "../../src/shared/identity.js";
import { admitMessage } from "../messageGate.js";
import { RATE_LIMITED_MESSAGE, type MessageLimitConfig } from "../messageLimits.js";
import { decideEmote, type EmoteLimiter } from "../emotes.js";
import type { TableClient } from "./clients.js";
import type { CommandPipeline, Outcome } from "./commandPipeline.js";
import { echoId, resultOf, TABLE_MESSAGES, unknownMessage } from "./messages.js";
import type { SeatHandover } from "./seatHandover.js";

/** A command not answered after this long gets the `server/move_pending` notice (docs/PROTOCOL.md). */
export const MOVE_PENDING_NOTICE_MS = 1_000;

/** Sends the `result` answering a client message. */
export const answer = (client: TableClient, result: MoveResult): void => client.send("result", result);

/** The parts of the room a message may reach. */
export interface MessageContext {
  readonly pipeline: CommandPipeline;
  readonly seats: SeatHandover;
  readonly emotes: EmoteLimiter;
  readonly log: Logger;
  readonly now: () => Date;
  /** Runs `fn` after `ms` (the room's clock); returns the cancel function. */
  readonly after: (ms: number, fn: () => void) => () => void;
  readonly broadcastEmote: (message: EmoteMessage) => void;
  /** `play_again`: opens (once) the next table and tells the seated players (rooms/table/playAgain.ts). */
  readonly playAgain: () => Promise<Outcome | { ok: true }>;
}

/** Handles one message of a known type from `client`, and answers it. */
export function handleClientMessage(ctx: MessageContext, client: TableClient, type: TableClientMessageType, raw: unknown): void {
  const id = echoId(raw);
  const routed = TABLE_MESSAGES[type].route(raw, client.userData?.seat ?? null);
  if (!routed.ok) return answer(client, { ok: false, type, id, code: routed.code, message: routed.message });
  const { action } = routed;
  if (action.kind === "emote") {
    const said = decideEmote(ctx.emotes, action.seat, action.emote, ctx.now().getTime());
    if (said.ok) ctx.broadcastEmote(said.message);
    return answer(client, said.ok ? { ok: true, type, id } : { ok: false, type, id, code: said.code, message: said.message });
  }
  const run: Promise<Outcome | { ok: true }> =
    action.kind === "command"
      ? ctx.pipeline.submit(action.command)
      : action.kind === "play_again"
        ? ctx.playAgain()
        : ctx.pipeline.enqueue(() => ctx.seats.addBot(action.seat));
  // A command that waits (storage down, or behind the table's earlier commands) is never silent.
  const cancelPending = ctx.after(MOVE_PENDING_NOTICE_MS, () =>
    client.send("notice", { code: "server/move_pending", type, ...(id === undefined ? {} : { id }), message: "your move is waiting for storage; its result follows" }),
  );
  void run.finally(cancelPending).then(
    (outcome) => answer(client, resultOf(type, id, outcome)),
    (err: unknown) => {
      ctx.log.error({ err, gameId: ctx.pipeline.state.gameId, action }, "command failed");
      answer(client, { ok: false, type, id, code: "server/internal_error", message: "the move could not be recorded; try again" });
    },
  );
}

/** The handlers a table room registers: one per known message type, and one for any other type. */
export interface TableMessageHandlers {
  known(type: TableClientMessageType): (client: TableClient, raw: unknown) => void;
  readonly unknown: (client: TableClient, type: string | number, raw: unknown) => void;
}

/**
 * Every message first spends the client's budget (`limits`, at `now()` ms; the server's own bots
 * spend none), then a known type is handled with `context()` and an unknown one refused.
 */
export function tableMessageHandlers(limits: MessageLimitConfig, now: () => number, context: () => MessageContext): TableMessageHandlers {
  const admitted = admitMessage(
    limits,
    now,
    (client: TableClient, type, raw) => answer(client, { ok: false, type, id: echoId(raw), code: "rate_limited", message: RATE_LIMITED_MESSAGE }),
    (client) => identitySchema.safeParse(client.auth).data?.isBot === true,
  );
  return {
    known: (type) => (client, raw) => {
      if (admitted(client, type, raw)) handleClientMessage(context(), client, type, raw);
    },
    unknown: (client, type, raw) => {
      if (admitted(client, String(type), raw)) answer(client, { ok: false, type: String(type), id: echoId(raw), ...unknownMessage(type) });
    },
  };
}
