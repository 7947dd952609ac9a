/**
 * The table's quick chat, kept out of the room: a fixed phrase by id from a seated player,
 * rate-limited per seat (src/shared/protocol.ts `EMOTE_LIMIT`), then broadcast to every client
 * of the table, spectators included.
 */
import { EMOTE_LIMIT, type EmoteId, type EmoteMessage } from "../src/shared/protocol.js";

/** Per-seat sliding window: at most `burst` emotes per `windowMs`, `minGapMs` apart. */
export class EmoteLimiter {
  private readonly sent = new Map<number, number[]>();

  constructor(private readonly limit: { readonly burst: number; readonly windowMs: number; readonly minGapMs: number } = EMOTE_LIMIT) {}

  /** Records and allows the emote, or refuses it (nothing recorded). */
  allow(seat: number, now: number): boolean {
    const recent = (this.sent.get(seat) ?? []).filter((t) => now - t < this.limit.windowMs);
    const last = recent[recent.length - 1];
    if (recent.length >= this.limit.burst || (last !== undefined && now - last < this.limit.minGapMs)) {
      this.sent.set(seat, recent);
      return false;
    }
    recent.push(now);
    this.sent.set(seat, recent);
    return true;
  }
}

export type EmoteOutcome =
  | { readonly ok: true; readonly message: EmoteMessage }
  | { readonly ok: false; readonly code: "table/not_seated" | "table/emote_rate_limited"; readonly message: string };

/** Decides one emote: who may say it and how often. */
export function decideEmote(limiter: EmoteLimiter, seat: number | null, emote: EmoteId, now: number): EmoteOutcome {
  if (seat === null) return { ok: false, code: "table/not_seated", message: "only a seated player can send an emote" };
  if (!limiter.allow(seat, now)) {
    return {
      ok: false,
      code: "table/emote_rate_limited",
      message: `at most ${EMOTE_LIMIT.burst} emotes per ${EMOTE_LIMIT.windowMs / 1000} s, ${EMOTE_LIMIT.minGapMs / 1000} s apart`,
    };
  }
  return { ok: true, message: { seat, emote, at: now } };
}
