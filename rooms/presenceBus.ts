/**
 * Ladder deltas over Colyseus presence: with RedisPresence they cross processes, so a lobby in
 * any process sees a game finished in any other.
 *
 * Publishing never fails and never waits (issue 19, item 1): a delta goes into an outbox that is
 * sent in order. While presence (Redis) is down, the deltas stay there (at most
 * {@link DELTA_OUTBOX_LIMIT}, oldest dropped first) and are sent again every second, and at once
 * when the composition root says Redis is back ({@link PresenceDeltaBus.flushSoon}), once the
 * channel has a subscriber again: so the lobbies and every process's SSE history (and with it
 * a `Last-Event-ID` resume) get the deltas of the outage after it.
 */
import type { Presence } from "@colyseus/core";
import type { LadderDeltaMessage } from "../src/shared/protocol.js";
import type { DeltaPublisher } from "../src/ladder/deltas.js";
import { ladderDeltaSchema } from "../src/shared/ladderDelta.js";
import type { DeltaSubscriber } from "./ports.js";

/** Deltas kept while presence is down; past it the oldest are dropped (and counted). */
export const DELTA_OUTBOX_LIMIT = 10_000;

/** Between two tries to send the outbox while presence is down, ms. */
export const DELTA_RETRY_MS = 1_000;

/** What the bus reports (the composition root turns it into metrics and logs). */
export interface DeltaBusHooks {
  readonly onInvalid?: (error: unknown) => void;
  /** A publish failed; the delta stays in the outbox. */
  readonly onPublishFailed?: (error: unknown, outbox: number) => void;
  /** The outbox was sent after failures. */
  readonly onFlushed?: (sent: number) => void;
  /** Deltas dropped because the outbox was full. */
  readonly onDropped?: (count: number) => void;
  /** The outbox's size after every change. */
  readonly onOutboxSize?: (size: number) => void;
}

/** Publishes and receives ladder deltas on one presence channel. */
export class PresenceDeltaBus implements DeltaPublisher, DeltaSubscriber {
  private readonly channel: string;
  private readonly outbox: LadderDeltaMessage[] = [];
  private sending: Promise<void> | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private failing = false;
  private sentSinceFailure = 0;

  constructor(
    private readonly presence: Presence,
    prefix: string,
    private readonly hooks: DeltaBusHooks = {},
  ) {
    this.channel = `${prefix}ladder:delta`;
  }

  /** Queues `delta` and starts sending; resolves at once (failures are retried, never thrown). */
  publish(delta: LadderDeltaMessage): Promise<void> {
    this.outbox.push(delta);
    if (this.outbox.length > DELTA_OUTBOX_LIMIT) {
      this.outbox.splice(0, this.outbox.length - DELTA_OUTBOX_LIMIT);
      this.hooks.onDropped?.(1);
    }
    this.hooks.onOutboxSize?.(this.outbox.length);
    if (!this.failing) void this.send();
    return Promise.resolve();
  }

  /** Deltas waiting to be sent. */
  get pending(): number {
    return this.outbox.length;
  }

  /** Tries the outbox now (presence is back). */
  flushSoon(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    void this.send();
  }

  /** Stops retrying (shutdown); what is still in the outbox is lost with the process. */
  stop(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  async subscribe(listener: (delta: LadderDeltaMessage) => void): Promise<() => void> {
    const callback = (data: unknown): void => {
      const parsed = ladderDeltaSchema.safeParse(data);
      if (parsed.success) listener(parsed.data);
      else this.hooks.onInvalid?.(parsed.error);
    };
    await this.presence.subscribe(this.channel, callback);
    return () => {
      void Promise.resolve(this.presence.unsubscribe(this.channel, callback)).catch(() => undefined);
    };
  }

  private send(): Promise<void> {
    this.sending ??= this.sendAll().finally(() => {
      this.sending = null;
      // A delta queued after the loop saw an empty outbox, but before this ran, goes now.
      if (this.outbox.length > 0 && !this.failing) void this.send();
    });
    return this.sending;
  }

  private async sendAll(): Promise<void> {
    try {
      // After a failure, only once the channel has a subscriber again (a subscription comes back
      // a moment after the publishing connection; a delta sent before it would reach nobody).
      if (this.failing && !(await this.presence.channels(this.channel)).includes(this.channel)) throw new Error("no subscriber on the delta channel yet");
      while (this.outbox.length > 0) {
        await this.presence.publish(this.channel, this.outbox[0]);
        this.outbox.shift();
        this.sentSinceFailure += 1;
        this.hooks.onOutboxSize?.(this.outbox.length);
      }
      if (this.failing) this.hooks.onFlushed?.(this.sentSinceFailure);
      this.failing = false;
      this.sentSinceFailure = 0;
    } catch (err) {
      this.failing = true;
      this.hooks.onPublishFailed?.(err, this.outbox.length);
      if (this.retryTimer === null) {
        this.retryTimer = setTimeout(() => {
          this.retryTimer = null;
          void this.send();
        }, DELTA_RETRY_MS);
        this.retryTimer.unref();
      }
    }
  }
}
