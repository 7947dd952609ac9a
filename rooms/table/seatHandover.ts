/**
 * Seats that change hands: a seated player gone for good (left, or the reconnection window ran
 * out) is replaced by a bot in a started game, and bots are asked for (`add_bot`, bot tables,
 * restores). Runs inside the table's pipeline queue.
 */
import type { Command, PlayerId, SeatIndex } from "../../src/game/types.js";
import type { Logger } from "../../src/platform/logger.js";
import type { BotAccount, BotDirectory, BotLauncher, Engine, Identity } from "../ports.js";
import type { BotReservations, Refusal } from "./botSeats.js";
import type { CommandPipeline } from "./commandPipeline.js";
import { joinError } from "./clients.js";

/** What the hand-over needs from its table. */
export interface SeatHandoverPorts {
  readonly pipeline: () => CommandPipeline;
  readonly engine: Pick<Engine, "decide">;
  readonly bots: BotDirectory;
  readonly launcher: BotLauncher;
  readonly reservations: BotReservations;
  readonly roomId: () => string;
  /** True while a connection holds the seat (a player who came back). */
  readonly isConnected: (seat: SeatIndex) => boolean;
  /** Counts one bot asked for with `add_bot` against the table creator's bots limit, or the refusal. */
  readonly countBot: () => Promise<Refusal | null>;
  /** Gives back a bot counted by `countBot` that was not asked for after all. */
  readonly uncountBot: () => Promise<void>;
  readonly log: Logger;
}

/** Seat hand-overs of one table. */
export class SeatHandover {
  constructor(private readonly ports: SeatHandoverPorts) {}

  /** Asks the bot manager for a bot client (a seat of null: the first free one). */
  requestBot(seat: SeatIndex | null, account: BotAccount | null = null): void {
    if (seat !== null && account === null) this.ports.reservations.reserve(seat);
    this.ports.launcher.launch({ roomId: this.ports.roomId(), seat, account });
  }

  /**
   * A new table's `bots` last seats are promised to bots now, so quick play never hands them out;
   * the bots are asked for `later` (they join through matchmaking, which needs the room registered).
   */
  promiseBots(seats: number, bots: number, later: (fn: () => void) => void, chosen: readonly Identity[] = []): void {
    const botSeats = Array.from({ length: bots }, (_, i) => seats - 1 - i);
    botSeats.forEach((seat) => this.ports.reservations.reserve(seat));
    if (bots > 0) later(() => botSeats.forEach((seat, i) => void this.requestChosenBot(seat, chosen[i] ?? null)));
  }

  /** A promised seat's bot: the chosen fixed identity (a ranked bot, B1), else a new bot. */
  private async requestChosenBot(seat: SeatIndex, identity: Identity | null): Promise<void> {
    if (identity === null) return this.requestBot(seat);
    try {
      this.requestBot(seat, await this.ports.bots.fixedBot(identity));
    } catch (err) {
      this.ports.log.error({ err, seat, bot: identity.playerId }, "cannot seat a ranked bot; a new bot takes the seat");
      this.requestBot(seat);
    }
  }

  /**
   * A ranked table's matched players who did not come (rooms/table/ranked.ts): when a person sits
   * at the waiting table, every seat still empty (and not promised) goes to a new bot.
   */
  fillNoShows(): void {
    const game = this.ports.pipeline().state;
    if (game.phase !== "waiting" || !game.seats.some((s) => s.occupant !== null && !s.occupant.isBot)) return;
    game.seats.forEach((s, seat) => {
      if (s.occupant === null && !this.ports.reservations.isReserved(seat)) this.requestBot(seat);
    });
  }

  /**
   * After a restore: each bot reconnects `later`, and each person's seat waits for them
   * (`awaitPerson`: the absence window, after which the seat goes to a bot).
   */
  resume(later: (fn: () => void) => void, awaitPerson: (seat: SeatIndex) => void): void {
    this.ports.pipeline().state.seats.forEach(({ occupant }, seat) => {
      if (occupant === null) return;
      if (occupant.isBot) later(() => void this.reconnectBot(seat, occupant));
      else awaitPerson(seat);
    });
  }

  /**
   * A person sits down: the seat is held for their session while the join is written (so quick
   * play cannot hand it out meanwhile), and is no longer promised once it is theirs. A refused join
   * throws `table/seat_unavailable`.
   */
  async sit(join: Extract<Command, { type: "join" }>, sessionId: string, holdMs: number): Promise<void> {
    const { reservations } = this.ports;
    reservations.hold(sessionId, join.seat, holdMs);
    const outcome = await this.ports.pipeline().apply(join).finally(() => reservations.releaseHold(sessionId));
    if (!outcome.ok) throw joinError("table/seat_unavailable", `${outcome.code}: ${outcome.message}`);
    reservations.release(join.seat);
  }

  /** Starts the game once every seat is taken. */
  async startWhenFull(): Promise<void> {
    const game = this.ports.pipeline().state;
    if (game.phase !== "waiting" || game.seats.some((s) => s.occupant === null)) return;
    const started = await this.ports.pipeline().apply({ type: "start" });
    if (!started.ok) this.ports.log.warn({ gameId: game.gameId, code: started.code }, "auto-start refused");
  }

  /** After a restore: the bot that held `seat` reconnects with a fresh token. */
  async reconnectBot(seat: SeatIndex, occupant: { readonly playerId: PlayerId; readonly displayName: string }): Promise<void> {
    try {
      this.requestBot(seat, await this.ports.bots.accountFor({ playerId: occupant.playerId, displayName: occupant.displayName, isBot: true }));
    } catch (err) {
      this.ports.log.error({ err, gameId: this.ports.pipeline().state.gameId }, "cannot reconnect a bot after restore");
    }
  }

  /**
   * `add_bot`: a bot is asked for the requested (or first possible) seat, counted against the
   * table creator's bots limit, or the refusal (`limits/too_many_bots` past it).
   */
  async addBot(requested: SeatIndex | null): Promise<{ readonly ok: true } | Refusal> {
    const seatFor = () => this.ports.reservations.seatForBot(this.ports.engine, this.ports.pipeline().state, requested);
    const free = seatFor();
    if (!free.ok) return free;
    const refused = await this.ports.countBot();
    if (refused !== null) return refused;
    // The seat may have gone while the count was taken.
    const found = seatFor();
    if (!found.ok) {
      await this.ports.uncountBot();
      return found;
    }
    this.requestBot(found.seat);
    return { ok: true };
  }

  /**
   * A seated player is gone for good: the seat is left and, in a started game, a bot takes it over
   * (a replacement, not counted against anyone's bots limit).
   */
  async vacate(seat: SeatIndex, reason: "left" | "disconnected"): Promise<void> {
    if (this.ports.isConnected(seat)) return; // came back on another connection meanwhile
    const pipeline = this.ports.pipeline();
    const gameId = pipeline.state.gameId;
    if ((pipeline.state.seats[seat]?.occupant ?? null) === null || pipeline.state.phase === "completed") return;
    const left = await pipeline.apply({ type: "leave", seat, reason });
    if (!left.ok) this.ports.log.warn({ gameId, seat, code: left.code }, "leave refused");
    if (pipeline.state.phase !== "bidding" && pipeline.state.phase !== "playing") return;
    let account: BotAccount;
    try {
      account = await this.ports.bots.createBot();
    } catch (err) {
      this.ports.log.error({ err, gameId, seat }, "cannot create a bot for a takeover");
      return;
    }
    const { playerId, displayName } = account.identity;
    const outcome = await pipeline.apply({ type: "replace_with_bot", seat, botPlayerId: playerId, botName: displayName });
    if (!outcome.ok) return this.ports.log.warn({ gameId, seat, code: outcome.code }, "bot takeover refused");
    this.requestBot(seat, account);
  }
}
