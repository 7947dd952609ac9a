/**
 * The `lobby` room: the open public tables, in real time (Colyseus's realtime listing over
 * presence), plus the ladder: a snapshot (top 20 per tier) on join, then a delta each time a
 * finished game changes it. Deltas arrive over presence, so they cross processes with Redis.
 */
import { matchMaker, Room, subscribeLobby, type Client } from "@colyseus/core";
import { z } from "zod";
import { ROOM_NAMES, type LadderDeltaMessage, type MoveResult } from "../src/shared/protocol.js";
import type { RoomDeps } from "./ports.js";
import { admitMessage } from "./messageGate.js";
import { RATE_LIMITED_MESSAGE } from "./messageLimits.js";

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

/** Builds the `lobby` room class over the given dependencies. */
export function createLobbyRoom(deps: RoomDeps) {
  const log = deps.logger.child({ room: "lobby" });

  return class LobbyRoom extends Room {
    private readonly tables = new Map<string, TableListing>();
    private unsubscribers: (() => void)[] = [];

    override async onCreate(): Promise<void> {
      // Listed for joinOrCreate (one lobby serves many clients), but never in a lobby itself.
      await this.setMatchmaking({ unlisted: true });
      const admitted = admitMessage(deps.messageLimits, () => this.clock.currentTime, (client: Client, type) => {
        const limited: MoveResult = { ok: false, type, code: "rate_limited", message: RATE_LIMITED_MESSAGE };
        client.send("result", limited);
      });
      this.onMessage("*", (client: Client, type: string | number, raw: unknown) => {
        if (!admitted(client, String(type), raw)) return;
        const result: MoveResult = { ok: false, type: String(type), code: "protocol/unknown_message", message: "the lobby takes no messages" };
        client.send("result", result);
      });
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
      deps.metrics.track(this, ROOM_NAMES.lobby, () => ({ watcher: this.clients.length }));
    }

    override async onJoin(client: Client): Promise<void> {
      client.send("rooms", [...this.tables.values()]);
      try {
        client.send("ladder_snapshot", await deps.ladder.snapshot(LADDER_SNAPSHOT_SIZE));
      } catch (err) {
        log.error({ err }, "ladder snapshot failed");
      }
    }

    override onDispose(): void {
      deps.metrics.untrack(this);
      for (const unsubscribe of this.unsubscribers) unsubscribe();
      this.unsubscribers = [];
    }
  };
}
