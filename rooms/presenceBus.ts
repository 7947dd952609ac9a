/**
 * Ladder deltas over Colyseus presence: with RedisPresence they cross processes, so a lobby in
 * any process sees a game finished in any other.
 */
import type { Presence } from "@colyseus/core";
import { z } from "zod";
import type { LadderDeltaMessage } from "../src/shared/protocol.js";
import type { DeltaPublisher } from "../src/ladder/deltas.js";
import { asPlayerId } from "./identity.js";
import type { DeltaSubscriber } from "./ports.js";

const base = {
  tier: z.enum(["all_time", "season"]),
  season: z.number().int().nullable(),
  playerId: z.string().min(1).max(256).transform(asPlayerId),
  total: z.number(),
  at: z.number(),
};

/** The wire shape of a ladder delta on the presence channel (validated on receipt). */
export const ladderDeltaSchema = z.discriminatedUnion("type", [
  z.object({ ...base, type: z.literal("ladder.changed"), oldRank: z.number().int().nullable(), newRank: z.number().int(), change: z.number() }),
  z.object({ ...base, type: z.literal("ladder.removed"), oldRank: z.number().int(), newRank: z.null(), change: z.number() }),
]);

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
