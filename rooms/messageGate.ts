/**
 * The per-client message budget as the rooms apply it: one call per incoming message, before
 * any handler runs (rooms/messageLimits.ts decides).
 */
import type { Client } from "@colyseus/core";
import { MessageLimiter, RATE_LIMITED_CLOSE_CODE, type MessageLimitConfig } from "./messageLimits.js";

/**
 * Returns `admitted(client, type, raw)`: true when the message may be handled. Otherwise the
 * client is answered through `answer` (the first excess of a window), ignored, or disconnected
 * with close code 4029. Clients for which `exempt` says true (the server's own bots, which move
 * as fast as BOT_MOVE_DELAY_MS lets them) spend no budget; `exempt` is asked once per client
 * (its first message), not on every message.
 */
export function admitMessage<C extends Client>(
  config: MessageLimitConfig,
  now: () => number,
  answer: (client: C, type: string, raw: unknown) => void,
  exempt: (client: C) => boolean = () => false,
): (client: C, type: string, raw: unknown) => boolean {
  const limiter = new MessageLimiter<C>(config, now);
  const exemptions = new WeakMap<C, boolean>();
  return (client, type, raw) => {
    let isExempt = exemptions.get(client);
    if (isExempt === undefined) {
      isExempt = exempt(client);
      exemptions.set(client, isExempt);
    }
    if (isExempt) return true;
    const verdict = limiter.take(client);
    switch (verdict) {
      case "handle":
        return true;
      case "answer_limited":
        answer(client, type, raw);
        return false;
      case "drop":
        return false;
      case "close":
        client.leave(RATE_LIMITED_CLOSE_CODE, "rate_limited: too many messages");
        return false;
      default: {
        const never: never = verdict;
        throw new Error(`unknown verdict ${String(never)}`);
      }
    }
  };
}
