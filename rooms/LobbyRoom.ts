/**
 * The `lobby` room: the open public tables, in real time (Colyseus's realtime listing over
 * presence), plus the ladder: a snapshot (top 20 per tier) on join, then a delta each time a
 * finished game changes it. Deltas arrive over presence, so they cross processes with Redis.
 */
import { outageLog } from "../src/platform/outageLog.js";
import { matchMaker, Room, subscribeLobby, type AuthContext, type Client } from "@colyseus/core";
import { z } from "zod";
import { ROOM_NAMES, type LadderDeltaMessage, type LiveTable, type MoveResult } from "../src/shared/protocol.js";
import type { RoomDeps } from "./ports.js";
import { admitMessage } from "./messageGate.js";
import { RATE_LIMITED_MESSAGE } from "./messageLimits.js";
import { admitConnection, optionalIdentity } from "./admissionGate.js";
import type { Identity } from "../src/shared/identity.js";

/** One open table as the lobby lists it. */
export interface TableListing {
  readonly roomId: string;
  readonly clients: number;
  readonly metadata: {
    readonly gameId: string;
    readonly seats: number;
    readonly seated: number;
    readonly turnSeconds: number;
    readonly phase: string;
    readonly isPublic: boolean;
    readonly joinCode: string | null;
  };
}

/**
 * How often the lobby looks for live tables. A started table leaves the realtime listing (it is
 * private to the matchmaker, so nobody joins it by code or Play now), so the lobby asks the
 * matchmaker's driver (shared by every process with Redis) instead.
 */
export const LIVE_POLL_MS = 2_000;

/** How many live tables the lobby lists. */
export const LIVE_LIST_SIZE = 20;

const liveListingSchema = z.object({
  roomId: z.string(),
  name: z.string(),
  clients: z.number(),
  metadata: z.object({
    seats: z.number(),
    seated: z.number(),
    phase: z.string(),
    isPublic: z.boolean(),
    round: z.number().catch(0),
    players: z.array(z.string()).catch([]),
  }),
});

/** A live table (a public game in bidding or play) as the lobby lists it, or null. */
export function toLiveTable(raw: unknown): LiveTable | null {
  const parsed = liveListingSchema.safeParse(raw);
  if (!parsed.success) return null;
  const l = parsed.data;
  const live = l.metadata.phase === "bidding" || l.metadata.phase === "playing";
  if (l.name !== ROOM_NAMES.table || !live || !l.metadata.isPublic) return null;
  return {
    roomId: l.roomId,
    seats: l.metadata.seats,
    players: l.metadata.players,
    round: l.metadata.round,
    // Connections beyond the seated players (bots included): a dropped player counts as none.
    spectators: Math.max(0, l.clients - l.metadata.seated),
  };
}

/** How many ladder rows per tier a snapshot holds. */
export const LADDER_SNAPSHOT_SIZE = 20;

const listingSchema = z.object({
  roomId: z.string(),
  name: z.string(),
  clients: z.number(),
  private: z.boolean().optional(),
  metadata: z.object({
    gameId: z.string(),
    seats: z.number(),
    seated: z.number(),
    turnSeconds: z.number(),
    phase: z.string(),
    isPublic: z.boolean(),
    joinCode: z.string().nullable().catch(null),
  }),
});

/** An open table: a public `table` room still waiting for players. */
function toOpenTable(raw: unknown): TableListing | null {
  const parsed = listingSchema.safeParse(raw);
  if (!parsed.success) return null;
  const l = parsed.data;
  if (l.name !== ROOM_NAMES.table || l.private === true || l.metadata.phase !== "waiting" || !l.metadata.isPublic) return null;
  return { roomId: l.roomId, clients: l.clients, metadata: l.metadata };
}

/** The live tables a lobby lists: the most watched first, then the furthest on. */
async function liveTablesNow(): Promise<LiveTable[]> {
  const rooms = await matchMaker.query({ name: ROOM_NAMES.table });
  return rooms
    .map(toLiveTable)
    .filter((t): t is LiveTable => t !== null)
    .sort((a, b) => b.spectators - a.spectators || b.round - a.round || a.roomId.localeCompare(b.roomId))
    .slice(0, LIVE_LIST_SIZE);
}

/** The lobby takes no messages: each spends the client's budget, then is answered `protocol/unknown_message`. */
function refuseMessages(limits: RoomDeps["messageLimits"], now: () => number): (client: Client, type: string | number, raw: unknown) => void {
  const admitted = admitMessage(limits, now, (client: Client, type) => {
    const limited: MoveResult = { ok: false, type, code: "rate_limited", message: RATE_LIMITED_MESSAGE };
    client.send("result", limited);
  });
  return (client, type, raw) => {
    if (!admitted(client, String(type), raw)) return;
    const result: MoveResult = { ok: false, type: String(type), code: "protocol/unknown_message", message: "the lobby takes no messages" };
    client.send("result", result);
  };
}

/** Builds the `lobby` room class over the given dependencies. */
export function createLobbyRoom(deps: RoomDeps) {
  const log = deps.logger.child({ room: "lobby" });

  return class LobbyRoom extends Room {
    private readonly tables = new Map<string, TableListing>();
    private unsubscribers: (() => void)[] = [];
    private live: LiveTable[] = [];
    private liveKey = "[]";

    override async onCreate(): Promise<void> {
      // Listed for joinOrCreate (one lobby serves many clients), but never in a lobby itself.
      await this.setMatchmaking({ unlisted: true });
      this.onMessage("*", refuseMessages(deps.messageLimits, () => this.clock.currentTime));
      const unsubscribeLobby = await subscribeLobby((roomId, listing) => {
        const open = listing === null || listing === undefined ? null : toOpenTable(listing);
        if (open === null) {
          if (this.tables.delete(roomId)) this.broadcast("-", roomId);
        } else {
          this.tables.set(roomId, open);
          this.broadcast("+", [roomId, open]);
        }
      });
      this.unsubscribers.push(unsubscribeLobby);
      const unsubscribeLadder = await deps.ladderFeed.subscribe((delta: LadderDeltaMessage) => this.broadcast("ladder_delta", delta));
      this.unsubscribers.push(unsubscribeLadder);
      for (const room of await matchMaker.query({ name: ROOM_NAMES.table, private: false })) {
        const open = toOpenTable(room);
        if (open !== null) this.tables.set(open.roomId, open);
      }
      await this.refreshLive();
      const poll = setInterval(() => void this.refreshLive(), LIVE_POLL_MS);
      this.unsubscribers.push(() => clearInterval(poll));
      deps.metrics.track(this, ROOM_NAMES.lobby, () => ({ watcher: this.clients.length }));
    }

    /** Re-reads the live tables; broadcasts `live` when the list changed. */
    private async refreshLive(): Promise<void> {
      try {
        const live = await liveTablesNow();
        const key = JSON.stringify(live);
        if (key === this.liveKey) return;
        this.live = live;
        this.liveKey = key;
        this.broadcast("live", live);
      } catch (err) {
        outageLog.warn(log, {}, "cannot list live tables", err);
      }
    }

    /** Anyone may watch the lobby; a token, when sent, counts the connection to its player too. */
    override onAuth(_client: Client, _options: unknown, context: AuthContext): Promise<Identity | true> {
      return optionalIdentity(deps.tokens, context.token);
    }

    override async onJoin(client: Client): Promise<void> {
      await admitConnection(deps.admission, client);
      client.send("rooms", [...this.tables.values()]);
      client.send("live", this.live);
      try {
        client.send("ladder_snapshot", await deps.ladder.snapshot(LADDER_SNAPSHOT_SIZE));
      } catch (err) {
        log.error({ err }, "ladder snapshot failed");
      }
    }

    override onLeave(client: Client): Promise<void> {
      return deps.admission.leave(client.sessionId);
    }

    override onDispose(): void {
      deps.metrics.untrack(this);
      for (const unsubscribe of this.unsubscribers) unsubscribe();
      this.unsubscribers = [];
    }
  };
}
