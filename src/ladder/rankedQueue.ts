/**
 * The ranked quick-match queue (pure: no Colyseus, no timers; the clock is the `now` passed in).
 * docs/LADDER.md, "Ranked quick match", states these rules; the `ranked` room (rooms/RankedRoom.ts)
 * holds one queue and calls {@link RankedQueue.tick} every RANKED_TICK_MS.
 *
 * - Q1 Bands: a waiting player's band is the width of the last step of RANKED_BANDS whose
 *   seconds they have waited (`0:100,10:200,...,60:any`: ±100 from the start, ±200 after 10 s,
 *   ..., any rating after 60 s). A band never narrows.
 * - Q2 Compatible: two players are compatible when each one's rating is within the other's band,
 *   i.e. `|a.rating - b.rating| <= min(band(a), band(b))` (an `any` band has no limit).
 * - Q3 Tables: a table is RANKED_SEATS players who are pairwise compatible (Q2).
 * - Q4 Order: at each tick the queue is walked longest waiting first (ties: earlier `playerId`).
 *   Each player not yet placed is an anchor: the other players not yet placed, longest waiting
 *   first, join the anchor's table when compatible with everyone already in it. A table that
 *   reaches RANKED_SEATS is formed and its players leave the queue; otherwise nobody is placed
 *   by that anchor.
 * - Q5 Bot fill: then, longest waiting first, an anchor who has waited RANKED_BOT_FILL_SECONDS or
 *   more takes the players Q4 would gather for it (fewer than the seats) and the rest of the
 *   table's seats go to bots.
 * - Q6 A player is in the queue at most once and on at most one table; cancelling removes them.
 */

/** One step of the widening band: from `afterSeconds` of waiting, ±`width` (null: any rating). */
export interface BandStep {
  readonly afterSeconds: number;
  readonly width: number | null;
}

/** A queued player. `enqueuedAt` is ms (the injected clock's). */
export interface QueueEntry {
  readonly playerId: string;
  readonly rating: number;
  readonly enqueuedAt: number;
}

/** A table the queue formed: its people (longest waiting first) and how many bots complete it. */
export interface FormedTable {
  readonly players: readonly QueueEntry[];
  readonly bots: number;
  /** The mean rating of the table's people (bots are picked near it). */
  readonly humanMean: number;
}

/** Where a queued player stands. */
export interface SearchStatus {
  readonly rating: number;
  /** The band's width now (null: any rating). */
  readonly band: number | null;
  /** Whole seconds waited. */
  readonly waitedSeconds: number;
  /** The wait (seconds) at which the band widens next; null: it is the widest. */
  readonly nextWideningSeconds: number | null;
}

export interface RankedQueueConfig {
  readonly bands: readonly BandStep[];
  readonly seats: number;
  readonly botFillSeconds: number;
}

/** RANKED_BANDS' default. */
export const DEFAULT_RANKED_BANDS = "0:100,10:200,20:400,30:800,60:any";

/**
 * Parses RANKED_BANDS (`seconds:width|any,...`): the first step at 0 s, seconds strictly
 * increasing, widths not decreasing, `any` only last. Throws a RangeError naming the fault.
 */
export function parseBands(text: string): BandStep[] {
  const steps = text.split(",").map((part) => {
    const m = /^\s*(\d{1,6})\s*:\s*(\d{1,9}|any)\s*$/.exec(part);
    if (m === null) throw new RangeError(`RANKED_BANDS: "${part}" is not seconds:width or seconds:any`);
    return { afterSeconds: Number(m[1]), width: m[2] === "any" ? null : Number(m[2]) };
  });
  if (steps[0]?.afterSeconds !== 0) throw new RangeError("RANKED_BANDS: the first step must be at 0 seconds");
  steps.forEach((s, i) => {
    const prev = steps[i - 1];
    if (prev === undefined) return;
    if (s.afterSeconds <= prev.afterSeconds) throw new RangeError("RANKED_BANDS: seconds must increase");
    if (prev.width === null) throw new RangeError("RANKED_BANDS: `any` must be the last step");
    if (s.width !== null && s.width < prev.width) throw new RangeError("RANKED_BANDS: a band must not narrow");
  });
  return steps;
}

/** Q1: the band after `waitedMs` of waiting (null: any rating). */
export function bandAfter(bands: readonly BandStep[], waitedMs: number): number | null {
  let width: number | null = bands[0]?.width ?? null;
  for (const step of bands) if (waitedMs >= step.afterSeconds * 1000) width = step.width;
  return width;
}

/** Q1: the wait, in seconds, at which the band next widens after `waitedMs`; null when it is the widest. */
export function nextWideningSeconds(bands: readonly BandStep[], waitedMs: number): number | null {
  return bands.find((step) => step.afterSeconds * 1000 > waitedMs)?.afterSeconds ?? null;
}

/** Q2: each within the other's band at `now`. */
export function compatible(bands: readonly BandStep[], a: QueueEntry, b: QueueEntry, now: number): boolean {
  const gap = Math.abs(a.rating - b.rating);
  const wa = bandAfter(bands, now - a.enqueuedAt);
  const wb = bandAfter(bands, now - b.enqueuedAt);
  return (wa === null || gap <= wa) && (wb === null || gap <= wb);
}

/** Q4 order: longest waiting first, then player id. */
function byWait(a: QueueEntry, b: QueueEntry): number {
  return a.enqueuedAt - b.enqueuedAt || (a.playerId < b.playerId ? -1 : a.playerId > b.playerId ? 1 : 0);
}

function meanOf(entries: readonly QueueEntry[]): number {
  return entries.reduce((sum, e) => sum + e.rating, 0) / Math.max(1, entries.length);
}

/** One ranked queue (one per deployment: the `ranked` room holds it). */
export class RankedQueue {
  private readonly entries = new Map<string, QueueEntry>();

  constructor(private readonly config: RankedQueueConfig) {
    if (!Number.isInteger(config.seats) || config.seats < 2) throw new RangeError("RankedQueue: seats must be an integer >= 2");
  }

  /** Q6: adds a player; false (and nothing changes) when they are already queued. */
  enqueue(entry: QueueEntry): boolean {
    if (this.entries.has(entry.playerId)) return false;
    this.entries.set(entry.playerId, entry);
    return true;
  }

  /** Q6: removes a player; false when they were not queued. */
  cancel(playerId: string): boolean {
    return this.entries.delete(playerId);
  }

  has(playerId: string): boolean {
    return this.entries.has(playerId);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The band and the wait of a queued player at `now`, or null. */
  status(playerId: string, now: number): SearchStatus | null {
    const e = this.entries.get(playerId);
    if (e === undefined) return null;
    const waited = Math.max(0, now - e.enqueuedAt);
    return { rating: e.rating, band: bandAfter(this.config.bands, waited), waitedSeconds: Math.floor(waited / 1000), nextWideningSeconds: nextWideningSeconds(this.config.bands, waited) };
  }

  /** Q4-Q5: the tables formed at `now`; their players leave the queue. */
  tick(now: number): FormedTable[] {
    const formed: FormedTable[] = [];
    const placed = new Set<string>();
    const waiting = [...this.entries.values()].sort(byWait);
    for (const anchor of waiting) {
      if (placed.has(anchor.playerId)) continue;
      const table = this.gather(anchor, waiting, placed, now);
      if (table.length === this.config.seats) formed.push(this.seat(table, placed));
    }
    for (const anchor of waiting) {
      if (placed.has(anchor.playerId) || now - anchor.enqueuedAt < this.config.botFillSeconds * 1000) continue;
      formed.push(this.seat(this.gather(anchor, waiting, placed, now), placed));
    }
    return formed;
  }

  /** Q4: the anchor and the players not yet placed who join it, longest waiting first. */
  private gather(anchor: QueueEntry, waiting: readonly QueueEntry[], placed: ReadonlySet<string>, now: number): QueueEntry[] {
    const table = [anchor];
    for (const candidate of waiting) {
      if (table.length === this.config.seats) break;
      if (candidate === anchor || placed.has(candidate.playerId)) continue;
      if (table.every((member) => compatible(this.config.bands, member, candidate, now))) table.push(candidate);
    }
    return table;
  }

  private seat(players: readonly QueueEntry[], placed: Set<string>): FormedTable {
    for (const p of players) {
      placed.add(p.playerId);
      this.entries.delete(p.playerId);
    }
    return { players, bots: this.config.seats - players.length, humanMean: meanOf(players) };
  }
}
