import { describe, expect, it } from "vitest";
import { MessageBudget } from "./messageLimits.js";

describe("MessageBudget (issue 15, item 4)", () => {
  it("handles the budget, answers the first excess once per window, drops the rest", () => {
    const b = new MessageBudget({ perSecond: 3, closeAfterWindows: 3 });
    expect([0, 1, 2, 3, 4].map((t) => b.take(t))).toEqual(["handle", "handle", "handle", "answer_limited", "drop"]);
    expect(b.take(1000)).toBe("handle");
  });

  it("closes after consecutive limited windows, and at ten times the budget in one window", () => {
    const b = new MessageBudget({ perSecond: 2, closeAfterWindows: 2 });
    const verdicts: string[] = [];
    for (const start of [0, 1000]) for (let i = 0; i < 3; i++) verdicts.push(b.take(start + i));
    expect(verdicts).toEqual(["handle", "handle", "answer_limited", "handle", "handle", "close"]);
    const c = new MessageBudget({ perSecond: 2, closeAfterWindows: 99 });
    const last = Array.from({ length: 21 }, (_, i) => c.take(i)).at(-1);
    expect(last).toBe("close");
  });

  it("a quiet second resets the streak", () => {
    const b = new MessageBudget({ perSecond: 1, closeAfterWindows: 2 });
    expect([b.take(0), b.take(1)]).toEqual(["handle", "answer_limited"]);
    expect(b.take(2500)).toBe("handle");
    expect([b.take(3500), b.take(3501)]).toEqual(["handle", "answer_limited"]);
  });
});
