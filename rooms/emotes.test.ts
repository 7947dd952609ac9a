import { describe, expect, it } from "vitest";
import { decideEmote, EmoteLimiter } from "./emotes.js";

describe("emotes", () => {
  it("a seat may send 3 per 10 s, 1 s apart; spectators none", () => {
    const limiter = new EmoteLimiter();
    expect(decideEmote(limiter, null, "hello", 0)).toMatchObject({ ok: false, code: "table/not_seated" });
    expect(decideEmote(limiter, 1, "hello", 0)).toEqual({ ok: true, message: { seat: 1, emote: "hello", at: 0 } });
    expect(decideEmote(limiter, 1, "wow", 500)).toMatchObject({ ok: false, code: "table/emote_rate_limited" });
    expect(decideEmote(limiter, 2, "wow", 500).ok).toBe(true);
    expect(decideEmote(limiter, 1, "wow", 1_000).ok).toBe(true);
    expect(decideEmote(limiter, 1, "nice", 2_000).ok).toBe(true);
    expect(decideEmote(limiter, 1, "oops", 3_000)).toMatchObject({ ok: false, code: "table/emote_rate_limited" });
    expect(decideEmote(limiter, 1, "oops", 9_999).ok).toBe(false);
    expect(decideEmote(limiter, 1, "oops", 10_000).ok).toBe(true);
  });
});
