/**
 * An indexable skip list (an order-statistic skip list, the structure behind Redis sorted sets):
 * each forward pointer also stores its span, the number of elements it skips, so rank and
 * access by rank are O(log n) expected, like insert and delete.
 *
 * Levels come from a seeded xorshift PRNG, so a given sequence of operations always builds the
 * same list (reproducible benchmarks and tests).
 */

const MAX_LEVEL = 32;
/** Probability of promoting a node one level up (1/4, as Redis). */
const P_NUMERATOR = 1;
const P_DENOMINATOR = 4;

/** Forward pointers and their spans: the head of the list, or a node. */
interface Links<T> {
  readonly next: (SkipNode<T> | null)[];
  readonly span: number[];
}

function links<T>(level: number): Links<T> {
  return { next: new Array<SkipNode<T> | null>(level).fill(null), span: new Array<number>(level).fill(0) };
}

interface SkipNode<T> extends Links<T> {
  readonly value: T;
}

/**
 * A sorted multiset-free list: values are kept in `compare` order and must be distinct under
 * it. `K` is the key type the comparator reads; values `T` extend it, so queries can take a
 * bare key (e.g. a pagination cursor) that is not itself in the list.
 */
export class OrderStatisticSkipList<K, T extends K = K> {
  private head: Links<T> = links<T>(MAX_LEVEL);
  /** Scratch arrays reused by every insert and delete (both run synchronously to the end). */
  private readonly update: Links<T>[] = new Array<Links<T>>(MAX_LEVEL).fill(this.head);
  private readonly rankAt: number[] = new Array<number>(MAX_LEVEL).fill(0);
  private level = 1;
  private length = 0;
  private rng: number;

  constructor(
    private readonly compare: (a: K, b: K) => number,
    seed = 0x9e3779b9,
  ) {
    this.rng = seed >>> 0 || 1;
  }

  /** Number of values. */
  get size(): number {
    return this.length;
  }

  private randomLevel(): number {
    let level = 1;
    for (;;) {
      // xorshift32
      let x = this.rng;
      x ^= x << 13;
      x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      this.rng = x;
      if (level >= MAX_LEVEL || x % P_DENOMINATOR >= P_NUMERATOR) return level;
      level++;
    }
  }

  /** Inserts a value; it must not compare equal to a value already present. */
  insert(value: T): void {
    const update = this.update;
    const rank = this.rankAt;
    let x: Links<T> = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      rank[i] = i === this.level - 1 ? 0 : (rank[i + 1] ?? 0);
      for (let n = x.next[i]; n !== null && n !== undefined && this.compare(n.value, value) < 0; n = x.next[i]) {
        rank[i] = (rank[i] ?? 0) + (x.span[i] ?? 0);
        x = n;
      }
      update[i] = x;
    }
    const level = this.randomLevel();
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        rank[i] = 0;
        update[i] = this.head;
        this.head.span[i] = this.length;
      }
      this.level = level;
    }
    const node: SkipNode<T> = { value, next: new Array<SkipNode<T> | null>(level).fill(null), span: new Array<number>(level).fill(0) };
    const rank0 = rank[0] ?? 0;
    for (let i = 0; i < level; i++) {
      const u = update[i] ?? this.head;
      const ri = rank[i] ?? 0;
      node.next[i] = u.next[i] ?? null;
      u.next[i] = node;
      node.span[i] = (u.span[i] ?? 0) - (rank0 - ri);
      u.span[i] = rank0 - ri + 1;
    }
    for (let i = level; i < this.level; i++) {
      const u = update[i] ?? this.head;
      u.span[i] = (u.span[i] ?? 0) + 1;
    }
    this.length++;
  }

  /** Removes the value equal to `key`; returns whether one was there. */
  delete(key: K): boolean {
    const update = this.update;
    let x: Links<T> = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let n = x.next[i]; n !== null && n !== undefined && this.compare(n.value, key) < 0; n = x.next[i]) x = n;
      update[i] = x;
    }
    const target = x.next[0];
    if (target === null || target === undefined || this.compare(target.value, key) !== 0) return false;
    for (let i = 0; i < this.level; i++) {
      const u = update[i] ?? this.head;
      if (u.next[i] === target) {
        u.span[i] = (u.span[i] ?? 0) + (target.span[i] ?? 0) - 1;
        u.next[i] = target.next[i] ?? null;
      } else {
        u.span[i] = (u.span[i] ?? 0) - 1;
      }
    }
    while (this.level > 1 && this.head.next[this.level - 1] === null) this.level--;
    this.length--;
    return true;
  }

  /** Number of values strictly before `key` in list order (`key` need not be present). */
  countBefore(key: K): number {
    let x: Links<T> = this.head;
    let traversed = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let n = x.next[i]; n !== null && n !== undefined && this.compare(n.value, key) < 0; n = x.next[i]) {
        traversed += x.span[i] ?? 0;
        x = n;
      }
    }
    return traversed;
  }

  /** 1-based rank of the value equal to `key`, or 0 when absent. */
  rank(key: K): number {
    let x: Links<T> = this.head;
    let found: SkipNode<T> | null = null;
    let traversed = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let n = x.next[i]; n !== null && n !== undefined && this.compare(n.value, key) <= 0; n = x.next[i]) {
        traversed += x.span[i] ?? 0;
        x = n;
        found = n;
      }
      if (found !== null && this.compare(found.value, key) === 0) return traversed;
    }
    return 0;
  }

  private nodeAt(index: number): SkipNode<T> | null {
    if (index < 0 || index >= this.length) return null;
    const target = index + 1;
    let x: Links<T> = this.head;
    let found: SkipNode<T> | null = null;
    let traversed = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let n = x.next[i]; n !== null && n !== undefined && traversed + (x.span[i] ?? 0) <= target; n = x.next[i]) {
        traversed += x.span[i] ?? 0;
        x = n;
        found = n;
      }
      if (traversed === target) return found;
    }
    return null;
  }

  /** Up to `count` values starting at 0-based `index`, in order: O(log n + count). */
  slice(index: number, count: number): T[] {
    const out: T[] = [];
    for (let n = this.nodeAt(index); n !== null && out.length < count; n = n.next[0] ?? null) out.push(n.value);
    return out;
  }

  /** Removes every value. */
  clear(): void {
    this.head = links<T>(MAX_LEVEL);
    this.level = 1;
    this.length = 0;
  }
}
