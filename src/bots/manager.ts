/**
 * The server's bot manager: when a table asks for bots (`bots: k`, `add_bot`, a takeover, or a
 * restore), it connects bot clients to that table over a real WebSocket, each with its own bot
 * account and token, playing the pure policy.
 */
import type { SeatPolicy } from "../game/index.js";
import type { BotDirectory, BotLauncher, BotSeatRequest } from "../shared/botSeats.js";
import type { Logger } from "../platform/logger.js";
import { startBotClient, type BotHandle } from "./client.js";
import { drawDelay, type DelayRange } from "./pacing.js";

/** Options of {@link BotManager}. */
export interface BotManagerOptions {
  readonly bots: BotDirectory;
  readonly policy: SeatPolicy;
  readonly logger: Logger;
  /** Delay before each bot move at a bots-only table, ms. */
  readonly moveDelayMs?: number;
  /** Delay range before each bot move while a person sits at the table (human-like pacing). */
  readonly humanDelay?: DelayRange;
}

/** Launches and tracks bot clients; implements the rooms' `BotLauncher` port. */
export class BotManager implements BotLauncher {
  private endpoint: string | null = null;
  private readonly running = new Set<BotHandle>();
  private stopped = false;
  private readonly log: Logger;

  constructor(private readonly options: BotManagerOptions) {
    this.log = options.logger.child({ component: "bots" });
  }

  /** Where bots connect (the server's own address), known once it listens. */
  setEndpoint(endpoint: string): void {
    this.endpoint = endpoint;
  }

  /** Number of bot clients connected now. */
  get size(): number {
    return this.running.size;
  }

  launch(request: BotSeatRequest): void {
    void this.run(request).catch((err: unknown) => {
      this.log.error({ err, roomId: request.roomId, seat: request.seat }, "bot could not join");
    });
  }

  private async run(request: BotSeatRequest): Promise<void> {
    if (this.stopped) return;
    if (this.endpoint === null) throw new Error("bot manager has no endpoint yet");
    const account = request.account ?? (await this.options.bots.createBot());
    const handle = await startBotClient({
      endpoint: this.endpoint,
      token: account.token,
      target: { kind: "join", roomId: request.roomId, seat: request.seat },
      policy: this.options.policy,
      moveDelayMs: this.options.moveDelayMs,
      ...(this.options.humanDelay === undefined ? {} : { humanMoveDelayMs: drawDelay.bind(null, this.options.humanDelay, Math.random) }),
      onError: (err) => this.log.warn({ err, roomId: request.roomId }, "bot error"),
    });
    this.running.add(handle);
    this.log.debug({ roomId: request.roomId, seat: request.seat, bot: account.identity.displayName }, "bot joined");
    const outcome = await handle.done;
    this.running.delete(handle);
    this.log.debug({ roomId: request.roomId, completed: outcome.completed, closeCode: outcome.closeCode }, "bot finished");
  }

  /** Disconnects every bot (at shutdown). */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.running].map((h) => h.leave()));
    this.running.clear();
  }
}
