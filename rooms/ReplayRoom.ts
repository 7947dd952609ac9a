/**
 * The `replay` room: plays a finished game's log back. Same state shape as a live table, with
 * every hand revealed (a finished game's log is public). Controls: `speed`, `pause`, `resume`,
 * `seek {index}`; seeking rebuilds the state with `fold` of the log prefix.
 */
import { Room, type AuthContext, type Client, type Delayed } from "@colyseus/core";
import { StateView } from "@colyseus/schema";
import { z } from "zod";
import type { GameEvent, GameState } from "../src/game/types.js";
import {
  ROOM_NAMES,
  replayClientMessages,
  replayCreateOptionsSchema,
  type ReasonCode,
  type ReplayClientMessageType,
  type ReplayResult,
  type ReplayStatusMessage,
} from "../src/shared/protocol.js";
import type { RoomDeps } from "./ports.js";
import { asGameId, type Identity } from "../src/shared/identity.js";
import { admitConnection, optionalIdentity } from "./admissionGate.js";
import { handOf, initTableState, projectGame } from "./projection.js";
import { loadSeatCosmetics } from "./table/seatCosmetics.js";
import { joinError } from "./table/clients.js";
import { admitMessage } from "./messageGate.js";
import { RATE_LIMITED_MESSAGE } from "./messageLimits.js";
import type { Logger } from "../src/platform/logger.js";
import { TableState } from "../src/shared/schema/TableState.js";

const DEFAULT_EVENTS_PER_SECOND = 4;
const REPLAY_MESSAGE_TYPES = Object.keys(replayClientMessages) as ReplayClientMessageType[];

/** Builds the `replay` room class over the given dependencies (no module-level state). */
export function createReplayRoom(deps: RoomDeps) {
  return class extends ReplayRoom {
    constructor() {
      super(deps);
    }
  };
}

/** The `replay` room over its dependencies; {@link createReplayRoom} binds them. */
export class ReplayRoom extends Room<{ state: TableState }> {
  override state = new TableState();
  private readonly log: Logger;

  private events: readonly GameEvent[] = [];
  private game!: GameState;
  /** Events applied: the state is `fold(events.slice(0, position))`. */
  private position = 0;
  private paused = false;
  private eventsPerSecond = DEFAULT_EVENTS_PER_SECOND;
  private timer: Delayed | null = null;

  constructor(private readonly deps: RoomDeps) {
    super();
    this.log = this.deps.logger.child({ room: "replay" });
  }

  override async onCreate(rawOptions: unknown): Promise<void> {
    const parsed = replayCreateOptionsSchema.safeParse(rawOptions ?? {});
    if (!parsed.success) throw joinError("join/invalid_options", z.prettifyError(parsed.error));
    const gameId = asGameId(parsed.data.gameId);
    const status = await this.deps.games.status(gameId);
    if (status === null) throw joinError("replay/not_found", `no game ${gameId}`);
    if (status !== "completed") throw joinError("replay/not_finished", `game ${gameId} is ${status === "created" ? "waiting for players" : "still being played"}; watch it live as a spectator`);
    this.events = await this.deps.eventLog.readAll(gameId);
    if (this.events.length === 0 || this.events[this.events.length - 1]?.type !== "game_completed") {
      throw joinError("replay/not_finished", `game ${gameId} has no completed log`);
    }
    this.eventsPerSecond = parsed.data.speed ?? DEFAULT_EVENTS_PER_SECOND;
    this.paused = parsed.data.paused ?? false;
    this.game = this.deps.engine.fold(this.events.slice(0, 1));
    this.position = 1;
    initTableState(this.state, gameId, this.game.config.seats);
    this.project();
    // What each seat's person wore in this game (their GAME_JOINED in the Season log).
    await loadSeatCosmetics(this.state, gameId, this.deps.seasonSeats, this.log);
    await this.setMatchmaking({ private: true, unlisted: true });
    this.registerMessages();
    this.deps.metrics.track(this, ROOM_NAMES.replay, () => ({ spectator: this.clients.length }));
    this.log.debug({ gameId, events: this.events.length }, "replay created");
  }

  /** Anyone may watch a replay; a token, when sent, counts the connection to its player too. */
  override onAuth(_client: Client, _options: unknown, context: AuthContext): Promise<Identity | true> {
    return optionalIdentity(this.deps.tokens, context.token);
  }

  override async onJoin(client: Client): Promise<void> {
    await admitConnection(this.deps.admission, client);
    const view = new StateView();
    for (let seat = 0; seat < this.game.config.seats; seat++) {
      const hand = handOf(this.state, seat);
      if (hand !== undefined) view.add(hand);
    }
    client.view = view;
    this.events.slice(0, this.position).forEach((event, index) => client.send("event", { index, event }));
    client.send("replay_status", this.status());
    this.schedule();
  }

  override onLeave(client: Client): Promise<void> {
    return this.deps.admission.leave(client.sessionId);
  }

  override onDispose(): void {
    this.timer?.clear();
    this.deps.metrics.untrack(this);
  }

  private registerMessages(): void {
    // Every message first spends the client's budget (rooms/messageLimits.ts).
    const admitted = admitMessage(this.deps.messageLimits, () => this.clock.currentTime, (client: Client, type) =>
      this.reply(client, { ok: false, type, code: "rate_limited", message: RATE_LIMITED_MESSAGE }),
    );
    for (const type of REPLAY_MESSAGE_TYPES) {
      this.onMessage(type, (client: Client, raw: unknown) => admitted(client, type, raw) && this.control(client, type, raw));
    }
    this.onMessage("*", (client: Client, type: string | number, raw: unknown) => {
      if (admitted(client, String(type), raw)) {
        this.reply(client, { ok: false, type: String(type), code: "protocol/unknown_message", message: `expected one of ${REPLAY_MESSAGE_TYPES.join(", ")}` });
      }
    });
  }

  private control(client: Client, type: ReplayClientMessageType, raw: unknown): void {
    const fail = (code: ReasonCode, message: string) => this.reply(client, { ok: false, type, code, message });
    switch (type) {
      case "speed": {
        const msg = replayClientMessages.speed.safeParse(raw);
        if (!msg.success) return fail("protocol/invalid_message", z.prettifyError(msg.error));
        this.eventsPerSecond = msg.data.eventsPerSecond;
        break;
      }
      case "pause": {
        const msg = replayClientMessages.pause.safeParse(raw);
        if (!msg.success) return fail("protocol/invalid_message", z.prettifyError(msg.error));
        this.paused = true;
        break;
      }
      case "resume": {
        const msg = replayClientMessages.resume.safeParse(raw);
        if (!msg.success) return fail("protocol/invalid_message", z.prettifyError(msg.error));
        this.paused = false;
        break;
      }
      case "seek": {
        const msg = replayClientMessages.seek.safeParse(raw);
        if (!msg.success) return fail("protocol/invalid_message", z.prettifyError(msg.error));
        if (msg.data.index >= this.events.length) {
          return fail("protocol/invalid_message", `index must be below ${this.events.length}`);
        }
        this.game = this.deps.engine.fold(this.events.slice(0, msg.data.index + 1));
        this.position = msg.data.index + 1;
        this.project();
        break;
      }
      default: {
        const never: never = type;
        return fail("protocol/unknown_message", `unknown ${String(never)}`);
      }
    }
    this.reply(client, { ok: true, type });
    this.broadcast("replay_status", this.status());
    this.schedule();
  }

  private reply(client: Client, result: ReplayResult): void {
    client.send("replay_result", result);
  }

  /** Arms the timer for the next event (or stops at the end / when paused). */
  private schedule(): void {
    this.timer?.clear();
    this.timer = null;
    if (this.paused || this.position >= this.events.length) return;
    this.timer = this.clock.setTimeout(() => this.step(), 1000 / this.eventsPerSecond);
  }

  private step(): void {
    const event = this.events[this.position];
    if (event === undefined) return;
    this.game = this.deps.engine.evolve(this.game, event);
    const index = this.position;
    this.position += 1;
    this.project();
    this.broadcast("event", { index, event });
    this.broadcast("replay_status", this.status());
    this.schedule();
  }

  private status(): ReplayStatusMessage {
    return {
      gameId: this.game.gameId,
      position: this.position,
      total: this.events.length,
      paused: this.paused || this.position >= this.events.length,
      eventsPerSecond: this.eventsPerSecond,
    };
  }

  private project(): void {
    projectGame(this.state, this.game, this.deps.engine);
    this.broadcastPatch();
  }
}
