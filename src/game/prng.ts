/**
 * Seeded generators: sfc32 (Chris Doty-Humphrey's "Small Fast Counting" generator from PractRand,
 * 32-bit variant), seeded from SHA-256, behind v1 deals (`fairness.ts`), bots, tests and benches;
 * and the unbiased bounded draw every deal uses. docs/FAIRNESS.md specifies them exactly.
 *
 * - Seeding: the key's first 16 bytes, read as four big-endian unsigned 32-bit words, are the
 *   sfc32 state `a, b, c, d`. No outputs are discarded (the key is already uniform; warm-up only
 *   helps weak seeds).
 * - Bounded integers: `randomInt(next, bound)` draws `x = next()` until `x < 2^32 - (2^32 mod
 *   bound)` and returns `x mod bound`, so every value in `0..bound-1` is equally likely.
 */
import { sha256Bytes } from "./hash.js";

/** A generator of unsigned 32-bit integers (0 .. 2^32 - 1). */
export type Uint32Source = () => number;

/** An sfc32 generator with state `a, b, c, d` (each taken as an unsigned 32-bit word). */
export function sfc32(a: number, b: number, c: number, d: number): Uint32Source {
  let sa = a | 0;
  let sb = b | 0;
  let sc = c | 0;
  let sd = d | 0;
  return () => {
    const t = (((sa + sb) | 0) + sd) | 0;
    sd = (sd + 1) | 0;
    sa = sb ^ (sb >>> 9);
    sb = (sc + (sc << 3)) | 0;
    sc = (sc << 21) | (sc >>> 11);
    sc = (sc + t) | 0;
    return t >>> 0;
  };
}

/** An sfc32 generator seeded from the first 16 bytes of `key` (four big-endian words). */
export function sfc32FromBytes(key: Uint8Array): Uint32Source {
  if (key.length < 16) throw new RangeError("sfc32FromBytes needs at least 16 bytes");
  const view = new DataView(key.buffer, key.byteOffset, key.byteLength);
  return sfc32(view.getUint32(0), view.getUint32(4), view.getUint32(8), view.getUint32(12));
}

const TWO_32 = 0x100000000;

/**
 * A uniform integer in `0 .. bound-1` by rejection sampling: draw until the draw is below the
 * largest multiple of `bound` that fits in 2^32, then take it modulo `bound`.
 */
export function randomInt(next: Uint32Source, bound: number): number {
  if (!Number.isInteger(bound) || bound < 1 || bound > TWO_32) {
    throw new RangeError(`randomInt bound must be an integer in 1..2^32, got ${bound}`);
  }
  return randomIntUnchecked(next, bound);
}

/** `2^32 - (2^32 mod bound)` for bounds 1..64 (every shuffle of a deck), computed once. */
const SMALL_LIMITS: readonly number[] = Array.from({ length: 65 }, (_, bound) => (bound === 0 ? 0 : TWO_32 - (TWO_32 % bound)));

/** `randomInt` without the argument check, for hot loops whose bounds are known to be valid. */
export function randomIntUnchecked(next: Uint32Source, bound: number): number {
  const limit = SMALL_LIMITS[bound] ?? TWO_32 - (TWO_32 % bound);
  for (;;) {
    const x = next();
    // For bounds up to 2^16, `x % bound` in two integer steps: a float remainder (what `%` is for
    // numbers above 2^31) is several times slower. Same value: x = hi * 2^16 + lo.
    if (x < limit) return bound <= 0x10000 ? (((x >>> 16) % bound) * 0x10000 + (x & 0xffff)) % bound : x % bound;
  }
}

/** A float in [0, 1) from a 32-bit source (`next() / 2^32`): handy for injected `() => number` rngs. */
export function floatSource(next: Uint32Source): () => number {
  return () => next() / TWO_32;
}

/** An sfc32 float source seeded from a string via SHA-256 (for bots, tests and benches). */
export function seededRandom(seedText: string): () => number {
  return floatSource(sfc32FromBytes(sha256Bytes(seedText)));
}
