/**
 * The `table` room: one live game. A thin adapter over the rules engine.
 *
 * Every command (a client move, a join, a timer, a takeover) runs through one promise queue, so
 * commands for a table apply strictly in order: `decide` -> event log append (awaiting commit) ->
 * `evolve` -> schema projection -> one `event` message per appended event, redacted for each
 * receiver. Nothing is shown before it is durable.
 */
import { CloseCode, getMessageBytes, Protocol, Room, ServerError, type AuthContext, type Client, type Delayed } from "@colyseus/core";
import { StateView } from "@colyseus/schema";
import { z } from "zod";
import {
  DEFAULT_SEATS,
  DEFAULT_TURN_SECONDS,
  type Command,
  type GameEvent,
  type GameId,
  type GameState,
  type PlayerId,
  type SeatIndex,
  type Viewer,
} from "../src/game/types.js";
import {
  JOIN_ERRORS,
  joinErrorMessage,
  ROOM_NAMES,
  tableClientMessages,
  tableCreateOptionsSchema,
  tableJoinOptionsSchema,
  TABLE_CLIENT_MESSAGE_TYPES,
  type EventMessage,
  type JoinErrorCode,
  type MoveResult,
  type NoticeMessage,
  type ReasonCode,
  type TableClientMessageType,
  type TableListingMetadata,
  type WelcomeMessage,
} from "../src/shared/protocol.js";
import type { BotAccount, Identity, RoomDeps } from "./ports.js";
import { decideEmote, EmoteLimiter } from "./emotes.js";
import { roundHistory } from "./history.js";
import type { LadderChange } from "../src/ladder/service.js";
import { handOf, initTableState, projectHand, projectPublic } from "./projection.js";
import { TableState } from "./schema/TableState.js";
import { asGameId, asPlayerId, identitySchema } from "./identity.js";
import { corkUntilNextTick } from "./socketCork.js";

/** Per-connection data at a table. */
export interface TableUserData {
  /** The seat this connection plays, or null for a spectator. */
  seat: SeatIndex | null;
  playerId: PlayerId | null;
}

/** A connection at a table. */
export type TableClient = Client<{ userData: TableUserData; auth: Identity }>;

/** Options that only the server's own restore path can produce (it knows the restore key). */
const restoreOptionsSchema = z.object({ restoreGameId: z.string().uuid(), restoreKey: z.string().min(16) });

/** An outcome of one command. */
type Outcome =
  | { readonly ok: true; readonly eventIndex: number }
  | { readonly ok: false; readonly code: ReasonCode; readonly message: string };

/** How long a seat stays reserved for a bot that was asked to join it. */
const BOT_RESERVATION_MS = 15_000;

function joinError(code: JoinErrorCode, detail: string): ServerError {
  return new ServerError(JOIN_ERRORS[code], joinErrorMessage(code, detail));
}

const idEcho = z.object({ id: z.union([z.string().max(64), z.number().int()]) });

/** Echoes a client's correlation id, when it sent a usable one. */
function echoId(raw: unknown): string | number | undefined {
  const parsed = idEcho.safeParse(raw);
  return parsed.success ? parsed.data.id : undefined;
}

/**
 * The matchmaking filter of the `table` room: `join("table", { joinCode })` finds the open public
 * table listed under that code (its listing metadata carries it; see `listing()`).
 */
export const JOIN_CODE_FILTER = ["joinCode"] as const;

/** Builds the `table` room class over the given dependencies (no module-level state). */
export function createTableRoom(deps: RoomDeps) {
  const log = deps.logger.child({ room: "table" });

  return class TableRoom extends Room<{ state: TableState; metadata: TableListingMetadata; client: TableClient }> {
    static override async onAuth(token: string | undefined, _options: unknown, _context: AuthContext): Promise<Identity> {
      if (token === undefined || token === "") throw joinError("auth/unauthorized", "an access token is required");
      const identity = await deps.tokens.verify(token);
      if (identity === null) throw joinError("auth/unauthorized", "invalid or expired access token");
      return identity;
    }

    override state = new TableState();

    private game!: GameState;
    private gameId!: GameId;
    private isPublic = true;
    /** The public table's code in the room directory, or null (private or restored tables). */
    private joinCode: string | null = null;
    private readonly emotes = new EmoteLimiter();
    /** This table may have a `room_directory` row to remove when the room goes. */
    private mayBeListed = false;
    /** The listing last handed to the matchmaker (it is persisted only when it changes). */
    private listed = "";
    private reconnectSeconds = deps.reconnectSeconds;
    private queue: Promise<unknown> = Promise.resolve();
    private readonly seatClients = new Map<SeatIndex, TableClient>();
    private readonly botReservations = new Map<SeatIndex, number>();
    private readonly absenceTimers = new Map<SeatIndex, Delayed>();
    private turnTimer: Delayed | null = null;
    private shuttingDown = false;
    private disposed = false;
    private completionDone = false;

    override async onCreate(rawOptions: unknown): Promise<void> {
      // The state is patched right after each command (see `publish`); the interval only
      // catches presentation-only changes such as `connected`.
      this.patchRate = 250;
      this.registerMessages();
      const restore = restoreOptionsSchema.safeParse(rawOptions);
      if (restore.success && restore.data.restoreKey === deps.restoreKey) {
        await this.restore(restore.data.restoreGameId);
        return;
      }
      const parsed = tableCreateOptionsSchema.safeParse(rawOptions ?? {});
      if (!parsed.success) throw joinError("join/invalid_options", z.prettifyError(parsed.error));
      const options = parsed.data;
      const seats = options.seats ?? DEFAULT_SEATS;
      if ((options.bots ?? 0) > seats) throw joinError("join/invalid_options", "bots must not exceed seats");
      this.isPublic = options.isPublic ?? true;
      if (options.reconnectSeconds !== undefined) this.reconnectSeconds = options.reconnectSeconds;

      const gameId = asGameId(deps.randomUuid());
      const created = deps.engine.createGame({
        gameId,
        config: { seats, turnSeconds: options.turnSeconds ?? DEFAULT_TURN_SECONDS },
        sessionSeed: deps.randomSeed(),
      });
      this.joinCode = this.isPublic ? deps.roomDirectory.newJoinCode() : null;
      await deps.games.createGame({ created, createdAt: deps.now(), ...(this.joinCode === null ? {} : { listing: { joinCode: this.joinCode, isPublic: true } }) });
      this.gameId = gameId;
      this.mayBeListed = this.joinCode !== null;
      this.game = deps.engine.evolve(null, created);
      this.roomId = gameId;
      initTableState(this.state, gameId, seats);
      this.project();
      await this.updateListing();
      this.trackMetrics();
      const bots = options.bots ?? 0;
      if (bots > 0) {
        // Bots join through matchmaking, which needs the room registered: after onCreate.
        this.clock.setTimeout(() => {
          for (let i = 0; i < bots; i++) this.requestBot(null);
        }, 0);
      }
      log.info({ gameId, seats, bots, isPublic: this.isPublic }, "table created");
    }

    /** Rebuilds a game from its log after a restart. */
    private async restore(gameId: string): Promise<void> {
      const events = await deps.eventLog.read(asGameId(gameId));
      this.game = deps.engine.fold(events);
      this.gameId = this.game.gameId;
      this.roomId = this.gameId;
      this.isPublic = false;
      initTableState(this.state, this.gameId, this.game.config.seats);
      this.project();
      this.autoDispose = this.game.phase === "completed";
      // A directory row left by a process that died is removed with this room.
      this.mayBeListed = true;
      await this.updateListing();
      this.trackMetrics();
      log.info({ gameId: this.gameId, events: events.length, phase: this.game.phase }, "table restored from its log");
      if (this.game.phase === "completed") {
        this.clock.setTimeout(() => void this.enqueue(() => this.complete()), 0);
        return;
      }
      this.armTurnTimer();
      this.game.seats.forEach((seat, index) => {
        if (seat.occupant === null) return;
        if (seat.occupant.isBot) {
          const occupant = seat.occupant;
          this.clock.setTimeout(() => {
            void deps.bots
              .accountFor({ playerId: occupant.playerId, displayName: occupant.displayName, isBot: true })
              .then((account) => this.requestBot(index, account))
              .catch((err: unknown) => log.error({ err, gameId: this.gameId }, "cannot reconnect a bot after restore"));
          }, 0);
        } else {
          this.startAbsenceTimer(index);
        }
      });
    }

    override onJoin(client: TableClient, rawOptions: unknown): Promise<void> {
      const identity = identitySchema.parse(client.auth);
      const parsed = tableJoinOptionsSchema.safeParse(rawOptions ?? {});
      if (!parsed.success) return Promise.reject(joinError("join/invalid_options", z.prettifyError(parsed.error)));
      const options = parsed.data;
      if (this.shuttingDown) return Promise.reject(joinError("server/shutting_down", "the server is shutting down"));
      return this.enqueue(async () => {
        if (options.spectate === true) {
          this.attach(client, null, identity);
          return;
        }
        const existing = this.seatOf(identity.playerId);
        if (existing !== null) {
          this.attach(client, existing, identity);
          return;
        }
        if (this.game.phase !== "waiting") {
          throw joinError("table/game_in_progress", "the game has started and you hold no seat here; join with { spectate: true }");
        }
        const seat = options.seat ?? this.firstFreeSeat(identity);
        if (seat === null) throw joinError("table/seat_unavailable", "no free seat");
        const reservation = this.botReservations.get(seat);
        if (reservation !== undefined && reservation > Date.now() && !identity.isBot) {
          throw joinError("table/seat_unavailable", `seat ${seat} is reserved for a bot`);
        }
        const outcome = await this.apply({
          type: "join",
          seat,
          playerId: identity.playerId,
          displayName: identity.displayName,
          isBot: identity.isBot,
        });
        if (!outcome.ok) throw joinError("table/seat_unavailable", `${outcome.code}: ${outcome.message}`);
        this.botReservations.delete(seat);
        this.attach(client, seat, identity);
        await this.maybeAutoStart();
      });
    }

    override onDrop(client: TableClient): void {
      const seat = client.userData?.seat ?? null;
      if (seat === null || this.shuttingDown || this.disposed || this.seatClients.get(seat) !== client) return;
      if (this.game.phase === "completed") return;
      this.setConnected(seat, false);
      this.allowReconnection(client, this.reconnectSeconds).catch(() => {
        // The window ran out: onLeave follows and hands the seat over.
      });
    }

    override onReconnect(client: TableClient): void {
      const seat = client.userData?.seat ?? null;
      if (seat === null) return;
      this.seatClients.set(seat, client);
      this.setConnected(seat, true);
      void this.sendHistory(client, seat);
    }

    /** The current round's events to one client (rooms/history.ts). */
    private async sendHistory(client: TableClient, viewer: Viewer): Promise<void> {
      try {
        client.send("history", roundHistory(await deps.eventLog.read(asGameId(this.gameId)), viewer, (e, v) => deps.engine.redactEvent(e, v)));
      } catch (err) {
        log.warn({ err, gameId: this.gameId }, "cannot send the round's history");
      }
    }

    override async onLeave(client: TableClient, code?: number): Promise<void> {
      const seat = client.userData?.seat ?? null;
      if (seat === null || this.seatClients.get(seat) !== client) return;
      this.seatClients.delete(seat);
      this.setConnected(seat, false);
      if (this.shuttingDown || this.disposed) return;
      const consented = code === CloseCode.CONSENTED;
      await this.enqueue(() => this.vacate(seat, consented ? "left" : "disconnected"));
    }

    override onBeforeShutdown(): void {
      this.shuttingDown = true;
      this.clearTimers();
      void this.queue.then(() => {
        const notice: NoticeMessage = {
          code: "server/shutting_down",
          message: "the server is restarting; rejoin this game by its id in a moment",
        };
        this.broadcast("notice", notice);
        return this.disconnect(CloseCode.SERVER_SHUTDOWN);
      });
    }

    override onDispose(): Promise<unknown> {
      this.disposed = true;
      this.clearTimers();
      deps.metrics.untrack(this);
      return this.queue.then(async () => {
        if (!this.mayBeListed) return;
        try {
          await deps.roomDirectory.remove(this.gameId);
        } catch (err) {
          log.error({ err, gameId: this.gameId }, "cannot remove the room directory row");
        }
      });
    }

    override onUncaughtException(error: Error, methodName: string): void {
      // A join we refused on purpose (bad options, seat taken, …) is the client's answer, not a fault.
      if (methodName === "onJoin" && error.cause instanceof ServerError) {
        log.debug({ gameId: this.gameId, code: error.cause.code, message: error.cause.message }, "join refused");
        return;
      }
      log.error({ err: error, methodName, gameId: this.gameId }, "uncaught room error");
    }

    // -----------------------------------------------------------------------------------------
    // Messages
    // -----------------------------------------------------------------------------------------

    /** Registers every client message handler; validation is ours (zod), never a kick. */
    private registerMessages(): void {
      for (const type of TABLE_CLIENT_MESSAGE_TYPES) {
        this.onMessage(type, (client: TableClient, raw: unknown) => this.onClientMessage(client, type, raw));
      }
      this.onMessage("*", (client: TableClient, type: string | number, raw: unknown) =>
        this.reply(client, {
          ok: false,
          type: String(type),
          id: echoId(raw),
          code: "protocol/unknown_message",
          message: `unknown message type ${JSON.stringify(type)}; expected one of ${TABLE_CLIENT_MESSAGE_TYPES.join(", ")}`,
        }),
      );
    }

    private onClientMessage(client: TableClient, type: TableClientMessageType, raw: unknown): void {
      const id = echoId(raw);
      const fail = (code: ReasonCode, message: string) => this.reply(client, { ok: false, type, id, code, message });
      const seat = client.userData?.seat ?? null;
      switch (type) {
        case "bid": {
          const msg = tableClientMessages.bid.safeParse(raw);
          if (!msg.success) return fail("protocol/invalid_message", z.prettifyError(msg.error));
          if (seat === null) return fail("table/not_seated", "spectators cannot bid");
          return this.command(client, type, id, { type: "bid", seat, bid: msg.data.bid });
        }
        case "play": {
          const msg = tableClientMessages.play.safeParse(raw);
          if (!msg.success) return fail("protocol/invalid_message", z.prettifyError(msg.error));
          if (seat === null) return fail("table/not_seated", "spectators cannot play");
          return this.command(client, type, id, { type: "play", seat, card: msg.data.card });
        }
        case "start": {
          const msg = tableClientMessages.start.safeParse(raw);
          if (!msg.success) return fail("protocol/invalid_message", z.prettifyError(msg.error));
          if (seat === null) return fail("table/not_seated", "only a seated player can start the game");
          return this.command(client, type, id, { type: "start" });
        }
        case "add_bot": {
          const msg = tableClientMessages.add_bot.safeParse(raw);
          if (!msg.success) return fail("protocol/invalid_message", z.prettifyError(msg.error));
          if (seat === null) return fail("table/not_seated", "only a seated player can add a bot");
          void this.enqueue(() => Promise.resolve(this.addBot(msg.data?.seat ?? null))).then((outcome) =>
            this.reply(client, outcome.ok ? { ok: true, type, id } : { ok: false, type, id, code: outcome.code, message: outcome.message }),
          );
          return;
        }
        case "emote": {
          const msg = tableClientMessages.emote.safeParse(raw);
          if (!msg.success) return fail("protocol/invalid_message", z.prettifyError(msg.error));
          const outcome = decideEmote(this.emotes, seat, msg.data.emote, Date.now());
          if (!outcome.ok) return fail(outcome.code, outcome.message);
          this.broadcast("emote", outcome.message);
          return this.reply(client, { ok: true, type, id });
        }
        default: {
          const never: never = type;
          return fail("protocol/unknown_message", `unknown message ${String(never)}`);
        }
      }
    }

    private command(client: TableClient, type: TableClientMessageType, id: string | number | undefined, command: Command): void {
      void this.enqueue(() => this.apply(command)).then(
        (outcome) => this.reply(client, outcome.ok ? { ok: true, type, id, eventIndex: outcome.eventIndex } : { ok: false, type, id, code: outcome.code, message: outcome.message }),
        (err: unknown) => {
          log.error({ err, gameId: this.gameId, command }, "command failed");
          this.reply(client, { ok: false, type, id, code: "server/internal_error", message: "the move could not be recorded; try again" });
        },
      );
    }

    private reply(client: TableClient, result: MoveResult): void {
      client.send("result", result);
    }

    // -----------------------------------------------------------------------------------------
    // The command pipeline
    // -----------------------------------------------------------------------------------------

    /** Counts this table and its connections (seated or watching) in `GET /metrics`. */
    private trackMetrics(): void {
      deps.metrics.track(this, ROOM_NAMES.table, () => {
        let player = 0;
        for (const client of this.clients) if (client.userData?.seat !== null && client.userData?.seat !== undefined) player += 1;
        return { player, spectator: this.clients.length - player };
      });
    }

    /** Runs `task` after every earlier task of this table. */
    private enqueue<T>(task: () => Promise<T>): Promise<T> {
      const run = this.queue.then(task, task);
      this.queue = run.catch(() => undefined);
      return run;
    }

    /** decide -> append (commit) -> evolve -> project -> send. Call only inside the queue. */
    private async apply(command: Command): Promise<Outcome> {
      if (this.shuttingDown) return { ok: false, code: "server/shutting_down", message: "the server is shutting down" };
      const decision = deps.engine.decide(this.game, command);
      if (!decision.ok) return { ok: false, code: decision.rejection.code, message: decision.rejection.message };
      const events = decision.events;
      if (events.length === 0) return { ok: true, eventIndex: this.game.eventCount - 1 };
      const expected = this.game.eventCount;
      const appended = await deps.eventLog.append(this.gameId, events);
      if (appended.firstIndex !== expected) {
        // A second writer: the log and this room disagree. Stop before showing anything.
        log.fatal({ gameId: this.gameId, expected, got: appended.firstIndex }, "event index mismatch: second writer?");
        throw new Error(`event index mismatch for game ${this.gameId}`);
      }
      deps.metrics.commandApplied(command.type);
      for (const event of events) this.game = deps.engine.evolve(this.game, event);
      // The completion transaction commits before anyone is shown the end of the game.
      const changes = this.game.phase === "completed" ? await this.commitCompletion() : null;
      this.armTurnTimer();
      this.publish(events, expected);
      if (changes !== null) await this.applyLadder(changes);
      await this.afterEvents(events);
      return { ok: true, eventIndex: appended.lastIndex };
    }

    /**
     * Projects the new state and sends every event, redacted per receiver, then the patch. Each
     * distinct redaction of an event is encoded once (most events read the same for everyone), and
     * each client's frames of this tick leave in one socket write (rooms/socketCork.ts).
     */
    private publish(events: readonly GameEvent[], firstIndex: number): void {
      this.project();
      const frames = events.map((event, i) => {
        const byViewer = new Map<Viewer, Uint8Array>();
        const byRedaction = new Map<GameEvent, Uint8Array>();
        return (viewer: Viewer): Uint8Array => {
          let bytes = byViewer.get(viewer);
          if (bytes === undefined) {
            const redacted = deps.engine.redactEvent(event, viewer);
            bytes = byRedaction.get(redacted);
            if (bytes === undefined) {
              const message: EventMessage = { index: firstIndex + i, event: redacted };
              bytes = getMessageBytes.raw(Protocol.ROOM_DATA, "event", message);
              byRedaction.set(redacted, bytes);
            }
            byViewer.set(viewer, bytes);
          }
          return bytes;
        };
      });
      for (const client of this.clients) {
        corkUntilNextTick(client);
        const viewer: Viewer = client.userData?.seat ?? "spectator";
        for (const frame of frames) client.enqueueRaw(frame(viewer));
      }
      this.broadcastPatch();
    }

    private async afterEvents(events: readonly GameEvent[]): Promise<void> {
      let seatsChanged = false;
      for (const event of events) {
        switch (event.type) {
          case "player_joined":
          case "player_left":
            seatsChanged = true;
            break;
          case "game_started":
            this.autoDispose = false;
            await deps.games.markStarted(this.gameId, deps.now());
            break;
          case "seat_taken_by_bot": {
            const notice: NoticeMessage = { code: "table/seat_taken_by_bot", seat: event.seat, message: `a bot now plays seat ${event.seat}` };
            this.broadcast("notice", notice);
            break;
          }
          case "game_completed":
          case "game_created":
          case "round_started":
          case "bid_placed":
          case "card_played":
          case "trick_won":
          case "round_scored":
            break;
          default: {
            const never: never = event;
            throw new Error(`unhandled event ${JSON.stringify(never)}`);
          }
        }
      }
      if (seatsChanged && this.joinCode !== null) {
        try {
          await deps.roomDirectory.setPlayers(this.gameId, this.seatedCount());
        } catch (err) {
          log.error({ err, gameId: this.gameId }, "cannot update the room directory's player count");
        }
      }
      await this.updateListing();
    }

    /**
     * Hands the listing to the matchmaker when it changed: only joins, leaves and phase changes
     * change it, so an ordinary move does not write the driver (a Redis HSET with RedisDriver)
     * nor wake the lobby.
     */
    private async updateListing(): Promise<void> {
      const metadata = this.listing();
      const isPrivate = !this.isPublic || this.game.phase !== "waiting";
      // The whole listing is the key, so a field added to it later can never go stale.
      const key = JSON.stringify({ isPrivate, metadata });
      if (key === this.listed) return;
      this.listed = key;
      await this.setMatchmaking({ private: isPrivate, metadata });
    }

    private seatedCount(): number {
      return this.game.seats.filter((s) => s.occupant !== null).length;
    }

    /** The completion transaction (keyed on the game id: a retry applies nothing twice). */
    private async commitCompletion(): Promise<readonly LadderChange[] | null> {
      if (this.completionDone) return null;
      try {
        const changes = await deps.games.completeGame({
          gameId: this.gameId,
          completedAt: deps.now(),
          summary: deps.engine.summarize(this.game),
          deltas: deps.engine.lifetimeDeltas(this.game),
        });
        this.completionDone = true;
        this.autoDispose = true;
        log.info({ gameId: this.gameId, winners: this.game.winners }, "game completed");
        return changes;
      } catch (err) {
        // The log says completed; the restore at the next start retries the transaction.
        log.error({ err, gameId: this.gameId }, "completion transaction failed");
        return null;
      }
    }

    /** After the commit: the ladder cache and its delta on presence. */
    private async applyLadder(changes: readonly LadderChange[]): Promise<void> {
      try {
        await deps.ladder.applyChanges(changes);
      } catch (err) {
        // Committed already; the ladder's drift check repairs its cache.
        log.error({ err, gameId: this.gameId }, "ladder update after completion failed");
      }
    }

    /** Completion of a game restored already completed in its log (the transaction had not run). */
    private async complete(): Promise<void> {
      const changes = await this.commitCompletion();
      if (changes !== null) await this.applyLadder(changes);
    }

    private async maybeAutoStart(): Promise<void> {
      if (this.game.phase !== "waiting") return;
      if (this.game.seats.some((s) => s.occupant === null)) return;
      const outcome = await this.apply({ type: "start" });
      if (!outcome.ok) log.warn({ gameId: this.gameId, code: outcome.code }, "auto-start refused");
    }

    /** A seated player is gone for good (left, or the reconnection window ran out). */
    private async vacate(seat: SeatIndex, reason: "left" | "disconnected"): Promise<void> {
      if (this.seatClients.has(seat)) return; // came back on another connection meanwhile
      const occupant = this.game.seats[seat]?.occupant ?? null;
      if (occupant === null || this.game.phase === "completed") return;
      const left = await this.apply({ type: "leave", seat, reason });
      if (!left.ok) log.warn({ gameId: this.gameId, seat, code: left.code }, "leave refused");
      if (!this.isLive()) return;
      await this.takeOver(seat);
    }

    /** A bot takes a started game's seat over, and a bot client connects to play it. */
    private async takeOver(seat: SeatIndex): Promise<void> {
      let account: BotAccount;
      try {
        account = await deps.bots.createBot();
      } catch (err) {
        log.error({ err, gameId: this.gameId, seat }, "cannot create a bot for a takeover");
        return;
      }
      const outcome = await this.apply({
        type: "replace_with_bot",
        seat,
        botPlayerId: account.identity.playerId,
        botName: account.identity.displayName,
      });
      if (!outcome.ok) {
        log.warn({ gameId: this.gameId, seat, code: outcome.code }, "bot takeover refused");
        return;
      }
      this.requestBot(seat, account);
    }

    private addBot(requested: SeatIndex | null): { ok: true } | { ok: false; code: ReasonCode; message: string } {
      const probe = (seat: SeatIndex) =>
        deps.engine.decide(this.game, { type: "join", seat, playerId: asPlayerId("probe"), displayName: "bot", isBot: true });
      if (requested !== null) {
        const reservation = this.botReservations.get(requested);
        if (reservation !== undefined && reservation > Date.now()) {
          return { ok: false, code: "rules/seat_taken", message: `a bot is already on its way to seat ${requested}` };
        }
        const decision = probe(requested);
        if (!decision.ok) return { ok: false, code: decision.rejection.code, message: decision.rejection.message };
        this.requestBot(requested);
        return { ok: true };
      }
      for (let seat = 0; seat < this.game.config.seats; seat++) {
        const reservation = this.botReservations.get(seat);
        if (reservation !== undefined && reservation > Date.now()) continue;
        const decision = probe(seat);
        if (decision.ok) {
          this.requestBot(seat);
          return { ok: true };
        }
        if (decision.rejection.code !== "rules/seat_taken") {
          return { ok: false, code: decision.rejection.code, message: decision.rejection.message };
        }
      }
      return { ok: false, code: "table/no_free_seat", message: "every seat is taken or promised to a bot" };
    }

    /** Asks the bot manager for a bot client (a seat of null: the first free one). */
    private requestBot(seat: SeatIndex | null, account: BotAccount | null = null): void {
      if (seat !== null && account === null) this.botReservations.set(seat, Date.now() + BOT_RESERVATION_MS);
      deps.botLauncher.launch({ roomId: this.roomId, seat, account });
    }

    // -----------------------------------------------------------------------------------------
    // Seats, timers, projection
    // -----------------------------------------------------------------------------------------

    /** True while the game is being played (started, not completed). */
    private isLive(): boolean {
      return this.game.phase === "bidding" || this.game.phase === "playing";
    }

    private seatOf(playerId: PlayerId): SeatIndex | null {
      const index = this.game.seats.findIndex((s) => s.occupant?.playerId === playerId);
      return index === -1 ? null : index;
    }

    private firstFreeSeat(identity: Identity): SeatIndex | null {
      for (let seat = 0; seat < this.game.config.seats; seat++) {
        const reservation = this.botReservations.get(seat);
        if (!identity.isBot && reservation !== undefined && reservation > Date.now()) continue;
        if (this.game.seats[seat]?.occupant === null) return seat;
      }
      return null;
    }

    private attach(client: TableClient, seat: SeatIndex | null, identity: Identity): void {
      client.userData = { seat, playerId: seat === null ? null : identity.playerId };
      const view = new StateView();
      if (seat !== null) {
        const previous = this.seatClients.get(seat);
        if (previous !== undefined && previous !== client) {
          // The same player on a new connection: the old one becomes a spectator.
          previous.userData = { seat: null, playerId: null };
          previous.view?.dispose();
          previous.view = new StateView();
        }
        this.seatClients.set(seat, client);
        this.absenceTimers.get(seat)?.clear();
        this.absenceTimers.delete(seat);
        const hand = handOf(this.state, seat);
        if (hand !== undefined) view.add(hand);
        this.setConnected(seat, true);
      }
      client.view = view;
      const welcome: WelcomeMessage = {
        gameId: this.gameId,
        role: seat === null ? "spectator" : "player",
        seat,
        playerId: seat === null ? null : identity.playerId,
        eventCount: this.game.eventCount,
        joinCode: this.joinCode,
      };
      client.send("welcome", welcome);
      void this.sendHistory(client, seat ?? "spectator");
    }

    private setConnected(seat: SeatIndex, connected: boolean): void {
      const s = this.state.seats[seat];
      if (s !== undefined) s.connected = connected;
    }

    /** After a restore: a seat nobody reclaims within the window goes to a bot. */
    private startAbsenceTimer(seat: SeatIndex): void {
      this.absenceTimers.get(seat)?.clear();
      this.absenceTimers.set(
        seat,
        this.clock.setTimeout(() => {
          this.absenceTimers.delete(seat);
          if (!this.seatClients.has(seat)) void this.enqueue(() => this.vacate(seat, "disconnected"));
        }, this.reconnectSeconds * 1000),
      );
    }

    private armTurnTimer(): void {
      this.turnTimer?.clear();
      this.turnTimer = null;
      const seat = this.game.turn;
      if (seat === null || this.shuttingDown || (this.game.phase !== "bidding" && this.game.phase !== "playing")) {
        this.state.turnEndsAt = 0;
        return;
      }
      const ms = this.game.config.turnSeconds * 1000;
      this.state.turnEndsAt = Date.now() + ms;
      this.turnTimer = this.clock.setTimeout(() => {
        void this.enqueue(() => this.apply({ type: "timeout", seat })).catch((err: unknown) =>
          log.error({ err, gameId: this.gameId, seat }, "turn timeout failed"),
        );
      }, ms);
    }

    private clearTimers(): void {
      this.turnTimer?.clear();
      this.turnTimer = null;
      for (const timer of this.absenceTimers.values()) timer.clear();
      this.absenceTimers.clear();
    }

    private project(): void {
      projectPublic(this.state, deps.engine.viewFor(this.game, "spectator"));
      this.state.eventCount = this.game.eventCount;
      for (let seat = 0; seat < this.game.config.seats; seat++) {
        const hand = handOf(this.state, seat);
        if (hand !== undefined) projectHand(hand, deps.engine.viewFor(this.game, seat));
      }
    }

    private listing(): TableListingMetadata {
      return {
        gameId: this.gameId,
        seats: this.game.config.seats,
        seated: this.seatedCount(),
        turnSeconds: this.game.config.turnSeconds,
        phase: this.game.phase,
        isPublic: this.isPublic,
        joinCode: this.joinCode,
        round: this.game.round,
        players: this.game.seats.map((x) => x.occupant?.displayName ?? ""),
      };
    }
  };
}
