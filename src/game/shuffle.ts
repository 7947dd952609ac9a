/** The Fisher–Yates shuffle (Durstenfeld's in-place form), driven by a seeded generator. */
import { randomIntUnchecked, type Uint32Source } from "./prng.js";

/**
 * Shuffles a copy of `items`: for `i` from `length - 1` down to 1, `j = randomInt(next, i + 1)`,
 * swap positions `i` and `j`. Every permutation is equally likely given a uniform source.
 */
export function shuffle<T>(items: readonly T[], next: Uint32Source): T[] {
  // A plain copy loop: `slice` of a frozen array (such as `DECK`) takes a slow path.
  const out: T[] = [];
  for (let i = 0; i < items.length; i++) out.push(items[i] as T);
  for (let i = out.length - 1; i >= 1; i--) {
    const j = randomIntUnchecked(next, i + 1); // 2 <= i + 1 <= length: always a valid bound
    const tmp = out[i] as T;
    out[i] = out[j] as T;
    out[j] = tmp;
  }
  return out;
}
