/**
 * Messages per client per second, in every room type (issue 15, item 4). Each client has a
 * one-second window. Within budget a message is handled. The first message over budget in a
 * window is answered with the reason code `rate_limited`; further ones in that window are
 * dropped unanswered (answering each would double the flood). A client over budget in
 * `closeAfterWindows` consecutive windows, or sending ten times its budget within one window,
 * is disconnected with close code {@link RATE_LIMITED_CLOSE_CODE}.
 */

/** The WebSocket close code of a client that kept flooding a room. */
export const RATE_LIMITED_CLOSE_CODE = 4029;

/** The budget of one client. */
export interface MessageLimitConfig {
  /** Messages a client may send per second (ROOM_MESSAGES_PER_SECOND). */
  readonly perSecond: number;
  /** Consecutive over-budget seconds before the client is disconnected (ROOM_FLOOD_CLOSE_SECONDS). */
  readonly closeAfterWindows: number;
}

/** What to do with one incoming message. */
export type MessageVerdict = "handle" | "answer_limited" | "drop" | "close";

/** One client's window (pure: the caller passes the time). */
export class MessageBudget {
  private windowStart = Number.NEGATIVE_INFINITY;
  private count = 0;
  private limitedWindows = 0;
  private lastWindowLimited = false;

  constructor(private readonly config: MessageLimitConfig) {}

  /** Counts one message received at `nowMs` and says what to do with it. */
  take(nowMs: number): MessageVerdict {
    if (nowMs - this.windowStart >= 1000) {
      // A new window: a streak of limited windows continues only if the last one was limited.
      if (!this.lastWindowLimited || nowMs - this.windowStart >= 2000) this.limitedWindows = 0;
      this.windowStart = nowMs;
      this.count = 0;
      this.lastWindowLimited = false;
    }
    this.count += 1;
    const { perSecond, closeAfterWindows } = this.config;
    if (this.count <= perSecond) return "handle";
    if (this.count > perSecond * 10) return "close";
    if (!this.lastWindowLimited) {
      this.lastWindowLimited = true;
      this.limitedWindows += 1;
      return this.limitedWindows >= closeAfterWindows ? "close" : "answer_limited";
    }
    return "drop";
  }
}

/** The budgets of a room's clients, keyed by the client object (gone with it). */
export class MessageLimiter<C extends object> {
  private readonly budgets = new WeakMap<C, MessageBudget>();

  constructor(
    private readonly config: MessageLimitConfig,
    private readonly now: () => number,
  ) {}

  /** Counts a message from `client`. */
  take(client: C): MessageVerdict {
    let budget = this.budgets.get(client);
    if (budget === undefined) {
      budget = new MessageBudget(this.config);
      this.budgets.set(client, budget);
    }
    return budget.take(this.now());
  }
}

/** The message a limited client gets (in `result` / `replay_result`). */
export const RATE_LIMITED_MESSAGE = "too many messages; slow down (see docs/PROTOCOL.md, Limits)";
