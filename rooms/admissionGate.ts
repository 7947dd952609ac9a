/**
 * The abuse limits (rooms/admission.ts) as the rooms apply them: every room counts a joining
 * connection in `onJoin` and gives it back in `onLeave`; rooms open to everyone (lobby, replay)
 * learn who joins from the access token sent with the WebSocket, when there is one.
 */
import type { Client } from "@colyseus/core";
import { identitySchema, type Identity } from "../src/shared/identity.js";
import type { Admission } from "./admission.js";
import type { TokenVerifier } from "./ports.js";
import { joinError } from "./table/clients.js";

/**
 * Instance `onAuth` of a room open to everyone: the identity of a valid access token, else
 * `true` (anonymous: counted by address only).
 */
export async function optionalIdentity(tokens: TokenVerifier, token: string | undefined): Promise<Identity | true> {
  if (token === undefined || token === "") return true;
  return (await tokens.verify(token)) ?? true;
}

/** Counts `client`'s connection, or throws the join error `limits/too_many_connections`. */
export async function admitConnection(admission: Admission, client: Client): Promise<void> {
  const identity = identitySchema.safeParse(client.auth).data;
  const refusal = await admission.enter(client.sessionId, { playerId: identity?.playerId ?? null, isServerBot: identity?.isBot === true });
  if (refusal !== null) throw joinError(refusal.code, refusal.detail);
}
