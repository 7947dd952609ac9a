/**
 * Private tables (issue 15): a table created with `isPublic: false` has an invitation secret,
 * distinct from its id, that a player or spectator must present (`invite` join option) before
 * the table lets them in. Its seated players get it back in `welcome` so they can pass it on.
 * The decision is pure; the room only supplies the facts.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Identity } from "./ports.js";

/** Bytes of randomness in an invitation (128 bits, base64url: 22 characters). */
const INVITE_BYTES = 16;

/** A fresh invitation secret. */
export function newInviteCode(): string {
  return randomBytes(INVITE_BYTES).toString("base64url");
}

/** Compares a presented invitation with the table's in constant time. */
export function inviteMatches(expected: string, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  const a = createHash("sha256").update(expected).digest();
  const b = createHash("sha256").update(presented).digest();
  return timingSafeEqual(a, b);
}

/** What the room knows when someone asks to sit or watch. */
export interface PrivateAccessFacts {
  /** The table's invitation, or null for a public table. */
  readonly inviteCode: string | null;
  readonly identity: Identity;
  /** The joiner already holds a seat in this game (a rejoin). */
  readonly seatedHere: boolean;
  /** The joiner is the player whose `create` made this room (its first join). */
  readonly isCreator: boolean;
  /** The `invite` join option, if sent. */
  readonly presented: string | undefined;
}

/** The verdict: in, or refused with `table/invitation_required`. */
export type PrivateAccessDecision = { readonly ok: true } | { readonly ok: false; readonly detail: string };

/**
 * Who may enter a table. A public table: anyone. A private one: its creator, anyone already
 * seated there, the server's own bots (only the room asks for them), and whoever presents the
 * invitation; spectators too.
 */
export function decidePrivateAccess(facts: PrivateAccessFacts): PrivateAccessDecision {
  if (facts.inviteCode === null) return { ok: true };
  if (facts.seatedHere || facts.isCreator || facts.identity.isBot) return { ok: true };
  if (inviteMatches(facts.inviteCode, facts.presented)) return { ok: true };
  return {
    ok: false,
    detail: facts.presented === undefined ? "this table is private: join with its invitation ({ invite })" : "this invitation does not open this table",
  };
}
