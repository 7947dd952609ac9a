/**
 * The `table` room: one live game. It keeps the Colyseus hooks, seat and view bookkeeping, and
 * hands messages to the command pipeline (rooms/table/commandPipeline.ts: decide -> append, awaiting
 * the commit -> evolve -> completion -> publish, strictly in order). Timers, listing, directory,
 * bot seats and the completion hand-off live in rooms/table/.
 */
import { CloseCode, matchMaker, Room, type AuthContext } from "@colyseus/core";
import type { GameEvent, GameState, SeatIndex } from "../src/game/types.js";
import { ROOM_NAMES, TABLE_CLIENT_MESSAGE_TYPES, type TableListingMetadata, type WelcomeMessage } from "../src/shared/protocol.js";
import { asGameId, identitySchema } from "../src/shared/identity.js";
import { TableState } from "../src/shared/schema/TableState.js";
import type { Logger } from "../src/platform/logger.js";
import type { Identity, RoomDeps } from "./ports.js";
import { initTableState, projectGame } from "./projection.js";
import { announceUnlocks, type PlayerUnlock } from "./table/achievements.js";
import { BotReservations } from "./table/botSeats.js";
import { authenticate, censusOf, joinError, type TableClient } from "./table/clients.js";
import { CommandPipeline } from "./table/commandPipeline.js";
import { CompletionHandoff } from "./table/completionHandoff.js";
import { sendEvents } from "./table/eventFrames.js";
import { ListingTracker, listingOf, TableDirectoryRow } from "./table/listing.js";
import { tableMessageHandlers, type MessageContext } from "./table/messageHandling.js";
import { TableTimers } from "./table/timers.js";
import { followUpsOf, joinRequest, parseJoinOptions, restoreOptionsSchema, tableNotices } from "./table/lifecycle.js";
import { SeatHandover, type SeatHandoverPorts } from "./table/seatHandover.js";
import { SeatConnections } from "./table/seatConnections.js";
import { loadSeatCosmetics, recordTableEvent, updateSeatCosmetics } from "./table/seatCosmetics.js";
import { restSeatCheck } from "./table/restEntry.js";
import { decidePrivateAccess } from "./privateAccess.js";
import { EmoteLimiter } from "./emotes.js";
import { sendHistory } from "./history.js";
import { logRoomException } from "./roomFaults.js";
import { PlayAgain, waitForPlayers } from "./table/playAgain.js";
import { stampCreator, type TableLease } from "./admission.js";
import { admitConnection } from "./admissionGate.js";
import { createLimitedTable } from "./table/tableLimits.js";

export type { TableClient, TableUserData } from "./table/clients.js";

/** The matchmaking filter: `join("table", { joinCode })` finds the open public table listed under that code. */
export const JOIN_CODE_FILTER = ["joinCode"] as const;

/** Builds the `table` room class over the given dependencies (no module-level state). */
export function createTableRoom(deps: RoomDeps) {
  return class extends TableRoom {
    static override async onAuth(token: string | undefined, options: unknown, _context: AuthContext): Promise<Identity> {
      const identity = await authenticate(deps.tokens, token);
      // A `create` runs onCreate with these options next: the table is counted to this player.
      stampCreator(options, identity.playerId);
      return identity;
    }

    constructor() {
      super(deps);
    }
  };
}

/** The `table` room over its dependencies; {@link createTableRoom} binds them. */
export class TableRoom extends Room<{ state: TableState; metadata: TableListingMetadata; client: TableClient }> {
  override state = new TableState();
  private readonly log: Logger;
  /** Set by onCreate (a new game or a restored one). */
  private pipeline!: CommandPipeline;
  private directory!: TableDirectoryRow;
  private isPublic = true;
  /** The public table's code in the room directory, or null (private or restored tables). */
  private joinCode: string | null = null;
  /** A private table's invitation secret (rooms/privateAccess.ts), null for a public one. */
  private inviteCode: string | null = null;
  /** The creator's join has not happened yet (it needs no invitation). */
  private awaitingCreator = false;
  private readonly listing = new ListingTracker();
  private readonly emotes = new EmoteLimiter();
  private reconnectSeconds: number;
  private readonly connections: SeatConnections;
  private readonly reservations: BotReservations;
  private readonly timers: TableTimers;
  private readonly handoff: CompletionHandoff;
  private readonly seats: SeatHandover;
  private readonly again: PlayAgain;
  private shuttingDown = false;
  private disposed = false;
  private messageContext: MessageContext | undefined;
  /** What this table holds against its creator's limits (rooms/admission.ts), until it goes. */
  private tableLease: TableLease | null = null;

  constructor(private readonly deps: RoomDeps) {
    super();
    this.log = deps.logger.child({ room: "table" });
    this.connections = new SeatConnections(this.state);
    this.reconnectSeconds = deps.reconnectSeconds;
    this.reservations = new BotReservations(deps.now);
    this.timers = new TableTimers({ setTimeout: (callback, ms) => this.clock.setTimeout(callback, ms) }, deps.now);
    this.handoff = new CompletionHandoff(deps, this.log);
    // On this process: the invitation travels under this process's restore key.
    this.again = new PlayAgain((options) => matchMaker.handleCreateRoom(ROOM_NAMES.table, options), deps.restoreKey);
    const room = { pipeline: () => this.pipeline, roomId: () => this.roomId, isConnected: (seat: SeatIndex) => this.connections.has(seat), ...this.botCounting() };
    this.seats = new SeatHandover({ ...room, engine: deps.engine, bots: deps.bots, launcher: deps.botLauncher, reservations: this.reservations, log: this.log });
  }

  /** `add_bot` bots count against the creator's bots limit with the table's lease (none: a restored table). */
  private botCounting(): Pick<SeatHandoverPorts, "countBot" | "uncountBot"> {
    return {
      countBot: async () => {
        const refused = this.tableLease === null ? null : await this.deps.admission.addBots(this.tableLease, 1);
        return refused === null ? null : { ok: false, code: refused.code, message: refused.detail };
      },
      uncountBot: () => (this.tableLease === null ? Promise.resolve() : this.deps.admission.removeBots(this.tableLease, 1)),
    };
  }

  private get game(): GameState {
    return this.pipeline.state;
  }

  override async onCreate(rawOptions: unknown): Promise<void> {
    this.patchRate = 250; // state is patched after each command (`publish`); this catches `connected` changes
    this.registerMessages();
    const restore = restoreOptionsSchema.safeParse(rawOptions);
    if (restore.success && restore.data.restoreKey === this.deps.restoreKey) return this.restore(restore.data.restoreGameId);
    const { table, lease } = await createLimitedTable(this.deps, rawOptions);
    this.tableLease = lease;
    const { created, bots } = table;
    ({ isPublic: this.isPublic, joinCode: this.joinCode, inviteCode: this.inviteCode, reconnectSeconds: this.reconnectSeconds = this.reconnectSeconds } = table);
    this.awaitingCreator = table.hasCreator;
    if (!table.hasCreator) waitForPlayers({ setTimeout: (cb, ms) => this.clock.setTimeout(cb, ms), game: () => this.game, setAutoDispose: (on) => (this.autoDispose = on), close: () => void this.disconnect() });
    this.open(this.deps.engine.evolve(null, created), this.joinCode !== null);
    await recordTableEvent(this.deps.seasonSeats, { type: "GAME_CREATED", playerId: null, payload: { _v: 1, gameId: created.gameId, seats: created.config.seats, bots, isPublic: this.isPublic } }, this.log);
    await this.updateListing();
    // The last `bots` seats are promised to bots now, so quick play never hands them out; bots
    // join through matchmaking, which needs the room registered: after onCreate.
    const botSeats = Array.from({ length: bots }, (_, i) => created.config.seats - 1 - i);
    botSeats.forEach((seat) => this.reservations.reserve(seat));
    if (bots > 0) this.clock.setTimeout(() => botSeats.forEach((seat) => this.seats.requestBot(seat)), 0);
    this.log.info({ gameId: created.gameId, seats: created.config.seats, bots, isPublic: this.isPublic }, "table created");
  }

  /** Rebuilds a game from its log after a restart. */
  private async restore(gameId: string): Promise<void> {
    const events = await this.deps.eventLog.readAll(asGameId(gameId));
    this.inviteCode = await this.deps.games.inviteCode(asGameId(gameId));
    this.isPublic = this.inviteCode === null;
    // A directory row left by a process that died is removed with this room.
    this.open(this.deps.engine.fold(events), true);
    this.autoDispose = this.game.phase === "completed";
    await loadSeatCosmetics(this.state, this.game.gameId, this.deps.seasonSeats, this.log);
    await this.updateListing();
    this.log.info({ gameId: this.game.gameId, events: events.length, phase: this.game.phase }, "table restored from its log");
    if (this.game.phase === "completed") {
      this.clock.setTimeout(() => void this.pipeline.enqueue(() => this.complete(this.game)), 0);
      return;
    }
    this.armTurnTimer(this.game);
    this.game.seats.forEach(({ occupant }, seat) => {
      if (occupant === null) return;
      if (occupant.isBot) this.clock.setTimeout(() => void this.seats.reconnectBot(seat, occupant), 0);
      // A seat nobody reclaimed within the window goes to a bot (vacate skips a seat whose player is back).
      else this.timers.startAbsence(seat, this.reconnectSeconds, () => void this.pipeline.enqueue(() => this.seats.vacate(seat, "disconnected")));
    });
  }

  /** Starts the pipeline over `game`, projects it and counts the table in the metrics. */
  private open(game: GameState, mayBeListed: boolean): void {
    const { engine, eventLog, metrics } = this.deps;
    this.pipeline = new CommandPipeline(game, {
      ...{ engine, eventLog, metrics, log: this.log },
      completion: { handOff: (finished) => this.complete(finished) },
      timers: { rearm: (next) => this.armTurnTimer(next) },
      publisher: { publish: (events, firstIndex, next) => this.publish(events, firstIndex, next) },
      afterPublish: (events) => this.afterPublish(events),
    });
    this.roomId = game.gameId;
    this.directory = new TableDirectoryRow(this.deps.roomDirectory, this.log, game.gameId, this.joinCode !== null, mayBeListed);
    initTableState(this.state, game.gameId, game.config.seats);
    projectGame(this.state, game, this.deps.engine);
    this.deps.metrics.track(this, ROOM_NAMES.table, () => censusOf(this.clients));
  }

  override async onJoin(client: TableClient, rawOptions: unknown): Promise<void> {
    await admitConnection(this.deps.admission, client);
    const identity = identitySchema.parse(client.auth);
    const parsed = parseJoinOptions(rawOptions);
    if (!parsed.ok) return Promise.reject(joinError(parsed.code, parsed.detail));
    if (this.shuttingDown) return Promise.reject(joinError("server/shutting_down", "the server is shutting down"));
    return this.pipeline.enqueue(async () => {
      const isCreator = this.awaitingCreator && !identity.isBot;
      const seatedHere = this.game.seats.some((s) => s.occupant?.playerId === identity.playerId);
      const access = decidePrivateAccess({ inviteCode: this.inviteCode, identity, seatedHere, isCreator, presented: parsed.options.invite });
      if (!access.ok) throw joinError("table/invitation_required", access.detail);
      if (isCreator) this.awaitingCreator = false;
      const request = joinRequest(parsed.options, identity, this.game, this.reservations, client.sessionId);
      if (!request.ok) throw joinError(request.code, request.detail);
      if (request.kind !== "sit") return this.attach(client, request.seat, identity);
      // Held while the join is written, so quick play cannot hand the seat out meanwhile.
      this.reservations.hold(client.sessionId, request.seat, this.seatReservationTimeout * 1000);
      const join = { type: "join", seat: request.seat, playerId: identity.playerId, displayName: identity.displayName, isBot: identity.isBot, clientSeed: parsed.options.clientSeed ?? null } as const;
      const outcome = await this.pipeline.apply(join).finally(() => this.reservations.releaseHold(client.sessionId));
      if (!outcome.ok) throw joinError("table/seat_unavailable", `${outcome.code}: ${outcome.message}`);
      this.reservations.release(request.seat);
      this.attach(client, request.seat, identity);
      if (this.game.phase === "waiting" && this.game.seats.every((s) => s.occupant !== null)) {
        const started = await this.pipeline.apply({ type: "start" });
        if (!started.ok) this.log.warn({ gameId: this.game.gameId, code: started.code }, "auto-start refused");
      }
    });
  }

  override onDrop(client: TableClient): void {
    const seat = client.userData?.seat ?? null;
    if (seat === null || this.shuttingDown || this.disposed || !this.connections.isCurrent(seat, client) || this.game.phase === "completed") return;
    this.connections.setConnected(seat, false);
    // When the window runs out, onLeave follows and hands the seat over.
    this.allowReconnection(client, this.reconnectSeconds).catch(() => undefined);
  }

  override onReconnect(client: TableClient): void {
    const seat = client.userData?.seat ?? null;
    if (seat === null) return;
    this.connections.reconnected(seat, client);
    void sendHistory(client, seat, this.game.gameId, this.deps, this.log);
  }

  override async onLeave(client: TableClient, code?: number): Promise<void> {
    this.deps.sessionOwners.release(client.sessionId);
    void this.deps.admission.leave(client.sessionId);
    const seat = client.userData?.seat ?? null;
    if (seat === null || !this.connections.detach(seat, client)) return;
    if (this.shuttingDown || this.disposed) return;
    await this.pipeline.enqueue(() => this.seats.vacate(seat, code === CloseCode.CONSENTED ? "left" : "disconnected"));
  }

  override onBeforeShutdown(): void {
    this.shuttingDown = true;
    this.pipeline.stop();
    this.timers.clearAll();
    void this.pipeline.idle().then(() => {
      this.broadcast("notice", tableNotices.shuttingDown);
      return this.disconnect(CloseCode.SERVER_SHUTDOWN);
    });
  }

  override onDispose(): Promise<unknown> {
    this.disposed = true;
    this.timers.clearAll();
    this.deps.metrics.untrack(this);
    if (this.tableLease !== null) void this.deps.admission.closeTable(this.tableLease);
    // A room whose onCreate failed has no pipeline and no directory row.
    return this.pipeline === undefined ? Promise.resolve() : this.pipeline.close().then(() => this.directory.remove());
  }

  override onUncaughtException(error: Error, methodName: string): void {
    logRoomException(this.log, error, methodName, this.roomId);
  }

  /**
   * Quick play (src/app/quickPlay.ts) asks this before handing out a caller's seat reservation:
   * hold an open seat for that session, or say no, and the matchmaker tries another table or opens
   * a new one. A table with no open seat leaves matchmaking until the hold runs out.
   */
  async holdSeat(sessionId: string): Promise<boolean> {
    const ttlMs = this.seatReservationTimeout * 1000;
    const held = !this.shuttingDown && !this.disposed && this.reservations.holdOpenSeat(this.game, sessionId, ttlMs);
    if (held) this.clock.setTimeout(() => void this.updateListing(), ttlMs + 50);
    await this.updateListing();
    return held;
  }

  /** Whether `playerId` holds a seat in a game being played (the waitlist asks, via remoteRoomCall). */
  holdsLiveSeat(playerId: string): boolean {
    return (this.game.phase === "bidding" || this.game.phase === "playing") && this.game.seats.some((s) => s.occupant?.playerId === playerId);
  }

  /** REST join (src/app/tableEntry.ts): null when `playerId` can be seated now, else why not. */
  restSeatCheck(playerId: string, seat: number | null): ReturnType<typeof restSeatCheck> {
    return restSeatCheck(this.game, this.reservations, playerId, seat);
  }

  /** REST leave: the person leaves their seat as a consented leave would; false when they hold none. */
  async restLeave(playerId: string): Promise<boolean> {
    const seat = this.game.seats.findIndex((s) => s.occupant?.playerId === playerId && !s.away);
    if (seat === -1 || this.game.phase === "completed") return false;
    const client = this.connections.clientOf(seat);
    if (client !== undefined) client.leave(CloseCode.CONSENTED);
    else await this.pipeline.enqueue(() => this.seats.vacate(seat, "left"));
    return true;
  }

  /** Achievements the completion of this table's game unlocked (src/app/achievementNotices.ts, via remoteRoomCall). */
  announceAchievements(unlocks: readonly PlayerUnlock[]): number {
    return announceUnlocks(this.clients, unlocks);
  }

  /** Every client message spends the client's budget, then goes through the one table of schemas and handlers. */
  private registerMessages(): void {
    // Built once per room, not per message (this runs on every move); the pipeline exists once onCreate ran.
    const context = (): MessageContext => (this.messageContext ??= { pipeline: this.pipeline, seats: this.seats, emotes: this.emotes, log: this.log, now: this.deps.now, broadcastEmote: (message) => this.broadcast("emote", message), playAgain: () => this.playAgain() });
    const handlers = tableMessageHandlers(this.deps.messageLimits, () => this.clock.currentTime, context);
    for (const type of TABLE_CLIENT_MESSAGE_TYPES) this.onMessage(type, handlers.known(type));
    this.onMessage("*", handlers.unknown);
  }

  /** `play_again`: the next table (rooms/table/playAgain.ts), told to every seated player. */
  private playAgain(): ReturnType<PlayAgain["request"]> {
    return this.again.request(this.game, this.reconnectSeconds, (next) => this.connections.forEachClient((c) => c.send("play_again", next)));
  }

  /** The completion hand-off; once it committed, the room goes when its last client leaves. */
  private async complete(game: GameState): Promise<void> {
    if (await this.handoff.handOff(game)) this.autoDispose = true;
  }

  private armTurnTimer(game: GameState): void {
    this.state.turnEndsAt = this.timers.armTurn(game, this.shuttingDown, (seat) => {
      void this.pipeline.submit({ type: "timeout", seat }).catch((err: unknown) => this.log.error({ err, gameId: game.gameId, seat }, "turn timeout failed"));
    });
  }

  /** Projects the new state, sends every event redacted per receiver, then the patch. */
  private publish(events: readonly GameEvent[], firstIndex: number, game: GameState): void {
    projectGame(this.state, game, this.deps.engine);
    sendEvents(this.clients, (client) => client.userData?.seat ?? "spectator", events, firstIndex, this.deps.engine);
    this.broadcastPatch();
  }

  private async afterPublish(events: readonly GameEvent[]): Promise<void> {
    const followUps = followUpsOf(events);
    if (followUps.started) {
      this.autoDispose = false;
      await this.deps.games.markStarted(this.game.gameId, this.deps.now());
    }
    for (const notice of followUps.notices) this.broadcast("notice", notice);
    if (followUps.seatsChanged) await this.directory.setPlayers(this.game);
    await updateSeatCosmetics(this.state, this.game.gameId, events, this.deps.seasonSeats, this.log);
    await this.updateListing();
  }

  /** Hands the listing to the matchmaker when it changed (rooms/table/listing.ts). */
  private async updateListing(): Promise<void> {
    const listing = listingOf(this.game, this.isPublic, this.joinCode, this.reservations.openSeat(this.game) !== null);
    if (this.listing.changed(listing)) await this.setMatchmaking({ private: listing.private, metadata: listing.metadata });
  }

  private attach(client: TableClient, seat: SeatIndex | null, identity: Identity): void {
    this.connections.attach(client, seat, identity.playerId);
    if (seat !== null) {
      this.deps.sessionOwners.bind(client.sessionId, identity.playerId);
      this.timers.clearAbsence(seat);
    }
    const welcome: WelcomeMessage = { gameId: this.game.gameId, role: seat === null ? "spectator" : "player", seat, playerId: seat === null ? null : identity.playerId, eventCount: this.game.eventCount, joinCode: this.joinCode, invite: seat === null ? null : this.inviteCode };
    client.send("welcome", welcome);
    void sendHistory(client, seat ?? "spectator", this.game.gameId, this.deps, this.log);
  }
}
