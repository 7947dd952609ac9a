/**
 * The ladder service: reads from the cache with PostgreSQL as the fallback, write-through after
 * commit with a retry queue, live deltas, the drift check, rebuilds, season reset and removal.
 *
 * Consistency rules (see docs/LADDER.md):
 * - PostgreSQL commits first (completeGame, score submission); then {@link LadderService.applyChanges}
 *   updates the cache and publishes one delta per tier.
 * - A cache write that fails is queued (bounded, coalesced per player: the latest entry wins)
 *   and retried with exponential backoff. While anything is queued, or a rebuild runs, reads
 *   go to PostgreSQL, so no reader sees a cache that is behind a commit it could know about.
 * - A read whose cache call throws (Redis down) is answered from PostgreSQL. No request fails
 *   because of the cache.
 * - The drift check compares the cache's top N with PostgreSQL every interval and repairs
 *   what differs, counted in `pzo_ladder_drift_repairs_total{tier}`.
 */
import { outageLog } from "../platform/outageLog.js";
import { Counter, Gauge, type Registry } from "prom-client";
import type { PlayerId } from "../game/types.js";
import { decodeCursor, encodeCursor, tierKeyOf, type LadderCache, type LadderPage, type TierKey, type TierRef, type UpsertResult } from "./cache.js";
import type { DeltaPublisher, LadderDelta } from "./deltas.js";
import { makeEntry, sameEntry, type LadderEntry, type LadderLogger, type RankedEntry } from "./ranking.js";
import type { LadderStore, SeasonEndRequest, SeasonReset } from "./store.js";
import type { LadderChange } from "./ladderChange.js";

export type { LadderStore, SeasonEndRequest, SeasonReset } from "./store.js";

/** Which ladder a read addresses. `season` omitted means the current season. */
export type TierQuery = { readonly tier: "all_time" } | { readonly tier: "rating" } | { readonly tier: "season"; readonly season?: number };

/** Where a read was answered from. */
export type ReadSource = "cache" | "db";

/** Error codes of service reads. */
export const LADDER_READ_ERRORS = ["ladder/bad_cursor", "ladder/bad_limit", "ladder/bad_season"] as const;
export type LadderReadErrorCode = (typeof LADDER_READ_ERRORS)[number];

/** A read's result: the value and its source, or a typed error. */
export type LadderRead<T> =
  | { readonly ok: true; readonly value: T; readonly source: ReadSource }
  | { readonly ok: false; readonly error: { readonly code: LadderReadErrorCode; readonly message: string } };

/** One committed ladder change for one tier (declared once, in ./ladderChange.ts). */
export type { LadderChange } from "./ladderChange.js";

/** The entry a change leaves behind. */
export function entryAfter(change: LadderChange): LadderEntry {
  return makeEntry({
    playerId: change.playerId,
    total: change.newTotal,
    highest: change.highestScore,
    games: change.gamesPlayed,
    wins: change.wins,
    firstReachedAt: change.scoreFirstReachedAt.getTime(),
  });
}

/** A player's standing in the active tiers. */
export interface Standings {
  readonly allTime: RankedEntry | null;
  readonly season: RankedEntry | null;
  readonly seasonNumber: number;
  /** The rating tier (absent: not known). */
  readonly rating?: RankedEntry | null;
}

/** What a drift check found and did. */
export interface DriftReport {
  /** True when the check did not run (the cache is unreachable or behind). */
  readonly skipped: boolean;
  readonly repairs: Readonly<Partial<Record<TierKey, number>>>;
  /** Tiers rebuilt in full (too much drift, or a count mismatch seen twice). */
  readonly rebuilt: readonly TierKey[];
}

/** Tunables; every one has a default. */
export interface LadderServiceOptions {
  /** Drift check interval in ms (default 5 min). 0 disables the timer (call checkDrift). */
  readonly driftIntervalMs?: number;
  /** Entries compared by the drift check (default 100). */
  readonly driftTopN?: number;
  /** More repairs than this in one tier in one check triggers a full rebuild (default 25). */
  readonly rebuildAboveRepairs?: number;
  /** Queued cache writes kept at most; past it the cache is marked for rebuild (default 10,000). */
  readonly maxPendingWrites?: number;
  /** First retry delay in ms (default 100); doubles per failure up to `retryMaxMs`. */
  readonly retryBaseMs?: number;
  /** Longest retry delay in ms (default 30,000). */
  readonly retryMaxMs?: number;
  /** Entries per batch when rebuilding from PostgreSQL (default 5,000). */
  readonly rebuildBatch?: number;
  /** Largest page or window a read may ask for (default 200). */
  readonly maxLimit?: number;
  /**
   * How often to re-read the current season in ms (default 15 s; 0 disables), so a reset made
   * by another process is seen soon. A change carrying a newer season is also a trigger.
   */
  readonly seasonRefreshMs?: number;
}

/** The service's collaborators: ports, a logger, a metrics registry and a clock. */
export interface LadderServiceDeps {
  readonly cache: LadderCache;
  readonly store: LadderStore;
  readonly publisher: DeltaPublisher;
  readonly logger: LadderLogger;
  /** Metrics are registered here (no global registry). */
  readonly registry: Registry;
  /** Epoch ms; default `Date.now`. */
  readonly now?: () => number;
  readonly options?: LadderServiceOptions;
}

type PendingWrite =
  | { readonly kind: "upsert"; readonly tier: TierKey; readonly entry: LadderEntry; readonly force: boolean }
  | { readonly kind: "remove"; readonly tier: TierKey; readonly playerId: PlayerId };

const TOP10 = 10;

function errMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The ladder service. One per process, made in the composition root. */
export class LadderService {
  private readonly cache: LadderCache;
  private readonly store: LadderStore;
  private readonly publisher: DeltaPublisher;
  private readonly logger: LadderLogger;
  private readonly now: () => number;
  private readonly opts: Required<LadderServiceOptions>;
  private readonly driftRepairs: Counter<"tier">;
  private readonly fallbackReads: Counter<"op">;
  private readonly cacheWriteFailures: Counter;
  private readonly pendingGauge: Gauge;

  private season = 0;
  private readonly pending = new Map<string, PendingWrite>();
  private needsRebuild = false;
  /** The start-up "rebuild if empty" check has not run yet (the cache was unreachable). */
  private needsStartupCheck = false;
  private rebuilding = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryAttempt = 0;
  private draining: Promise<void> | null = null;
  private driftTimer: NodeJS.Timeout | null = null;
  private seasonTimer: NodeJS.Timeout | null = null;
  private driftRunning: Promise<DriftReport> | null = null;
  private readonly countMismatch = new Set<TierKey>();
  private stopped = false;

  constructor(deps: LadderServiceDeps) {
    this.cache = deps.cache;
    this.store = deps.store;
    this.publisher = deps.publisher;
    this.logger = deps.logger;
    this.now = deps.now ?? Date.now;
    const o = deps.options ?? {};
    this.opts = {
      driftIntervalMs: o.driftIntervalMs ?? 5 * 60_000,
      driftTopN: o.driftTopN ?? 100,
      rebuildAboveRepairs: o.rebuildAboveRepairs ?? 25,
      maxPendingWrites: o.maxPendingWrites ?? 10_000,
      retryBaseMs: o.retryBaseMs ?? 100,
      retryMaxMs: o.retryMaxMs ?? 30_000,
      rebuildBatch: o.rebuildBatch ?? 5_000,
      maxLimit: o.maxLimit ?? 200,
      seasonRefreshMs: o.seasonRefreshMs ?? 15_000,
    };
    this.driftRepairs = new Counter({
      name: "pzo_ladder_drift_repairs_total",
      help: "Ladder cache entries repaired by the drift check (missing, stale or phantom).",
      labelNames: ["tier"],
      registers: [deps.registry],
    });
    this.fallbackReads = new Counter({
      name: "pzo_ladder_fallback_reads_total",
      help: "Ladder reads answered from PostgreSQL because the cache was unavailable or behind.",
      labelNames: ["op"],
      registers: [deps.registry],
    });
    this.cacheWriteFailures = new Counter({
      name: "pzo_ladder_cache_write_failures_total",
      help: "Ladder cache writes that failed and were queued for retry.",
      registers: [deps.registry],
    });
    this.pendingGauge = new Gauge({
      name: "pzo_ladder_cache_pending_writes",
      help: "Ladder cache writes queued for retry.",
      registers: [deps.registry],
    });
    const usable = (): boolean => this.cacheUsable();
    new Gauge({
      name: "pzo_ladder_cache_behind",
      help: "1 while the ladder cache is behind PostgreSQL (writes queued, a rebuild due or running): reads use PostgreSQL.",
      registers: [deps.registry],
      collect() {
        this.set(usable() ? 0 : 1);
      },
    });
  }

  /**
   * The cache's store came back after an outage (Redis 'ready' after a lost connection): it may
   * have come back empty or missed writes, so every active tier is rebuilt from PostgreSQL at
   * once (reads use PostgreSQL until it is done), and queued writes are applied.
   */
  cacheReconnected(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.needsRebuild = true;
    this.logger.info({}, "ladder: cache reachable again; rebuilding it from PostgreSQL");
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    return this.draining === null ? this.flush() : this.draining.then(() => this.flush());
  }

  // -------------------------------------------------------------------------------------------
  // Lifecycle
  // -------------------------------------------------------------------------------------------

  /**
   * Reads the current season, rebuilds every active tier whose cache is empty while
   * PostgreSQL has entries, and starts the drift timer. Never throws for a cache outage.
   */
  async start(): Promise<void> {
    this.stopped = false;
    this.season = await this.store.currentSeason();
    try {
      await this.rebuildEmptyTiers();
    } catch (err: unknown) {
      // Reads use PostgreSQL until the check has run (with backoff, like queued writes).
      this.needsStartupCheck = true;
      this.logger.warn({ err: errMessage(err) }, "ladder: start-up cache check failed; retrying in the background, reads use PostgreSQL meanwhile");
      this.scheduleRetry();
    }
    if (this.opts.driftIntervalMs > 0) {
      this.driftTimer = setInterval(() => {
        this.checkDrift().catch((err: unknown) => this.logger.error({ err: errMessage(err) }, "ladder: drift check failed"));
      }, this.opts.driftIntervalMs);
      this.driftTimer.unref();
    }
    if (this.opts.seasonRefreshMs > 0) {
      this.seasonTimer = setInterval(() => {
        this.refreshSeason().catch((err: unknown) => this.logger.warn({ err: errMessage(err) }, "ladder: season refresh failed"));
      }, this.opts.seasonRefreshMs);
      this.seasonTimer.unref();
    }
  }

  /** Rebuilds every active tier whose cache is empty while PostgreSQL has entries. */
  private async rebuildEmptyTiers(): Promise<void> {
    for (const tier of this.activeTiers()) {
      if ((await this.cache.count(tier)) === 0 && (await this.store.count(this.refOf(tier))) > 0) await this.rebuildTier(tier);
    }
  }

  /** Stops the timers and waits for a running drain or drift check. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.driftTimer !== null) clearInterval(this.driftTimer);
    if (this.seasonTimer !== null) clearInterval(this.seasonTimer);
    this.seasonTimer = null;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.driftTimer = null;
    this.retryTimer = null;
    await Promise.allSettled([this.draining, this.driftRunning]);
  }

  /** The current season's number (as of start, the last reset, or the last refresh). */
  currentSeason(): number {
    return this.season;
  }

  /** Cache writes waiting for retry. */
  get pendingWrites(): number {
    return this.pending.size;
  }

  private activeTiers(): TierKey[] {
    return ["all_time", tierKeyOf("season", this.season), "rating"];
  }

  private refOf(tier: TierKey): TierRef {
    return tier === "all_time" || tier === "rating" ? { tier, season: null } : { tier: "season", season: Number(tier.slice("season:".length)) };
  }

  /** The cache serves reads only while it has every committed write this process knows of. */
  private cacheUsable(): boolean {
    return this.pending.size === 0 && !this.needsRebuild && !this.needsStartupCheck && this.rebuilding === 0;
  }

  // -------------------------------------------------------------------------------------------
  // Reads
  // -------------------------------------------------------------------------------------------

  private resolveTier(q: TierQuery): { ok: true; tier: TierKey; ref: TierRef; cached: boolean } | { ok: false; message: string } {
    if (q.tier === "all_time" || q.tier === "rating") return { ok: true, tier: q.tier, ref: { tier: q.tier, season: null }, cached: true };
    const season = q.season ?? this.season;
    if (!Number.isSafeInteger(season) || season < 0) return { ok: false, message: `bad season ${season}` };
    // Only the current season lives in the cache; past seasons are read from PostgreSQL.
    return { ok: true, tier: tierKeyOf("season", season), ref: { tier: "season", season }, cached: season === this.season };
  }

  private async read<T>(op: string, cached: boolean, fromCache: () => Promise<T>, fromDb: () => Promise<T>): Promise<{ value: T; source: ReadSource }> {
    if (cached && this.cacheUsable()) {
      try {
        return { value: await fromCache(), source: "cache" };
      } catch (err: unknown) {
        outageLog.warn(this.logger, { op }, "ladder: cache read failed; answering from PostgreSQL", err);
      }
    }
    if (cached) this.fallbackReads.inc({ op });
    return { value: await fromDb(), source: "db" };
  }

  private checkLimit(name: string, n: number, min: number): string | null {
    return Number.isSafeInteger(n) && n >= min && n <= this.opts.maxLimit ? null : `${name} must be an integer in [${min}, ${this.opts.maxLimit}]`;
  }

  /** A page from the top, with a cursor for the next page. */
  async top(q: TierQuery, limit: number, cursor?: string | null): Promise<LadderRead<LadderPage>> {
    const t = this.resolveTier(q);
    if (!t.ok) return { ok: false, error: { code: "ladder/bad_season", message: t.message } };
    const bad = this.checkLimit("limit", limit, 1);
    if (bad !== null) return { ok: false, error: { code: "ladder/bad_limit", message: bad } };
    const after = cursor === undefined || cursor === null ? null : decodeCursor(cursor);
    if (cursor !== undefined && cursor !== null && after === null) return { ok: false, error: { code: "ladder/bad_cursor", message: "malformed cursor" } };
    const r = await this.read(
      "top",
      t.cached,
      () => this.cache.top(t.tier, limit, cursor),
      async () => {
        const rows = await this.store.top(t.ref, limit + 1, after);
        const entries = rows.slice(0, limit);
        const last = entries[entries.length - 1];
        return { entries, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(last.entry) : null };
      },
    );
    return { ok: true, ...r };
  }

  /** A player's rank and entry (value null when the player has no entry). */
  async rankOf(q: TierQuery, playerId: PlayerId): Promise<LadderRead<RankedEntry | null>> {
    const t = this.resolveTier(q);
    if (!t.ok) return { ok: false, error: { code: "ladder/bad_season", message: t.message } };
    const r = await this.read("rank", t.cached, () => this.cache.rankOf(t.tier, playerId), () => this.store.rankOf(t.ref, playerId));
    return { ok: true, ...r };
  }

  /** Players around a player, the player included (value null when the player has no entry). */
  async around(q: TierQuery, playerId: PlayerId, radius: number): Promise<LadderRead<readonly RankedEntry[] | null>> {
    const t = this.resolveTier(q);
    if (!t.ok) return { ok: false, error: { code: "ladder/bad_season", message: t.message } };
    const bad = this.checkLimit("radius", radius, 0);
    if (bad !== null) return { ok: false, error: { code: "ladder/bad_limit", message: bad } };
    const r = await this.read("around", t.cached, () => this.cache.around(t.tier, playerId, radius), () => this.store.around(t.ref, playerId, radius));
    return { ok: true, ...r };
  }

  /** Players in a tier. */
  async count(q: TierQuery): Promise<LadderRead<number>> {
    const t = this.resolveTier(q);
    if (!t.ok) return { ok: false, error: { code: "ladder/bad_season", message: t.message } };
    const r = await this.read("count", t.cached, () => this.cache.count(t.tier), () => this.store.count(t.ref));
    return { ok: true, ...r };
  }

  /** A player's standing in the active tiers (e.g. before deleting the account). */
  async standingsOf(playerId: PlayerId): Promise<Standings> {
    const seasonNumber = this.season;
    const [a, s, r] = await Promise.all([
      this.rankOf({ tier: "all_time" }, playerId),
      this.rankOf({ tier: "season", season: seasonNumber }, playerId),
      this.rankOf({ tier: "rating" }, playerId),
    ]);
    return { allTime: a.ok ? a.value : null, season: s.ok ? s.value : null, seasonNumber, rating: r.ok ? r.value : null };
  }

  // -------------------------------------------------------------------------------------------
  // Writes
  // -------------------------------------------------------------------------------------------

  /**
   * After a commit: updates the cache for each change and publishes one delta per change (one
   * per tier). Never throws: failed cache writes are queued and ranks then come from
   * PostgreSQL. A change the cache already has a newer version of (it arrived late) sends no
   * delta: the newer change's delta went out. Returns the deltas published.
   */
  async applyChanges(changes: readonly LadderChange[]): Promise<readonly LadderDelta[]> {
    if (changes.some((c) => c.tier === "season" && c.season > this.season)) {
      await this.refreshSeason().catch((err: unknown) => this.logger.warn({ err: errMessage(err) }, "ladder: season refresh failed"));
    }
    // The changes touch distinct (tier, player) entries, so they go out together: on Redis their
    // upserts and publishes are pipelined on the connection (one round trip for both tiers of a
    // submission, not one per tier). Deltas come back in the order of `changes`.
    const deltas = await Promise.all(changes.map((change) => this.applyChange(change)));
    return deltas.filter((d): d is LadderDelta => d !== null);
  }

  /** One change of {@link applyChanges}: the cache, then its delta (null when none is sent). */
  private async applyChange(change: LadderChange): Promise<LadderDelta | null> {
    const tier = tierKeyOf(change.tier, change.season);
    const after = entryAfter(change);
    const isNew = change.gamesPlayed <= 1;
    let ranks: { oldRank: number | null; newRank: number } | null = null;
    if (change.tier !== "season" || change.season === this.season) {
      const written = await this.writeCache({ kind: "upsert", tier, entry: after, force: false });
      if (written !== null && !written.applied) {
        // A newer change for this player reached the cache first, and its delta went out.
        this.logger.info({ tier, playerId: after.playerId, games: after.games }, "ladder: stale cache write skipped (a newer one was applied)");
        return null;
      }
      ranks = written;
    }
    if (ranks === null) {
      try {
        ranks = await this.ranksFromDb(this.refOf(tier), isNew ? null : change.oldTotal, after);
      } catch (err: unknown) {
        this.logger.error({ tier, playerId: after.playerId, err: errMessage(err) }, "ladder: no ranks for a delta (cache and PostgreSQL unavailable); delta not sent");
        return null;
      }
    }
    const delta: LadderDelta = {
      type: "ladder.changed",
      tier: change.tier,
      season: change.tier === "season" ? change.season : null,
      playerId: after.playerId,
      oldRank: isNew ? null : ranks.oldRank,
      newRank: ranks.newRank,
      total: after.total,
      change: change.delta,
      at: this.now(),
    };
    await this.publish(delta);
    return delta;
  }

  /**
   * Ranks from PostgreSQL (cache unavailable). The new rank is exact. The old one is the rank
   * the old total would have among the others now, first among equal totals (the old
   * tie-break time is not known after the commit).
   */
  private async ranksFromDb(ref: TierRef, oldTotal: number | null, after: LadderEntry): Promise<{ oldRank: number | null; newRank: number }> {
    const newRank = (await this.store.countAhead(ref, after, after.playerId)) + 1;
    const oldRank = oldTotal === null ? null : (await this.store.countAhead(ref, { total: oldTotal, firstReachedAt: 0, playerId: "" }, after.playerId)) + 1;
    return { oldRank, newRank };
  }

  private async publish(delta: LadderDelta): Promise<void> {
    try {
      await this.publisher.publish(delta);
    } catch (err: unknown) {
      this.logger.error({ err: errMessage(err), tier: delta.tier, playerId: delta.playerId }, "ladder: delta publish failed");
    }
  }

  /**
   * Applies one write to the cache now, or queues it (when others are queued, a rebuild runs,
   * or the write fails). Returns the cache's ranks when it was applied now.
   */
  private async writeCache(w: PendingWrite): Promise<UpsertResult | null> {
    if (this.cacheUsable()) {
      try {
        if (w.kind === "upsert") return await this.cache.upsert(w.tier, w.entry, { force: w.force });
        await this.cache.remove(w.tier, w.playerId);
        return null;
      } catch (err: unknown) {
        this.cacheWriteFailures.inc();
        outageLog.warn(this.logger, { tier: w.tier }, "ladder: cache write failed; queued for retry", err);
      }
    }
    this.enqueue(w);
    return null;
  }

  private enqueue(w: PendingWrite): void {
    const pid = w.kind === "upsert" ? w.entry.playerId : w.playerId;
    const key = `${w.tier}\u0000${pid}`;
    if (!this.pending.has(key) && this.pending.size >= this.opts.maxPendingWrites) {
      if (!this.needsRebuild) this.logger.error({ max: this.opts.maxPendingWrites }, "ladder: cache write queue full; the cache will be rebuilt from PostgreSQL");
      this.needsRebuild = true;
    } else {
      // Coalesce: the newest write for a player replaces the older one (each carries the full entry).
      this.pending.delete(key);
      this.pending.set(key, w);
    }
    this.pendingGauge.set(this.pending.size);
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.retryTimer !== null || this.stopped) return;
    const delay = Math.min(this.opts.retryMaxMs, this.opts.retryBaseMs * 2 ** Math.min(this.retryAttempt, 30));
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.flush().catch((err: unknown) => this.logger.error({ err: errMessage(err) }, "ladder: cache retry failed"));
    }, delay);
    this.retryTimer.unref();
  }

  /**
   * Drains the retry queue now (and rebuilds when the cache was marked for it). Resolves when
   * the queue is empty, or after a failure (a retry is then scheduled with backoff).
   */
  flush(): Promise<void> {
    this.draining ??= this.drain().finally(() => {
      this.draining = null;
    });
    return this.draining;
  }

  private async drain(): Promise<void> {
    try {
      if (this.needsStartupCheck) {
        await this.rebuildEmptyTiers();
        this.needsStartupCheck = false;
      }
      if (this.needsRebuild) {
        this.needsRebuild = false;
        try {
          for (const tier of this.activeTiers()) await this.rebuildTier(tier);
        } catch (err: unknown) {
          this.needsRebuild = true;
          throw err;
        }
      }
      for (const [key, w] of this.pending) {
        if (w.kind === "upsert") await this.cache.upsert(w.tier, w.entry, { force: w.force });
        else await this.cache.remove(w.tier, w.playerId);
        // Delete only if no newer write for this player arrived meanwhile.
        if (this.pending.get(key) === w) this.pending.delete(key);
        this.pendingGauge.set(this.pending.size);
      }
      if (this.pending.size > 0 || this.needsRebuild || this.needsStartupCheck) {
        this.retryAttempt = 0;
        this.scheduleRetry();
        return;
      }
      if (this.retryAttempt > 0) this.logger.info({}, "ladder: cache reachable again; queued writes applied");
      this.retryAttempt = 0;
    } catch (err: unknown) {
      this.retryAttempt++;
      outageLog.warn(this.logger, { pending: this.pending.size, attempt: this.retryAttempt }, "ladder: cache still unavailable; will retry", err);
      this.scheduleRetry();
    }
  }

  private async refreshSeason(): Promise<void> {
    const season = await this.store.currentSeason();
    if (season !== this.season) {
      this.logger.info({ from: this.season, to: season }, "ladder: current season changed");
      this.season = season;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Drift check and rebuild
  // -------------------------------------------------------------------------------------------

  /**
   * Compares the cache's top N with PostgreSQL for each active tier and repairs every
   * difference (missing, stale or phantom entries), up to three passes per tier so a repaired
   * phantom cannot leave a new difference behind. Skipped while the cache is unreachable.
   */
  checkDrift(): Promise<DriftReport> {
    this.driftRunning ??= this.runDriftCheck().finally(() => {
      this.driftRunning = null;
    });
    return this.driftRunning;
  }

  private async runDriftCheck(): Promise<DriftReport> {
    await this.refreshSeason();
    if (this.pending.size > 0 || this.needsRebuild || this.needsStartupCheck) await this.flush();
    const repairs: Partial<Record<TierKey, number>> = {};
    const rebuilt: TierKey[] = [];
    if (!this.cacheUsable()) return { skipped: true, repairs, rebuilt };
    try {
      for (const tier of this.activeTiers()) {
        const n = await this.repairTier(tier);
        repairs[tier] = n;
        if (n > 0) {
          this.driftRepairs.inc({ tier: this.refOf(tier).tier }, n);
          this.logger.warn({ tier, repairs: n, alert: n > 1 }, "ladder: drift repaired");
        }
        const [cached, truth] = await Promise.all([this.cache.count(tier), this.store.count(this.refOf(tier))]);
        const countOff = cached !== truth;
        if (n > this.opts.rebuildAboveRepairs || (countOff && this.countMismatch.has(tier))) {
          this.logger.warn({ tier, repairs: n, cached, truth }, "ladder: drift beyond the top; rebuilding the tier");
          await this.rebuildTier(tier);
          rebuilt.push(tier);
          this.countMismatch.delete(tier);
        } else if (countOff) {
          // Writes in flight explain a transient mismatch; a second one in a row does not.
          this.countMismatch.add(tier);
        } else {
          this.countMismatch.delete(tier);
        }
      }
    } catch (err: unknown) {
      this.logger.warn({ err: errMessage(err) }, "ladder: drift check could not finish (cache unavailable?)");
      return { skipped: true, repairs, rebuilt };
    }
    return { skipped: false, repairs, rebuilt };
  }

  private async repairTier(tier: TierKey): Promise<number> {
    const ref = this.refOf(tier);
    const n = this.opts.driftTopN;
    let repaired = 0;
    for (let pass = 0; pass < 3; pass++) {
      const [cacheTop, dbTop] = await Promise.all([this.cache.snapshot(tier, n), this.store.top(ref, n, null)]);
      const cached = new Map(cacheTop.map((r) => [r.entry.playerId, r.entry] as const));
      const truth = new Map(dbTop.map((r) => [r.entry.playerId, r.entry] as const));
      let fixes = 0;
      for (const [pid, e] of truth) {
        const c = cached.get(pid);
        if (c === undefined || !sameEntry(c, e)) {
          await this.cache.upsert(tier, e, { force: true });
          fixes++;
        }
      }
      const strangers = [...cached.keys()].filter((pid) => !truth.has(pid));
      if (strangers.length > 0) {
        const real = new Map((await this.store.entriesOf(ref, strangers)).map((e) => [e.playerId, e] as const));
        for (const pid of strangers) {
          const e = real.get(pid);
          const c = cached.get(pid);
          if (e === undefined) {
            await this.cache.remove(tier, pid);
            fixes++;
          } else if (c === undefined || !sameEntry(c, e)) {
            await this.cache.upsert(tier, e, { force: true });
            fixes++;
          }
        }
      }
      // Same players, same entries: the order is then the same too (both follow the rules).
      repaired += fixes;
      if (fixes === 0) break;
    }
    return repaired;
  }

  /**
   * Admin: rebuilds the cache of every active tier (or one) from PostgreSQL. Writes arriving
   * meanwhile are queued and applied after the swap. Returns the entry count per tier.
   */
  async rebuild(tier?: TierKey): Promise<Readonly<Partial<Record<TierKey, number>>>> {
    const out: Partial<Record<TierKey, number>> = {};
    for (const t of tier === undefined ? this.activeTiers() : [tier]) out[t] = await this.rebuildTier(t);
    await this.flush();
    return out;
  }

  private async rebuildTier(tier: TierKey): Promise<number> {
    this.rebuilding++;
    const started = this.now();
    try {
      const n = await this.cache.replaceAll(tier, this.store.allEntries(this.refOf(tier), this.opts.rebuildBatch));
      this.logger.info({ tier, entries: n, ms: this.now() - started, cache: this.cache.kind }, "ladder: cache tier rebuilt from PostgreSQL");
      return n;
    } finally {
      this.rebuilding--;
      if (this.pending.size > 0) this.scheduleRetry();
    }
  }

  // -------------------------------------------------------------------------------------------
  // Administration
  // -------------------------------------------------------------------------------------------

  /**
   * Admin: archives the current season (it stays readable from PostgreSQL) and opens the next.
   * The new season's tier starts empty; the old one's cache keys are dropped.
   */
  async resetSeason(request?: SeasonEndRequest): Promise<SeasonReset | null> {
    const reset = await this.store.startNextSeason(request);
    if (reset === null) {
      // Someone else ended the season asked for: follow the current one.
      await this.refreshSeason();
      return null;
    }
    const oldTier = tierKeyOf("season", reset.closed);
    this.season = reset.opened;
    this.logger.info({ closed: reset.closed, opened: reset.opened }, "ladder: season reset");
    try {
      await this.cache.replaceAll(oldTier, []);
    } catch (err: unknown) {
      this.logger.warn({ tier: oldTier, err: errMessage(err) }, "ladder: could not drop the archived season's cache keys");
    }
    return reset;
  }

  /**
   * After an account's ladder rows were deleted: removes the player's cache members in both
   * active tiers and publishes a `ladder.removed` delta for each tier where the player was in
   * the top 10. Pass `known` (from {@link standingsOf}, taken before the deletion) so the
   * deltas go out even when the cache is down. Returns the deltas published.
   */
  async removePlayer(playerId: PlayerId, known?: Standings): Promise<readonly LadderDelta[]> {
    const deltas: LadderDelta[] = [];
    for (const tier of this.activeTiers()) {
      const ref = this.refOf(tier);
      let removed: RankedEntry | null = null;
      if (this.cacheUsable()) {
        try {
          removed = await this.cache.remove(tier, playerId);
        } catch (err: unknown) {
          this.logger.warn({ tier, err: errMessage(err) }, "ladder: cache remove failed; queued for retry");
          this.enqueue({ kind: "remove", tier, playerId });
        }
      } else {
        this.enqueue({ kind: "remove", tier, playerId });
      }
      if (known !== undefined) {
        const k = ref.tier === "all_time" ? known.allTime : ref.tier === "rating" ? (known.rating ?? null) : known.seasonNumber === ref.season ? known.season : null;
        removed ??= k;
      }
      if (removed !== null && removed.rank <= TOP10) {
        const delta: LadderDelta = {
          type: "ladder.removed",
          tier: ref.tier,
          season: ref.season,
          playerId,
          oldRank: removed.rank,
          newRank: null,
          total: removed.entry.total,
          change: -removed.entry.total,
          at: this.now(),
        };
        deltas.push(delta);
        await this.publish(delta);
      }
    }
    return deltas;
  }
}
