/** A table's connections and how a refused join reads. */
import { ServerError, type Client } from "@colyseus/core";
import type { PlayerId, SeatIndex } from "../../src/game/types.js";
import type { Identity } from "../../src/shared/identity.js";
import type { TokenVerifier } from "../ports.js";
import { JOIN_ERRORS, joinErrorMessage, type JoinErrorCode } from "../../src/shared/protocol.js";

/** Per-connection data at a table. */
export interface TableUserData {
  /** The seat this connection plays, or null for a spectator. */
  seat: SeatIndex | null;
  playerId: PlayerId | null;
}

/** A connection at a table. */
export type TableClient = Client<{ userData: TableUserData; auth: Identity }>;

/** A refused join, as the client's `join` rejects. */
export function joinError(code: JoinErrorCode, detail: string): ServerError {
  return new ServerError(JOIN_ERRORS[code], joinErrorMessage(code, detail));
}

/** `onAuth`: the identity of a valid access token, else `auth/unauthorized`. */
export async function authenticate(tokens: TokenVerifier, token: string | undefined): Promise<Identity> {
  if (token === undefined || token === "") throw joinError("auth/unauthorized", "an access token is required");
  const identity = await tokens.verify(token);
  if (identity === null) throw joinError("auth/unauthorized", "invalid or expired access token");
  return identity;
}

/** Seated connections and spectators, for `pzo_room_clients` (rooms/metrics.ts). */
export function censusOf(clients: readonly TableClient[]): { readonly player: number; readonly spectator: number } {
  const player = clients.filter((c) => c.userData?.seat !== null && c.userData?.seat !== undefined).length;
  return { player, spectator: clients.length - player };
}
