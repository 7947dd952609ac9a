/**
 * Fairness schemes: how a game's deals derive from its seeds. docs/FAIRNESS.md specifies both
 * exactly; `game_created.fairness` records which one a game uses (absent means v1, the scheme
 * of games created before v2 existed, which keep verifying under it).
 *
 * - **v1**: every deal is a function of the server's session seed alone (sfc32 keyed by SHA-256).
 * - **v2**: the deal key mixes the server seed with every seat's client seed, in seat order,
 *   fixed at `game_started`; each round's deck is shuffled by the ChaCha20 keystream (RFC 8439)
 *   under the deal key, with the round number as the nonce. The house commits to its seed before any client seed is known, so it cannot
 *   pick a seed that deals a chosen hand.
 */
import { chacha20KeystreamWords, fromHex, sha256Bytes, sha256Hex } from "./hash.js";
import { sfc32FromBytes, type Uint32Source } from "./prng.js";
import { FAIRNESS_SCHEMES, type FairnessScheme, type GameEvent, type GameState } from "./types.js";

/** True for a known fairness scheme. */
export function isFairnessScheme(value: unknown): value is FairnessScheme {
  return FAIRNESS_SCHEMES.some((s) => s === value);
}

/**
 * A log's scheme (`game_created.fairness`, absent = v1) and, for v2, the client seeds its
 * `game_started` lists (empty before the start and for v1).
 */
export function fairnessOf(events: readonly GameEvent[]): { fairness: FairnessScheme; clientSeeds: string[] } {
  const first = events[0];
  const fairness = first?.type === "game_created" ? (first.fairness ?? "v1") : "v1";
  const started = events.find((e) => e.type === "game_started");
  return { fairness, clientSeeds: started?.type === "game_started" ? [...(started.clientSeeds ?? [])] : [] };
}

/** The scheme new games use. */
export const CURRENT_FAIRNESS: FairnessScheme = "v2";

/** What a game's deals derive from. */
export type DealSource =
  | { readonly scheme: "v1"; readonly sessionSeed: string }
  /** `dealKey`: 64 lowercase hex chars, `dealKeyV2(serverSeed, clientSeeds)`. */
  | { readonly scheme: "v2"; readonly dealKey: string };

/** Client seeds: 32..128 lowercase hex characters (128..512 bits). */
export const CLIENT_SEED_MIN_HEX = 32;
export const CLIENT_SEED_MAX_HEX = 128;
const CLIENT_SEED = /^[0-9a-f]{32,128}$/;

/** True for a well-formed client seed: 32..128 lowercase hex characters. */
export function isClientSeed(value: unknown): value is string {
  return typeof value === "string" && CLIENT_SEED.test(value);
}

// ---------------------------------------------------------------------------------------------
// v1
// ---------------------------------------------------------------------------------------------

/** v1: the text hashed to key round `round`: `pzo:deal:v1:<sessionSeed>:<round>`. */
export function dealKeyTextV1(sessionSeed: string, round: number): string {
  return `pzo:deal:v1:${sessionSeed}:${round}`;
}

/** v1: the sfc32 generator that shuffles round `round`. */
export function dealRngV1(sessionSeed: string, round: number): Uint32Source {
  return sfc32FromBytes(sha256Bytes(dealKeyTextV1(sessionSeed, round)));
}

// ---------------------------------------------------------------------------------------------
// v2
// ---------------------------------------------------------------------------------------------

/**
 * v2: the client seed of a seat that brought none, joining as event `eventIndex`:
 * `SHA-256(UTF-8("pzo:client-seed:v2:" + sessionSeed + ":" + eventIndex))` as 64 hex chars. It is
 * fixed by the committed server seed, so the server cannot grind it after seeing players' seeds,
 * and anyone can check it once the seed is revealed.
 */
export function serverClientSeedV2(sessionSeed: string, eventIndex: number): string {
  return sha256Hex(`pzo:client-seed:v2:${sessionSeed}:${eventIndex}`);
}

/** v2: the text hashed to the deal key: `pzo:deal:v2:<serverSeed>:<clientSeed 0>:<clientSeed 1>:…`. */
export function dealKeyTextV2(serverSeed: string, clientSeeds: readonly string[]): string {
  return `pzo:deal:v2:${serverSeed}:${clientSeeds.join(":")}`;
}

/** v2: the deal key, `SHA-256(UTF-8(dealKeyTextV2(...)))` as 64 lowercase hex chars. */
export function dealKeyV2(serverSeed: string, clientSeeds: readonly string[]): string {
  return sha256Hex(dealKeyTextV2(serverSeed, clientSeeds));
}

/** v2: round `round`'s ChaCha20 nonce: 12 bytes, bytes 0..7 zero, bytes 8..11 `round` big-endian */
export function roundNonceV2(round: number): Uint8Array {
  const nonce = new Uint8Array(12);
  nonce[8] = (round >>> 24) & 0xff;
  nonce[9] = (round >>> 16) & 0xff;
  nonce[10] = (round >>> 8) & 0xff;
  nonce[11] = round & 0xff;
  return nonce;
}

/** Keystream words made per refill: 4 ChaCha20 blocks (a shuffle needs 51 words plus rejections). */
const CHUNK_WORDS = 64;

/**
 * v2: the deal stream of round `round`: the RFC 8439 ChaCha20 keystream with key = the deal key's
 * 32 bytes, nonce = `roundNonceV2(round)` and block counter from 0; each call returns its next 4
 * bytes as a big-endian unsigned 32-bit integer. Made 256 bytes at a time, in order: one cipher
 * call covers a whole shuffle (51 words plus up to 13 rejected draws; a deck's draw is rejected
 * with probability below 2^-26).
 */
export function dealRngV2(dealKey: string, round: number): Uint32Source {
  const key = fromHex(dealKey);
  const nonce = roundNonceV2(round);
  let words = chacha20KeystreamWords(key, nonce, CHUNK_WORDS, 0);
  let block = CHUNK_WORDS / 16;
  let at = 0;
  return () => {
    if (at === CHUNK_WORDS) {
      words = chacha20KeystreamWords(key, nonce, CHUNK_WORDS, block);
      block += CHUNK_WORDS / 16;
      at = 0;
    }
    return words[at++] as number;
  };
}

/**
 * The deal source of a game state: v1, its session seed; v2, its deal key (computed from the
 * server seed and `clientSeeds` when the state has none yet, as when the start is being decided).
 */
export function dealSourceOf(state: Pick<GameState, "fairness" | "sessionSeed" | "clientSeeds" | "dealKey">): DealSource {
  if (state.fairness === "v1") return { scheme: "v1", sessionSeed: state.sessionSeed };
  return { scheme: "v2", dealKey: state.dealKey !== "" ? state.dealKey : dealKeyV2(state.sessionSeed, state.clientSeeds) };
}

/** The generator that shuffles round `round` under the game's scheme. */
export function dealRngFor(source: DealSource, round: number): Uint32Source {
  switch (source.scheme) {
    case "v1":
      return dealRngV1(source.sessionSeed, round);
    case "v2":
      return dealRngV2(source.dealKey, round);
    default: {
      const unknown: never = source;
      throw new RangeError(`unknown fairness scheme ${JSON.stringify(unknown)}`);
    }
  }
}
