/**
 * A table's timers: the turn timer (a timeout fires a `timeout` command through the pipeline)
 * and, after a restore, the absence timers of seats nobody has reclaimed yet. Times come from the
 * injected clock; callbacks are scheduled on the room's clock (`this.clock.setTimeout`).
 */
import type { GameState, SeatIndex } from "../../src/game/types.js";

/** A scheduled callback that can be cancelled (Colyseus' `Delayed`). */
export interface Scheduled {
  clear(): void;
}

/** Schedules callbacks (the room's `clock`, or a fake in tests). */
export interface Scheduler {
  setTimeout(callback: () => void, ms: number): Scheduled;
}

/** The turn timer and the absence timers of one table. */
export class TableTimers {
  private turn: Scheduled | null = null;
  private readonly absence = new Map<SeatIndex, Scheduled>();

  constructor(
    private readonly scheduler: Scheduler,
    private readonly now: () => Date,
  ) {}

  /**
   * Re-arms the turn timer for `game`: `onTimeout(seat)` fires when the seat to move has not moved
   * within the turn. Returns when the turn ends (epoch ms), or 0 when nobody is to move (or
   * `stopped`, e.g. while the server shuts down).
   */
  armTurn(game: GameState, stopped: boolean, onTimeout: (seat: SeatIndex) => void): number {
    this.turn?.clear();
    this.turn = null;
    const seat = game.turn;
    if (seat === null || stopped || (game.phase !== "bidding" && game.phase !== "playing")) return 0;
    const ms = game.config.turnSeconds * 1000;
    this.turn = this.scheduler.setTimeout(() => onTimeout(seat), ms);
    return this.now().getTime() + ms;
  }

  /** Starts (or restarts) a seat's absence timer: `onExpire` runs after `seconds`. */
  startAbsence(seat: SeatIndex, seconds: number, onExpire: () => void): void {
    this.clearAbsence(seat);
    this.absence.set(
      seat,
      this.scheduler.setTimeout(() => {
        this.absence.delete(seat);
        onExpire();
      }, seconds * 1000),
    );
  }

  /** The seat was reclaimed: its absence timer stops. */
  clearAbsence(seat: SeatIndex): void {
    this.absence.get(seat)?.clear();
    this.absence.delete(seat);
  }

  /** Stops every timer (shutdown, dispose). */
  clearAll(): void {
    this.turn?.clear();
    this.turn = null;
    for (const timer of this.absence.values()) timer.clear();
    this.absence.clear();
  }
}
