/**
 * The `table` room: one live game. It keeps the Colyseus hooks, seat and view bookkeeping, and
 * hands messages to the command pipeline (rooms/table/commandPipeline.ts: decide -> append, awaiting
 * the commit -> evolve -> completion -> publish, strictly in order). Timers, listing, directory,
 * bot seats and the completion hand-off live in rooms/table/.
 */
import { CloseCode, matchMaker, Room, type AuthContext } from "@colyseus/core";
import type { GameState, SeatIndex } from "../src/game/types.js";
import { CLOSE_CODES, ROOM_NAMES, TABLE_CLIENT_MESSAGE_TYPES, type TableListingMetadata, type WelcomeMessage } from "../src/shared/protocol.js";
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
import { listingOf, TableDirectoryRow } from "./table/listing.js";
import { TablePublication } from "./table/publication.js";
import { tableMessageHandlers, type MessageContext } from "./table/messageHandling.js";
import { TableTimers } from "./table/timers.js";
import { joinRequest, parseJoinOptions, restoreOptionsSchema, tableNotices } from "./table/lifecycle.js";
import { SeatHandover } from "./table/seatHandover.js";
import { SeatConnections } from "./table/seatConnections.js";
import { loadSeatCosmetics, recordTableEvent } from "./table/seatCosmetics.js";
import { restLeave, restSeatCheck } from "./table/restEntry.js";
import { TableAccess } from "./table/access.js";
import { EmoteLimiter } from "./emotes.js";
import { sendHistory } from "./history.js";
import { logRoomException } from "./roomFaults.js";
import { PlayAgain, waitForPlayers } from "./table/playAgain.js";
import { stampCreator, type TableLease } from "./admission.js";
import { admitConnection } from "./admissionGate.js";
import { createLimitedTable, leaseBotCounting } from "./table/tableLimits.js";

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
  private access = TableAccess.restored({ inviteCode: null, ranked: false });
  private publication!: TablePublication;
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
  /** Another process took the table over (its lease): this room closes without writing anything. */
  private lost = false;
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
    const room = { pipeline: () => this.pipeline, roomId: () => this.roomId, isConnected: (seat: SeatIndex) => this.connections.has(seat), ...leaseBotCounting(deps.admission, () => this.tableLease) };
    this.seats = new SeatHandover({ ...room, engine: deps.engine, bots: deps.bots, launcher: deps.botLauncher, reservations: this.reservations, log: this.log });
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
    this.access = TableAccess.created(table);
    this.reconnectSeconds = table.reconnectSeconds ?? this.reconnectSeconds;
    if (!table.hasCreator) waitForPlayers({ setTimeout: (cb, ms) => this.clock.setTimeout(cb, ms), game: () => this.game, setAutoDispose: (on) => (this.autoDispose = on), close: () => void this.disconnect() });
    this.open(this.deps.engine.evolve(null, created), this.access.joinCode !== null);
    await recordTableEvent(this.deps.seasonSeats, { type: "GAME_CREATED", playerId: null, payload: { _v: 1, gameId: created.gameId, seats: created.config.seats, bots, isPublic: this.access.isPublic } }, this.log);
    await this.publication.updateListing();
    this.seats.promiseBots(created.config.seats, bots, (fn) => this.clock.setTimeout(fn, 0), table.ranked?.bots);
    if (table.ranked !== null) this.clock.setTimeout(() => void this.pipeline.enqueue(() => Promise.resolve(this.seats.fillNoShows())), this.deps.ranked.noShowMs);
    this.log.info({ gameId: created.gameId, seats: created.config.seats, bots, isPublic: this.access.isPublic, ranked: table.ranked !== null }, "table created");
  }

  /** Rebuilds a game from its log after a restart. */
  private async restore(gameId: string): Promise<void> {
    // This process may have hosted the game before (then another took it over): seed afresh.
    try {
      this.deps.eventLog.forget(asGameId(gameId));
    } catch (err) {
      this.log.warn({ err, gameId }, "the event log still has appends of this game in flight");
    }
    const events = await this.deps.eventLog.readAll(asGameId(gameId));
    this.access = TableAccess.restored(await this.deps.games.accessOf(asGameId(gameId)));
    // A directory row left by a process that died is removed with this room.
    this.open(this.deps.engine.fold(events), true);
    this.autoDispose = this.game.phase === "completed";
    await loadSeatCosmetics(this.state, this.game.gameId, this.deps.seasonSeats, this.log);
    await this.publication.updateListing();
    this.log.info({ gameId: this.game.gameId, events: events.length, phase: this.game.phase }, "table restored from its log");
    if (this.game.phase === "completed") {
      this.clock.setTimeout(() => void this.pipeline.enqueue(() => this.complete(this.game)), 0);
      return;
    }
    this.armTurnTimer(this.game);
    // A seat nobody reclaimed within the window goes to a bot (vacate skips a seat whose player is back).
    const awaitPerson = (seat: SeatIndex) => this.timers.startAbsence(seat, this.reconnectSeconds, () => void this.pipeline.enqueue(() => this.seats.vacate(seat, "disconnected")));
    this.seats.resume((fn) => this.clock.setTimeout(fn, 0), awaitPerson);
  }

  /** Starts the pipeline over `game`, projects it and counts the table in the metrics. */
  private open(game: GameState, mayBeListed: boolean): void {
    const { engine, eventLog, metrics } = this.deps;
    this.pipeline = new CommandPipeline(game, {
      ...{ engine, eventLog, metrics, log: this.log },
      completion: { handOff: (finished) => this.complete(finished) },
      timers: { rearm: (next) => this.armTurnTimer(next) },
      publisher: { publish: (events, firstIndex, next) => this.publication.publish(events, firstIndex, next) },
      afterPublish: (events) => this.publication.after(events, this.game),
      onFenced: () => this.moved(),
    });
    this.roomId = game.gameId;
    this.deps.hostedTables?.set(game.gameId, this);
    this.directory = new TableDirectoryRow(this.deps.roomDirectory, this.log, game.gameId, this.access.joinCode !== null, mayBeListed);
    this.publication = new TablePublication({
      ...{ deps: this.deps, state: this.state, log: this.log, directory: this.directory, clients: () => this.clients },
      ...{ broadcastPatch: () => this.broadcastPatch(), notify: (notice) => this.broadcast("notice", notice), started: () => (this.autoDispose = false) },
      listing: () => listingOf(this.game, this.access.isPublic, this.access.joinCode, this.reservations.openSeat(this.game) !== null),
      setMatchmaking: (listing) => this.setMatchmaking({ private: listing.private, metadata: listing.metadata }),
    });
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
      this.access.admit(this.game, identity, parsed.options.invite);
      const request = joinRequest(parsed.options, identity, this.game, this.reservations, client.sessionId);
      if (!request.ok) throw joinError(request.code, request.detail);
      if (request.kind !== "sit") return this.attach(client, request.seat, identity);
      const join = { type: "join", seat: request.seat, playerId: identity.playerId, displayName: identity.displayName, isBot: identity.isBot, clientSeed: parsed.options.clientSeed ?? null } as const;
      await this.seats.sit(join, client.sessionId, this.seatReservationTimeout * 1000);
      this.attach(client, request.seat, identity);
      await this.seats.startWhenFull();
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
    if (this.deps.hostedTables?.get(this.roomId) === this) this.deps.hostedTables.delete(this.roomId);
    if (this.tableLease !== null) void this.deps.admission.closeTable(this.tableLease);
    // A room whose onCreate failed has no pipeline and no directory row; a lost table's row is its new host's.
    if (this.pipeline === undefined) return Promise.resolve();
    return this.pipeline.close().then(() => (this.lost ? undefined : this.directory.remove()));
  }

  /**
   * Another process owns this game now (its appends were fenced, or the lease sweep found it
   * claimed): refuse everything, stop the timers, close every client with
   * {@link CLOSE_CODES}.TABLE_MOVED (they rejoin by game id on the new host) and go, writing nothing.
   */
  moved(): void {
    if (this.lost || this.disposed) return;
    this.lost = true;
    this.shuttingDown = true;
    this.pipeline.stop();
    this.timers.clearAll();
    this.autoDispose = true;
    void this.disconnect(CLOSE_CODES.TABLE_MOVED);
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
    if (held) this.clock.setTimeout(() => void this.publication.updateListing(), ttlMs + 50);
    await this.publication.updateListing();
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

  /** REST leave (rooms/table/restEntry.ts): false when the person holds no seat in a game being played. */
  restLeave(playerId: string): Promise<boolean> {
    const leaveConnection = (seat: number) => {
      const client = this.connections.clientOf(seat);
      client?.leave(CloseCode.CONSENTED);
      return client !== undefined;
    };
    return restLeave(this.game, playerId, { leaveConnection, vacate: (seat) => this.pipeline.enqueue(() => this.seats.vacate(seat, "left")) });
  }

  /** Achievements the completion of this table's game unlocked (src/app/achievementNotices.ts, via remoteRoomCall). */
  announceAchievements(unlocks: readonly PlayerUnlock[]): number {
    return announceUnlocks(this.clients, unlocks);
  }

  /** Every client message spends the client's budget, then goes through the one table of schemas and handlers. */
  private registerMessages(): void {
    // Built once per room, not per message (this runs on every move); the pipeline exists once onCreate ran.
    const context = (): MessageContext => (this.messageContext ??= { pipeline: this.pipeline, seats: this.seats, emotes: this.emotes, log: this.log, now: this.deps.now, after: (ms, fn) => { const t = this.clock.setTimeout(fn, ms); return () => t.clear(); }, broadcastEmote: (message) => this.broadcast("emote", message), playAgain: () => this.playAgain() });
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

  private attach(client: TableClient, seat: SeatIndex | null, identity: Identity): void {
    this.connections.attach(client, seat, identity.playerId);
    if (seat !== null) {
      this.deps.sessionOwners.bind(client.sessionId, identity.playerId);
      this.timers.clearAbsence(seat);
    }
    const welcome: WelcomeMessage = { gameId: this.game.gameId, role: seat === null ? "spectator" : "player", seat, playerId: seat === null ? null : identity.playerId, eventCount: this.game.eventCount, ...this.access.welcomeFields(seat !== null) };
    client.send("welcome", welcome);
    void sendHistory(client, seat ?? "spectator", this.game.gameId, this.deps, this.log);
  }
}
