/**
 * Reconnection is bound to the authenticated seat owner (issue 15, item 2). Colyseus lets a
 * client holding a `reconnectionToken` resume a dropped session without running `onAuth`, so a
 * leaked token alone would take the seat and its hand. The rooms record who owns each session
 * (the {@link SessionOwners} port); before the WebSocket upgrade of a reconnection, the gate checks that
 * the access token sent with it (the SDK's `_authToken`) belongs to that owner. A mismatch, or
 * no token, is refused before anything of the session is consumed, so the real owner can still
 * come back within the window.
 */
import type { PlayerId } from "../src/game/types.js";
import type { SessionOwners, TokenVerifier } from "./ports.js";

/** The refusal a reconnection by anyone but the session's owner gets (HTTP status of the upgrade). */
export const RECONNECT_REFUSED = { code: "reconnect/not_seat_owner", status: 403 } as const;

/** An in-process registry: a session lives in one room of one process. */
export function createSessionOwners(): SessionOwners {
  const owners = new Map<string, PlayerId>();
  return {
    bind: (sessionId, playerId) => void owners.set(sessionId, playerId),
    release: (sessionId) => void owners.delete(sessionId),
    ownerOf: (sessionId) => owners.get(sessionId),
  };
}

/** The verdict on a reconnection attempt. */
export type ReconnectDecision = { readonly ok: true } | { readonly ok: false; readonly detail: string };

/** Pure: the presented player must be the session's owner (an unknown session is Colyseus's to refuse). */
export function decideReconnection(owner: PlayerId | undefined, presented: PlayerId | null): ReconnectDecision {
  if (owner === undefined) return { ok: true };
  if (presented === null) return { ok: false, detail: "a reconnection needs the seat owner's access token" };
  if (presented !== owner) return { ok: false, detail: "this session belongs to another player" };
  return { ok: true };
}

/**
 * The transport's `beforeUpgrade` check for reconnections: a URL carrying `reconnectionToken`
 * and a `sessionId` this process knows must come with its owner's access token. Returns the
 * refusal's status and body, or null to let the upgrade proceed.
 */
export async function checkReconnectionUpgrade(
  url: URL,
  token: string | undefined | null,
  owners: SessionOwners,
  tokens: TokenVerifier,
): Promise<{ readonly status: number; readonly body: string } | null> {
  const sessionId = url.searchParams.get("sessionId");
  if (url.searchParams.get("reconnectionToken") === null || sessionId === null) return null;
  const owner = owners.ownerOf(sessionId);
  if (owner === undefined) return null;
  const identity = token === undefined || token === null || token === "" ? null : await tokens.verify(token);
  const decision = decideReconnection(owner, identity?.playerId ?? null);
  return decision.ok ? null : { status: RECONNECT_REFUSED.status, body: `${RECONNECT_REFUSED.code}: ${decision.detail}` };
}
