/**
 * Seats promised to bots. A bot asked to join a seat has it reserved for a while, so a person
 * joining meanwhile is sent elsewhere; the engine's own join rule is probed before a bot is
 * asked for. Times come from the injected clock.
 */
import type { GameState, SeatIndex } from "../../src/game/types.js";
import type { ReasonCode } from "../../src/shared/protocol.js";
import { asPlayerId, type Identity } from "../../src/shared/identity.js";
import type { Engine } from "../ports.js";

/** How long a seat stays reserved for a bot that was asked to join it. */
export const BOT_RESERVATION_MS = 15_000;

/** A refusal, as a `result` message carries it. */
export interface Refusal {
  readonly ok: false;
  readonly code: ReasonCode;
  readonly message: string;
}

/** The seats of one table reserved for bots on their way. */
export class BotReservations {
  private readonly until = new Map<SeatIndex, number>();

  constructor(private readonly now: () => Date) {}

  reserve(seat: SeatIndex): void {
    this.until.set(seat, this.now().getTime() + BOT_RESERVATION_MS);
  }

  /** True while a bot is on its way to `seat`. */
  isReserved(seat: SeatIndex): boolean {
    const until = this.until.get(seat);
    return until !== undefined && until > this.now().getTime();
  }

  release(seat: SeatIndex): void {
    this.until.delete(seat);
  }

  /** The first empty seat `identity` may take (people skip seats promised to bots). */
  firstFreeSeat(game: GameState, identity: Identity): SeatIndex | null {
    for (let seat = 0; seat < game.config.seats; seat++) {
      if (!identity.isBot && this.isReserved(seat)) continue;
      if (game.seats[seat]?.occupant === null) return seat;
    }
    return null;
  }

  /**
   * The seat an `add_bot` request gets (`requested`, or the first seat a bot may join), or why
   * not. The engine's join rule decides; seats promised to bots are skipped.
   */
  seatForBot(engine: Pick<Engine, "decide">, game: GameState, requested: SeatIndex | null): { readonly ok: true; readonly seat: SeatIndex } | Refusal {
    const probe = (seat: SeatIndex) => engine.decide(game, { type: "join", seat, playerId: PROBE_ID, displayName: "bot", isBot: true });
    if (requested !== null) {
      if (this.isReserved(requested)) return { ok: false, code: "rules/seat_taken", message: `a bot is already on its way to seat ${requested}` };
      const decision = probe(requested);
      return decision.ok ? { ok: true, seat: requested } : { ok: false, code: decision.rejection.code, message: decision.rejection.message };
    }
    for (let seat = 0; seat < game.config.seats; seat++) {
      if (this.isReserved(seat)) continue;
      const decision = probe(seat);
      if (decision.ok) return { ok: true, seat };
      if (decision.rejection.code !== "rules/seat_taken") return { ok: false, code: decision.rejection.code, message: decision.rejection.message };
    }
    return { ok: false, code: "table/no_free_seat", message: "every seat is taken or promised to a bot" };
  }
}

/** The player id of the probing join (never appended: `decide` only). */
const PROBE_ID = asPlayerId("probe");
