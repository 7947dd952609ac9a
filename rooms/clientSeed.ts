/**
 * The client seed a join brings to its seat (v2 fairness, docs/FAIRNESS.md): the one the client
 * sent in its join options (`clientSeed`), or, when it sent none (bots, older clients), one the
 * server draws, recorded in the log as server-drawn. A malformed seed refuses the join.
 */
import { CLIENT_SEED_MAX_HEX, CLIENT_SEED_MIN_HEX, isClientSeed } from "../src/game/fairness.js";
import type { ClientSeedBy } from "../src/game/types.js";

/** The seat's seed and who supplied it, or why the offered one is refused. */
export type ClientSeedChoice =
  | { readonly ok: true; readonly clientSeed: string; readonly clientSeedBy: ClientSeedBy }
  | { readonly ok: false; readonly detail: string };

/** Chooses a joining seat's client seed; `draw` (64 hex chars from a secure source) runs only when none was sent. */
export function chooseClientSeed(offered: string | undefined, draw: () => string): ClientSeedChoice {
  if (offered === undefined) return { ok: true, clientSeed: draw(), clientSeedBy: "server" };
  if (!isClientSeed(offered)) {
    return { ok: false, detail: `clientSeed must be ${CLIENT_SEED_MIN_HEX}..${CLIENT_SEED_MAX_HEX} lowercase hex characters (at least 128 random bits)` };
  }
  return { ok: true, clientSeed: offered, clientSeedBy: "player" };
}
