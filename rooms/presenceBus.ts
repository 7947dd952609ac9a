/**
 * Ladder deltas over Colyseus presence: with RedisPresence they cross processes, so a lobby in
 * any process sees a game finished in any other.
 */
import type { Presence } from "@colyseus/core";
import type { LadderDeltaMessage } from "../src/shared/protocol.js";
import type { DeltaPublisher } from "../src/ladder/deltas.js";
import { ladderDeltaSchema } from "../src/shared/ladderDelta.js";
import type { DeltaSubscriber } from "./ports.js";

/** Publishes and receives ladder deltas on one presence channel. */
export class PresenceDeltaBus implements DeltaPublisher, DeltaSubscriber {
  private readonly channel: string;

  constructor(
    private readonly presence: Presence,
    prefix: string,
    private readonly onInvalid: (error: unknown) => void = () => undefined,
  ) {
    this.channel = `${prefix}ladder:delta`;
  }

  publish(delta: LadderDeltaMessage): Promise<void> {
    return Promise.resolve(this.presence.publish(this.channel, delta)).then(() => undefined);
  }

  async subscribe(listener: (delta: LadderDeltaMessage) => void): Promise<() => void> {
    const callback = (data: unknown): void => {
      const parsed = ladderDeltaSchema.safeParse(data);
      if (parsed.success) listener(parsed.data);
      else this.onInvalid(parsed.error);
    };
    await this.presence.subscribe(this.channel, callback);
    return () => {
      this.presence.unsubscribe(this.channel, callback);
    };
  }
}
