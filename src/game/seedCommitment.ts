/** The public commitment to a game's secret session seed. */
import { sha256Hex } from "./hash.js";

/** A hash from a UTF-8 string to lowercase hex (SHA-256 by default). */
export type HashHex = (text: string) => string;

/** True for a well-formed session seed: exactly 64 lowercase hex chars. */
export function isSessionSeed(value: unknown): value is string {
  return typeof value === "string" && /^[0-9a-f]{64}$/.test(value);
}

/**
 * The commitment published when a game is created: the lowercase hex SHA-256 of the seed's UTF-8
 * bytes. `hash` may be injected (for example `node:crypto`'s SHA-256) and must compute the same.
 */
export function seedCommitment(seed: string, hash: HashHex = sha256Hex): string {
  return hash(seed);
}
