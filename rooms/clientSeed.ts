/**
 * The client seed a join brings to its seat (v2 fairness, docs/FAIRNESS.md): the one the client
 * sent in its join options (`clientSeed`), or null when it sent none (bots, older clients): the
 * engine then derives the seat's seed from the committed server seed. A malformed seed refuses
 * the join with `join/invalid_client_seed`.
 */
import { CLIENT_SEED_MAX_HEX, CLIENT_SEED_MIN_HEX, isClientSeed } from "../src/game/fairness.js";

/** The seed to join with (null: none sent), or why the offered one is refused. */
export type ClientSeedChoice = { readonly ok: true; readonly clientSeed: string | null } | { readonly ok: false; readonly detail: string };

/** Checks a joining client's `clientSeed` option. */
export function chooseClientSeed(offered: string | undefined): ClientSeedChoice {
  if (offered === undefined) return { ok: true, clientSeed: null };
  if (!isClientSeed(offered)) {
    return { ok: false, detail: `clientSeed must be ${CLIENT_SEED_MIN_HEX}..${CLIENT_SEED_MAX_HEX} lowercase hex characters (at least 128 random bits)` };
  }
  return { ok: true, clientSeed: offered };
}
