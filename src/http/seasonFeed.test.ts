/**
 * The per-process season event feed: one horizon and one read per interval for every
 * subscriber; each subscriber's batches are contiguous slices of the log holding only its
 * player's events, and a late subscriber's first batch starts where the feed stands.
 */
import { describe, expect, it } from "vitest";
import { createLogger } from "../platform/logger.js";
import type { SeasonEvent } from "../season/events.js";
import { SeasonFeed, type SeasonBatch, type SeasonFeedSource } from "./seasonFeed.js";

function fakeLog() {
  const rows: SeasonEvent[] = [];
  let horizon = 0;
  const reads: { after: number; upTo: number; playerIds: readonly string[] }[] = [];
  const source: SeasonFeedSource = {
    horizon: () => Promise.resolve(horizon),
    read: (q) => {
      reads.push(q);
      const events = rows.filter((e) => e.seq > q.after && e.seq <= q.upTo && (q.playerIds.length === 0 || (e.playerId !== null && q.playerIds.includes(e.playerId)))).slice(0, q.limit);
      return Promise.resolve({ events, errors: [], lastSeq: events.at(-1)?.seq ?? q.after });
    },
  };
  /** Appends committed rows and moves the horizon over them. */
  const append = (...players: string[]): void => {
    for (const p of players) {
      const seq = rows.length + 1;
      rows.push({ seq, type: "USER_LOGGED_IN", playerId: p, payload: { _v: 1, userId: p }, createdAt: new Date(0).toISOString() });
    }
    horizon = rows.length;
  };
  return { source, append, reads };
}

/** Resolves when `cond` holds (checked on every macrotask turn). */
async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setImmediate(r));
}

describe("SeasonFeed", () => {
  it("hands each subscriber contiguous batches of its own player's events, one read per interval for all", async () => {
    const log = fakeLog();
    log.append("a", "b");
    const feed = new SeasonFeed(log.source, { pollMs: 1, logger: createLogger("silent") });
    const got: Record<string, SeasonBatch[]> = { a: [], c: [] };
    const stopA = feed.subscribe("a", (b) => got.a?.push(b));
    await until(() => (got.a?.length ?? 0) > 0);
    // The first batch starts at the horizon: what came before is the stream's own catch-up read.
    expect(got.a?.[0]).toEqual({ from: 2, to: 2, events: [] });
    log.append("a", "b", "a");
    await until(() => got.a?.some((b) => b.to === 5) === true);
    const seqsA = got.a?.flatMap((b) => b.events.map((e) => e.seq));
    expect(seqsA).toEqual([3, 5]);
    const stopC = feed.subscribe("c", (b) => got.c?.push(b));
    log.append("c", "a");
    await until(() => got.c?.some((b) => b.to === 7) === true && got.a?.some((b) => b.to === 7) === true);
    for (const batches of [got.a ?? [], got.c ?? []]) for (let i = 1; i < batches.length; i++) expect(batches[i]?.from).toBe(batches[i - 1]?.to);
    expect(got.c?.flatMap((b) => b.events.map((e) => e.seq))).toEqual([6]);
    expect(got.a?.flatMap((b) => b.events.map((e) => e.seq))).toEqual([3, 5, 7]);
    // Reads ask only for the subscribed players, over the new slice only.
    expect(log.reads.every((r) => r.upTo > r.after && r.playerIds.every((p) => p === "a" || p === "c"))).toBe(true);
    stopA();
    stopC();
    expect(feed.size).toBe(0);
  });
});
