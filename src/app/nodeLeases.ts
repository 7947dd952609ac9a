/**
 * Node loss (issue 19, item 3): each process keeps its lease on its games alive and adopts the
 * games of processes that died (docs/OPERATIONS.md, Failure modes; docs/STORAGE.md, Leases).
 *
 * Every `NODE_SWEEP_MS` one sweep: renew this process's `node_leases` row (one statement), then,
 * once this process has itself been renewing for a whole `NODE_LEASE_MS` (so that after a database
 * outage every process had the same chance to renew before anyone adopts), claim the games whose
 * owner's lease expired and rebuild each one's table from its log (`adopt`), drop the directory
 * rows of a dead process's waiting tables, and (with Redis) remove a dead process's matchmaking
 * listings. A process whose own lease may have lapsed (its renewals failed for a lease period)
 * checks which of its tables another process claimed meanwhile and closes them (`lose`).
 */
import type { GameId } from "../game/types.js";
import type { Logger } from "../platform/logger.js";
import { outageLog } from "../platform/outageLog.js";
import type { Database } from "../../db/client.js";
import { claimGames, dropDeadListings, type ClaimedGame, lostGames, pruneNodes, releaseNode, renewNode } from "../../db/gameLeases.js";

/** Games claimed per statement, and statements per sweep at most (the rest come at the next sweeps). */
const CLAIM_LIMIT = 50;
const CLAIM_BATCHES = 20;
/** How long after a failed rebuild of a claimed game it is tried again. */
const ADOPT_RETRY_MS = 30_000;
/** Leases expired for longer than this are deleted (their games stay claimable either way). */
const PRUNE_AFTER_MS = 10 * 60_000;

/** What the keeper drives. */
export interface NodeLeaseDeps {
  readonly db: Database;
  readonly nodeId: string;
  readonly leaseMs: number;
  readonly sweepMs: number;
  /** No other process can serve this one's players (no Redis): the first sweep takes every game in progress. */
  readonly sole: boolean;
  /** Claims games at all (RESTORE_GAMES); false: the lease is kept, nothing is adopted. */
  readonly claims: boolean;
  /** Rebuilds a claimed game's table here, under its game id (false: restores are off). */
  adopt(gameId: GameId): Promise<void>;
  /** The games whose tables this process hosts now. */
  hosted(): readonly GameId[];
  /** Closes the table of a game another process claimed. */
  lose(gameId: GameId): void;
  /** Removes the matchmaking listings of dead processes (Redis); optional. */
  sweepMatchmaking?(): Promise<void>;
  readonly logger: Logger;
  readonly now?: () => number;
}

/** Adoption figures (for the metrics and the log). */
export interface NodeLeaseStats {
  adopted: number;
  lost: number;
  failedSweeps: number;
}

/** One process's leases: renewal, adoption, release at shutdown. */
export class NodeLeaseKeeper {
  readonly stats: NodeLeaseStats = { adopted: 0, lost: 0, failedSweeps: 0 };
  private timer: ReturnType<typeof setInterval> | undefined;
  private running: Promise<void> | null = null;
  /** When the renewals last started succeeding without a gap (null: the last one failed). */
  private healthySince: number | null = null;
  private lastRenewed: number | null = null;
  private lastPrune = 0;
  /** Claimed games whose rebuild failed: when to try again. */
  private readonly retries = new Map<GameId, number>();
  private readonly now: () => number;

  constructor(private readonly deps: NodeLeaseDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Takes this process's lease (before it creates or hosts any table). */
  async register(): Promise<void> {
    await renewNode(this.deps.db, this.deps.nodeId, this.deps.leaseMs);
    this.healthySince = this.lastRenewed = this.now();
  }

  /** The first sweep (the start-up restore), then one every `sweepMs`. */
  async start(): Promise<void> {
    await this.sweep(true);
    if (this.deps.claims) this.deps.logger.info({ restored: this.stats.adopted, waitingForLeases: !this.deps.sole }, "restored in-progress games");
    this.timer = setInterval(() => void this.sweep(false), this.deps.sweepMs);
    this.timer.unref();
  }

  /** Stops sweeping; with `release`, gives this process's games up for another to adopt at once. */
  async stop(release: boolean): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
    if (!release) return;
    try {
      const released = await releaseNode(this.deps.db, this.deps.nodeId);
      if (released > 0) this.deps.logger.info({ games: released }, "leases released: another process may adopt these games now");
    } catch (err) {
      this.deps.logger.warn({ err }, "cannot release this process's leases; they expire by themselves");
    }
  }

  /** One sweep (never two at once; never throws). */
  sweep(first: boolean): Promise<void> {
    this.running ??= this.sweepOnce(first).finally(() => (this.running = null));
    return this.running;
  }

  private async sweepOnce(first: boolean): Promise<void> {
    try {
      const before = this.lastRenewed;
      await this.renew();
      // A gap in renewals as long as the lease: another process may have adopted tables of this one.
      if (before !== null && (this.lastRenewed ?? before) - before >= this.deps.leaseMs) await this.checkLost();
      await this.deps.sweepMatchmaking?.().catch((err: unknown) => outageLog.warn(this.deps.logger, {}, "cannot sweep dead processes' matchmaking listings", err));
      const settled = this.healthySince !== null && this.now() - this.healthySince >= this.deps.leaseMs;
      // Unowned games (released, or from before leases) may be taken at once; expired ones once
      // settled; with `sole`, at start, every game in progress (never later: a second process
      // without Redis would otherwise take tables back and forth).
      if (this.deps.claims) await this.claim({ sole: first && this.deps.sole, expired: settled });
      await this.retryDue();
      if (settled) await this.prune();
    } catch (err) {
      this.stats.failedSweeps += 1;
      outageLog.warn(this.deps.logger, {}, "node lease sweep failed; retrying at the next sweep", err);
    }
  }

  private async renew(): Promise<void> {
    try {
      await renewNode(this.deps.db, this.deps.nodeId, this.deps.leaseMs);
    } catch (err) {
      this.healthySince = null;
      throw err;
    }
    const now = this.now();
    this.healthySince ??= now;
    this.lastRenewed = now;
  }

  /** Closes the tables of this process that another process claimed. */
  private async checkLost(): Promise<void> {
    for (const gameId of await lostGames(this.deps.db, this.deps.nodeId, this.deps.hosted())) {
      this.stats.lost += 1;
      this.deps.logger.warn({ gameId }, "another process adopted this table while this one could not renew its lease; closing it here");
      this.deps.lose(gameId);
    }
  }

  /** Claims and adopts, a batch at a time, until a batch is not full (at most {@link CLAIM_BATCHES}). */
  private async claim(which: { readonly sole: boolean; readonly expired: boolean }): Promise<void> {
    if (which.expired) await dropDeadListings(this.deps.db);
    for (let batch = 0; batch < CLAIM_BATCHES; batch++) {
      const claimed = await claimGames(this.deps.db, this.deps.nodeId, { limit: CLAIM_LIMIT, ...which });
      await this.adoptAll(claimed);
      if (claimed.length < CLAIM_LIMIT) return;
    }
  }

  private async adoptAll(claimed: readonly ClaimedGame[]): Promise<void> {
    for (const { gameId, epoch } of claimed) await this.tryAdopt(gameId, epoch);
  }

  /**
   * Rebuilds a claimed game's table. A game that could not be rebuilt stays claimed by this
   * process and is tried again every {@link ADOPT_RETRY_MS} (one error line each time).
   */
  private async tryAdopt(gameId: GameId, epoch: number | null): Promise<void> {
    try {
      await this.deps.adopt(gameId);
      this.retries.delete(gameId);
      this.stats.adopted += 1;
      this.deps.logger.info({ gameId, epoch }, "adopted a table from its log");
    } catch (err) {
      this.retries.set(gameId, this.now() + ADOPT_RETRY_MS);
      this.deps.logger.error({ err, gameId }, "could not rebuild an adopted table; trying again later");
    }
  }

  /** The claimed games whose rebuild failed and is due again. */
  private async retryDue(): Promise<void> {
    for (const [gameId, at] of [...this.retries]) if (at <= this.now()) await this.tryAdopt(gameId, null);
  }

  private async prune(): Promise<void> {
    if (this.now() - this.lastPrune < PRUNE_AFTER_MS / 10) return;
    this.lastPrune = this.now();
    await pruneNodes(this.deps.db, PRUNE_AFTER_MS);
  }
}
