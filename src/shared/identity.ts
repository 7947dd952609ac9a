/**
 * Identities on the wire: the auth payload a room receives is data (it may have crossed processes
 * as JSON), so it is parsed here before use. Brands are applied only after validation.
 */
import { z } from "zod";
import type { GameId, PlayerId } from "../game/types.js";

/** Who a verified token belongs to. */
export interface Identity {
  readonly playerId: PlayerId;
  readonly displayName: string;
  readonly isBot: boolean;
}

/** Brands a validated player id. */
export function asPlayerId(value: string): PlayerId {
  return value as PlayerId;
}

/** Brands a validated game id. */
export function asGameId(value: string): GameId {
  return value as GameId;
}

/** The auth payload attached to a client (`client.auth`). */
export const identitySchema = z
  .object({ playerId: z.string().min(1).max(128), displayName: z.string().max(64), isBot: z.boolean() })
  .transform((v): Identity => ({ playerId: asPlayerId(v.playerId), displayName: v.displayName, isBot: v.isBot }));
