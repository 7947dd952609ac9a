/**
 * The decisions of a table's lifecycle that need no Colyseus: creating a table, the restore
 * options, what a join asks for, what the room does after particular events, and the notices it sends.
 */
import { z } from "zod";
import { chooseClientSeed } from "../clientSeed.js";
import { DEFAULT_SEATS, DEFAULT_TURN_SECONDS, type GameCreatedEvent, type GameEvent, type GameState, type SeatIndex } from "../../src/game/types.js";
import { asGameId, type Identity } from "../../src/shared/identity.js";
import { tableCreateOptionsSchema, tableJoinOptionsSchema, type JoinErrorCode, type NoticeMessage, type TableJoinOptions } from "../../src/shared/protocol.js";
import type { RoomDeps } from "../ports.js";
import type { BotReservations } from "./botSeats.js";
import { newInviteCode } from "../privateAccess.js";
import { creatorJoinRefusal, type ParsedJoinOptions } from "./creatorJoin.js";
import { playAgainOptionsSchema } from "./playAgain.js";
import { rankedOf, type RankedTable } from "./ranked.js";

/** Options that only the server's own restore path can produce (it knows the restore key). */
export const restoreOptionsSchema = z.object({ restoreGameId: z.string().uuid(), restoreKey: z.string().min(16) });

/** A new table, created in storage (or why the create options are refused). */
export type CreatedTable =
  | {
      readonly ok: true;
      readonly created: GameCreatedEvent;
      readonly isPublic: boolean;
      readonly joinCode: string | null;
      /** A private table's invitation secret (rooms/privateAccess.ts), null for a public one. */
      readonly inviteCode: string | null;
      readonly bots: number;
      readonly reconnectSeconds: number | undefined;
      /**
       * A client's `create` made it, so its first human join is the creator's (no invitation
       * needed). False for a "play again" table, which the server opened: everyone needs the invitation.
       */
      readonly hasCreator: boolean;
      /** A table the ranked queue opened (rooms/table/ranked.ts), else null. */
      readonly ranked: RankedTable | null;
    }
  | { readonly ok: false; readonly code: JoinErrorCode; readonly detail: string };

/**
 * Parses the create options and writes the new game (and a public table's directory row). Options
 * that would refuse the table, or the creator's own join, are refused before anything is written.
 */
export async function createTable(deps: Pick<RoomDeps, "engine" | "games" | "roomDirectory" | "now" | "randomUuid" | "randomSeed" | "restoreKey">, rawOptions: unknown): Promise<CreatedTable> {
  const parsed = tableCreateOptionsSchema.safeParse(rawOptions ?? {});
  if (!parsed.success) return { ok: false, code: "join/invalid_options", detail: z.prettifyError(parsed.error) };
  const options = parsed.data;
  const seats = options.seats ?? DEFAULT_SEATS;
  const bots = options.bots ?? 0;
  if (bots > seats) return { ok: false, code: "join/invalid_options", detail: "bots must not exceed seats" };
  const refusal = creatorJoinRefusal(parseJoinOptions(rawOptions), seats, bots); // checked before anything is written
  if (refusal !== null) return { ok: false, ...refusal };
  const isPublic = options.isPublic ?? true;
  const gameId = asGameId(deps.randomUuid());
  const created = deps.engine.createGame({ gameId, config: { seats, turnSeconds: options.turnSeconds ?? DEFAULT_TURN_SECONDS }, sessionSeed: deps.randomSeed() });
  const joinCode = isPublic ? deps.roomDirectory.newJoinCode() : null;
  // A next table opened by "play again" comes with the invitation its players were told (rooms/table/playAgain.ts).
  const again = playAgainOptionsSchema.safeParse(rawOptions);
  const ranked = rankedOf(rawOptions, deps.restoreKey);
  if (ranked !== null && ranked.bots.length !== bots) return { ok: false, code: "join/invalid_options", detail: "a ranked table names one bot per bot seat" };
  const givenInvite = again.success && again.data.playAgain.key === deps.restoreKey ? again.data.playAgain.invite : (ranked?.invite ?? null);
  const inviteCode = isPublic ? null : (givenInvite ?? newInviteCode());
  await deps.games.createGame({ created, createdAt: deps.now(), inviteCode, ranked: ranked !== null, ...(joinCode === null ? {} : { listing: { joinCode, isPublic: true } }) });
  return { ok: true, created, isPublic, joinCode, inviteCode, bots, reconnectSeconds: options.reconnectSeconds, hasCreator: givenInvite === null, ranked };
}

/** What a join asks for: watch, come back to one's seat, or sit at a free seat. */
export type JoinRequest =
  | { readonly ok: true; readonly kind: "watch"; readonly seat: null }
  | { readonly ok: true; readonly kind: "return" | "sit"; readonly seat: SeatIndex }
  | { readonly ok: false; readonly code: JoinErrorCode; readonly detail: string };

/** Join options, parsed (or why not). */
export function parseJoinOptions(rawOptions: unknown): ParsedJoinOptions {
  const parsed = tableJoinOptionsSchema.safeParse(rawOptions ?? {});
  if (!parsed.success) return { ok: false, code: "join/invalid_options", detail: z.prettifyError(parsed.error) };
  const seed = chooseClientSeed(parsed.data.clientSeed);
  return seed.ok ? { ok: true, options: parsed.data } : { ok: false, code: "join/invalid_client_seed", detail: seed.detail };
}

/** Decides a join from its options, who joins, and the table as it is now. */
export function joinRequest(options: TableJoinOptions, identity: Identity, game: GameState, reservations: BotReservations, sessionId: string): JoinRequest {
  if (options.spectate === true) return { ok: true, kind: "watch", seat: null };
  const existing = game.seats.findIndex((s) => s.occupant?.playerId === identity.playerId);
  if (existing !== -1) return { ok: true, kind: "return", seat: existing };
  if (game.phase !== "waiting") {
    return { ok: false, code: "table/game_in_progress", detail: "the game has started and you hold no seat here; join with { spectate: true }" };
  }
  const seat = options.seat ?? reservations.heldFor(sessionId) ?? reservations.firstFreeSeat(game, identity, sessionId);
  if (seat === null) return { ok: false, code: "table/seat_unavailable", detail: "no free seat" };
  if (reservations.isHeld(seat, sessionId)) return { ok: false, code: "table/seat_unavailable", detail: `seat ${seat} is held for a quick-play player` };
  if (reservations.isReserved(seat) && !identity.isBot) return { ok: false, code: "table/seat_unavailable", detail: `seat ${seat} is reserved for a bot` };
  return { ok: true, kind: "sit", seat };
}

/** What the room does after a batch of committed events. */
export interface EventFollowUps {
  /** Someone sat down or left: the directory's player count changes. */
  readonly seatsChanged: boolean;
  /** The game started: it is marked started in storage and the room stays when empty. */
  readonly started: boolean;
  readonly notices: readonly NoticeMessage[];
}

/** The follow-ups of `events` (an exhaustive switch: a new event type must be placed here). */
export function followUpsOf(events: readonly GameEvent[]): EventFollowUps {
  let seatsChanged = false;
  let started = false;
  const notices: NoticeMessage[] = [];
  for (const event of events) {
    switch (event.type) {
      case "player_joined":
      case "player_left":
        seatsChanged = true;
        break;
      case "game_started":
        started = true;
        break;
      case "seat_taken_by_bot":
        notices.push({ code: "table/seat_taken_by_bot", seat: event.seat, message: `a bot now plays seat ${event.seat}` });
        break;
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
  return { seatsChanged, started, notices };
}

/** Notices the table sends on its own. */
export const tableNotices = {
  shuttingDown: { code: "server/shutting_down", message: "the server is restarting; rejoin this game by its id in a moment" },
} as const satisfies Record<string, NoticeMessage>;
