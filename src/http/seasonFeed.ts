/**
 * One reader of `season_events` per process for every open event stream: instead of each
 * stream polling the log for its own player (a hundred open streams: four hundred queries a
 * second at a 250 ms interval), the feed asks the log's horizon (db/seasonLog.ts) once per
 * interval, reads the new rows of every subscribed player in one query, and hands each
 * subscriber its player's rows. It runs only while someone is subscribed.
 *
 * Each hand-off is a batch covering `(from, to]` of the log: every one of the player's events
 * with `from < seq <= to`. Batches are contiguous (the next `from` is this `to`), so a
 * subscriber that reads its own history up to its first batch's `from` has every event once.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "../platform/logger.js";
import type { SeasonEvent } from "../season/events.js";

/** A slice of the log for one subscriber: its player's events with `from < seq <= to`. */
export interface SeasonBatch {
  readonly from: number;
  readonly to: number;
  readonly events: readonly SeasonEvent[];
}

/** What the feed reads. */
export interface SeasonFeedSource {
  /** The `seq` readers may read up to (db/seasonLog.ts `seasonLogHorizon`). */
  horizon(): Promise<number | null>;
  /** Events in `seq` order with `after < seq <= upTo`, of these players (all when empty). */
  read(q: { readonly after: number; readonly upTo: number; readonly limit: number; readonly playerIds: readonly string[] }): Promise<{ events: SeasonEvent[]; errors: string[]; lastSeq: number }>;
}

interface Subscriber {
  readonly playerId: string;
  readonly deliver: (batch: SeasonBatch) => void;
}

const PAGE = 1000;
/** Above this many subscribed players a tick reads every new row and filters here. */
const MAX_FILTERED_PLAYERS = 1000;

/** The per-process season event feed. */
export class SeasonFeed {
  private readonly subscribers = new Set<Subscriber>();
  private running = false;
  /** The log position every subscriber has been handed up to; null until the first tick. */
  private delivered: number | null = null;

  constructor(
    private readonly source: SeasonFeedSource,
    private readonly opts: { readonly pollMs: number; readonly logger: Logger },
  ) {}

  /** Subscribes to a player's events; the first batch arrives within one interval. */
  subscribe(playerId: string, deliver: (batch: SeasonBatch) => void): () => void {
    const sub: Subscriber = { playerId, deliver };
    this.subscribers.add(sub);
    if (!this.running) {
      this.running = true;
      void this.run();
    }
    return () => {
      this.subscribers.delete(sub);
    };
  }

  /** How many streams are subscribed. */
  get size(): number {
    return this.subscribers.size;
  }

  private async run(): Promise<void> {
    try {
      while (this.subscribers.size > 0) {
        try {
          await this.tick();
        } catch (err: unknown) {
          this.opts.logger.error({ err }, "season event feed: reading the log failed; retrying");
        }
        if (this.subscribers.size > 0) await sleep(this.opts.pollMs);
      }
    } finally {
      this.running = false;
      this.delivered = null;
    }
  }

  /** Reads `(delivered, horizon]` for the subscribers there are now and hands it out. */
  private async tick(): Promise<void> {
    const subs = [...this.subscribers];
    const horizon = await this.source.horizon();
    if (horizon === null) return;
    const from = this.delivered ?? horizon;
    const byPlayer = new Map<string, SeasonEvent[]>();
    for (const s of subs) byPlayer.set(s.playerId, []);
    if (horizon > from) {
      const players = byPlayer.size <= MAX_FILTERED_PLAYERS ? [...byPlayer.keys()] : [];
      let after = from;
      for (;;) {
        const page = await this.source.read({ after, upTo: horizon, limit: PAGE, playerIds: players });
        for (const e of page.events) if (e.playerId !== null) byPlayer.get(e.playerId)?.push(e);
        for (const error of page.errors) this.opts.logger.error({ error }, "season event feed: a row does not parse; skipped");
        if (page.events.length + page.errors.length < PAGE) break;
        after = page.lastSeq;
      }
    }
    this.delivered = horizon;
    for (const s of subs) s.deliver({ from, to: horizon, events: byPlayer.get(s.playerId) ?? [] });
  }
}
