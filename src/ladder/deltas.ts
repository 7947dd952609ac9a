/**
 * Live ladder deltas (the type, derived from its zod schema, is in src/shared/ladderDelta.ts): one
 * per tier for every committed ladder change, and one when a player who was in a top 10 is
 * removed. The rooms implement {@link DeltaPublisher} with
 * Colyseus presence (so deltas cross processes); {@link InProcessDeltaPublisher} is the
 * single-process implementation, with a bounded history so an SSE stream can resume from
 * `Last-Event-ID`.
 */
import type { LadderDelta } from "../shared/ladderDelta.js";

export type { LadderChangedDelta, LadderDelta, LadderRemovedDelta } from "../shared/ladderDelta.js";

/** The port deltas go out through. Failures are logged by the service, never thrown to callers. */
export interface DeltaPublisher {
  publish(delta: LadderDelta): void | Promise<void>;
}

/** A delta with its stream id (increasing within one process). */
export interface SequencedDelta {
  readonly id: number;
  readonly delta: LadderDelta;
}

/**
 * In-process publisher: fans deltas out to subscribers and keeps the last `historySize`
 * for resumption (`since(lastEventId)`).
 */
export class InProcessDeltaPublisher implements DeltaPublisher {
  private readonly listeners = new Set<(d: SequencedDelta) => void>();
  private readonly history: SequencedDelta[] = [];
  private nextId = 1;

  constructor(private readonly historySize = 1_000) {}

  publish(delta: LadderDelta): void {
    const item = { id: this.nextId++, delta };
    this.history.push(item);
    if (this.history.length > this.historySize) this.history.shift();
    for (const listener of this.listeners) {
      try {
        listener(item);
      } catch {
        // One failing subscriber must not starve the others; subscribers log their own errors.
      }
    }
  }

  /** Subscribes; returns the unsubscribe function. */
  subscribe(listener: (d: SequencedDelta) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /**
   * Deltas after `lastId`, for `Last-Event-ID` resume. `complete` is false when some were
   * already dropped from the history (the client should refetch a snapshot).
   */
  since(lastId: number): { readonly deltas: readonly SequencedDelta[]; readonly complete: boolean } {
    const first = this.history[0];
    const complete = first === undefined ? lastId >= this.nextId - 1 : lastId >= first.id - 1;
    return { deltas: this.history.filter((d) => d.id > lastId), complete };
  }

  /** The id of the last published delta (0 before any). */
  get lastId(): number {
    return this.nextId - 1;
  }
}

/** Publishes each delta to several publishers (e.g. presence for lobbies, in-process for SSE). */
export class FanoutDeltaPublisher implements DeltaPublisher {
  constructor(private readonly targets: readonly DeltaPublisher[]) {}

  async publish(delta: LadderDelta): Promise<void> {
    const results = await Promise.allSettled(this.targets.map(async (t) => {
      await t.publish(delta);
    }));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed !== undefined) throw failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));
  }
}
