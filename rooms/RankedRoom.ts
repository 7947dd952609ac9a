/**
 * The `ranked` room: ranked quick match (docs/PROTOCOL.md, "The ranked room"). A signed-in player
 * joins with `joinOrCreate("ranked")`, is queued at their shown rating, and hears
 * `ranked/searching` (on joining and at each widening of their band). Every RANKED_TICK_MS the
 * queue (src/ladder/rankedQueue.ts, pure: it decides who plays whom) forms tables; for each, this
 * room opens a private ranked `table` on its own process (rooms/table/ranked.ts) with the ranked
 * bots nearest the table's mean rating (src/ladder/botRatings.ts), sends each matched player
 * `ranked/matched` (room id and invitation) and closes their connection. `cancel`, or leaving,
 * takes a player out of the queue.
 *
 * One queue per deployment: the room is found through the matchmaker (`joinOrCreate`), whose
 * driver and create lock are shared by every process when Redis is configured, so every process
 * joins the same room. A second `ranked` room (a direct `create`) is refused.
 */
import { ClientState, CloseCode, matchMaker, Room, type AuthContext, type Client } from "@colyseus/core";
import { z } from "zod";
import { pickBots } from "../src/ladder/botRatings.js";
import { RankedQueue, type FormedTable, type QueueEntry, type SearchStatus } from "../src/ladder/rankedQueue.js";
import { RANKED_CLIENT_MESSAGE_TYPES, ROOM_NAMES, type MoveResult, type RankedCancelledMessage, type ReasonCode, type RankedMatchedMessage, type RankedSearchingMessage } from "../src/shared/protocol.js";
import { identitySchema, type Identity } from "../src/shared/identity.js";
import type { Logger } from "../src/platform/logger.js";
import type { RoomDeps } from "./ports.js";
import { admitMessage } from "./messageGate.js";
import { RATE_LIMITED_MESSAGE } from "./messageLimits.js";
import { admitConnection } from "./admissionGate.js";
import { authenticate, joinError } from "./table/clients.js";
import { rankedTableOptions } from "./table/ranked.js";
import { newInviteCode } from "./privateAccess.js";
import { logRoomException } from "./roomFaults.js";

/** One searching player's connection and the band they were last told (undefined: not told yet). */
interface Searcher {
  readonly client: Client;
  band: number | null | undefined;
}

const openedSchema = z.object({ roomId: z.string() });

/** A matched connection still joining is closed when it has joined: checked this often, this many times. */
const LEAVE_RETRY_MS = 100;
const LEAVE_ATTEMPTS = 100;

/** `ranked/searching` from a queue status. */
function searchingMessage(status: SearchStatus, botFillSeconds: number): RankedSearchingMessage {
  return { rating: status.rating, band: status.band, waitedSeconds: status.waitedSeconds, nextWideningSeconds: status.nextWideningSeconds, botFillSeconds };
}

/** Builds the `ranked` room class over the given dependencies (no module-level state). */
export function createRankedRoom(deps: RoomDeps) {
  return class extends RankedRoom {
    static override async onAuth(token: string | undefined, _options: unknown, _context: AuthContext): Promise<Identity> {
      const identity = await authenticate(deps.tokens, token);
      if (identity.isBot) throw joinError("ranked/bots_not_allowed", "bots are seated by the queue itself");
      return identity;
    }

    constructor() {
      super(deps);
    }
  };
}

/** The `ranked` room over its dependencies; {@link createRankedRoom} binds them. */
export class RankedRoom extends Room {
  private readonly queue: RankedQueue;
  private readonly searchers = new Map<string, Searcher>();
  private readonly log: Logger;
  private readonly settings: RoomDeps["ranked"];

  constructor(private readonly deps: RoomDeps) {
    super();
    this.log = deps.logger.child({ room: "ranked" });
    this.settings = deps.ranked;
    this.queue = new RankedQueue(deps.ranked.queue);
  }

  override async onCreate(): Promise<void> {
    const others = (await matchMaker.query({ name: ROOM_NAMES.ranked })).filter((r) => r.roomId !== this.roomId);
    if (others.length > 0) throw joinError("join/invalid_options", 'there is one ranked queue: join it with joinOrCreate("ranked")');
    await this.setMatchmaking({ unlisted: true });
    this.registerMessages();
    this.clock.setInterval(() => this.tick(), this.settings.tickMs);
    this.deps.metrics.track(this, ROOM_NAMES.ranked, () => ({ searching: this.searchers.size }));
  }

  override async onJoin(client: Client): Promise<void> {
    const identity = identitySchema.parse(client.auth);
    if (this.queue.has(identity.playerId)) throw joinError("ranked/already_queued", "you are already in the ranked queue");
    await admitConnection(this.deps.admission, client);
    const rating = await this.settings.ratings.shownRatingOf(identity.playerId);
    const entry: QueueEntry = { playerId: identity.playerId, rating, enqueuedAt: this.deps.now().getTime() };
    if (!this.queue.enqueue(entry)) throw joinError("ranked/already_queued", "you are already in the ranked queue");
    this.searchers.set(identity.playerId, { client, band: undefined });
    this.tellSearching(identity.playerId, entry.enqueuedAt);
    this.log.debug({ playerId: identity.playerId, rating }, "ranked: queued");
  }

  override async onLeave(client: Client): Promise<void> {
    await this.deps.admission.leave(client.sessionId);
    const playerId = identitySchema.safeParse(client.auth).data?.playerId;
    if (playerId === undefined || this.searchers.get(playerId)?.client !== client) return;
    this.searchers.delete(playerId);
    this.queue.cancel(playerId);
  }

  override onDispose(): void {
    this.deps.metrics.untrack(this);
  }

  override onUncaughtException(error: Error, methodName: string): void {
    logRoomException(this.log, error, methodName, this.roomId);
  }

  /** `cancel` leaves the queue; any other message is `protocol/unknown_message`. Each spends the client's budget. */
  private registerMessages(): void {
    const answer = (client: Client, type: string, code: ReasonCode, message: string) => {
      const result: MoveResult = { ok: false, type, code, message };
      client.send("result", result);
    };
    const admitted = admitMessage(this.deps.messageLimits, () => this.clock.currentTime, (client: Client, type) => answer(client, type, "rate_limited", RATE_LIMITED_MESSAGE));
    this.onMessage("*", (client, type, raw) => {
      if (!admitted(client, String(type), raw)) return;
      if (!RANKED_CLIENT_MESSAGE_TYPES.some((known) => known === type)) return answer(client, String(type), "protocol/unknown_message", "the ranked room takes only `cancel`");
      const playerId = identitySchema.safeParse(client.auth).data?.playerId;
      const status = playerId === undefined ? null : this.queue.status(playerId, this.deps.now().getTime());
      if (playerId === undefined || status === null || this.searchers.get(playerId)?.client !== client) return answer(client, "cancel", "ranked/not_queued", "you are not in the queue (already matched?)");
      this.searchers.delete(playerId);
      this.queue.cancel(playerId);
      const cancelled: RankedCancelledMessage = { waitedSeconds: status.waitedSeconds };
      client.send("ranked/cancelled", cancelled);
      client.leave(CloseCode.CONSENTED);
    });
  }

  /** Sends `ranked/searching` to a queued player whose band changed since they were last told. */
  private tellSearching(playerId: string, now: number): void {
    const searcher = this.searchers.get(playerId);
    const status = this.queue.status(playerId, now);
    if (searcher === undefined || status === null || searcher.band === status.band) return;
    searcher.band = status.band;
    searcher.client.send("ranked/searching", searchingMessage(status, this.settings.queue.botFillSeconds));
  }

  /** Forms the tables due now and tells everyone still searching whose band widened. */
  private tick(): void {
    const now = this.deps.now().getTime();
    for (const table of this.queue.tick(now)) void this.seatTable(table, now);
    for (const playerId of this.searchers.keys()) this.tellSearching(playerId, now);
  }

  /** Opens the table of a formed match and sends its players there; on failure they go back in the queue. */
  private async seatTable(table: FormedTable, now: number): Promise<void> {
    const matched = table.players.map((entry) => ({ entry, searcher: this.searchers.get(entry.playerId) }));
    for (const { entry } of matched) this.searchers.delete(entry.playerId);
    const bots = pickBots(table.humanMean, table.bots);
    const invite = newInviteCode();
    let roomId: string;
    try {
      const opened: unknown = await matchMaker.handleCreateRoom(ROOM_NAMES.table, rankedTableOptions(this.settings.queue.seats, bots, this.deps.restoreKey, invite));
      roomId = openedSchema.parse(opened).roomId;
    } catch (err) {
      this.log.error({ err, players: table.players.length }, "ranked: cannot open a table; its players are queued again");
      return this.requeue(matched);
    }
    this.log.info({ roomId, players: table.players.map((p) => p.playerId), bots: bots.map((b) => b.shown), humanMean: table.humanMean }, "ranked: table opened");
    for (const { entry, searcher } of matched) {
      if (searcher === undefined) continue;
      const message: RankedMatchedMessage = { roomId, invite, seats: this.settings.queue.seats, bots: table.bots, waitedSeconds: Math.floor((now - entry.enqueuedAt) / 1000) };
      searcher.client.send("ranked/matched", message);
      this.leaveWhenJoined(searcher.client, LEAVE_ATTEMPTS);
    }
  }

  /**
   * Closes a matched player's connection once they have acknowledged their join: a message sent
   * before that waits in Colyseus's queue, and closing then would drop it. Tries every
   * {@link LEAVE_RETRY_MS}, then closes anyway.
   */
  private leaveWhenJoined(client: Client, attempts: number): void {
    if (client.state === ClientState.JOINED || attempts <= 0) return client.leave(CloseCode.CONSENTED);
    if (client.state === ClientState.LEAVING) return;
    this.clock.setTimeout(() => this.leaveWhenJoined(client, attempts - 1), LEAVE_RETRY_MS);
  }

  /** Puts matched players whose connection is still here back in the queue, keeping their place. */
  private requeue(matched: readonly { readonly entry: QueueEntry; readonly searcher: Searcher | undefined }[]): void {
    for (const { entry, searcher } of matched) {
      if (searcher === undefined || !this.clients.includes(searcher.client)) continue;
      if (this.queue.enqueue(entry)) this.searchers.set(entry.playerId, searcher);
    }
  }
}
