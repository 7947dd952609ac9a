/**
 * Seats promised to bots, and seats held for quick-play callers. A bot asked to join a seat has
 * it reserved for a while, so a person joining meanwhile is sent elsewhere; the engine's own join
 * rule is probed before a bot is asked for. Quick play (src/app/quickPlay.ts) holds a seat for a
 * caller's session between its seat reservation and its join (rooms/table/seatHolds.ts). Times
 * come from the injected clock.
 */
import type { GameState, SeatIndex } from "../../src/game/types.js";
import type { ReasonCode } from "../../src/shared/protocol.js";
import { asPlayerId, type Identity } from "../../src/shared/identity.js";
import type { Engine } from "../ports.js";
import { SeatHolds } from "./seatHolds.js";

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
  private readonly holds = new SeatHolds();

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

  /** Holds `seat` for a quick-play session for `ttlMs` (or while its join is written). */
  hold(sessionId: string, seat: SeatIndex, ttlMs: number): void {
    this.holds.hold(sessionId, seat, this.now().getTime(), ttlMs);
  }

  /** The seat held for `sessionId`, or null. */
  heldFor(sessionId: string): SeatIndex | null {
    return this.holds.seatFor(sessionId, this.now().getTime());
  }

  /** True when `seat` is held for a session other than `exceptSession`. */
  isHeld(seat: SeatIndex, exceptSession?: string): boolean {
    return this.holds.isHeld(seat, this.now().getTime(), exceptSession);
  }

  /** The session joined (or gave up): its hold ends. */
  releaseHold(sessionId: string): void {
    this.holds.release(sessionId);
  }

  /** The first empty seat `identity` may take (people skip seats promised to bots; all skip others' holds). */
  firstFreeSeat(game: GameState, identity: Identity, sessionId?: string): SeatIndex | null {
    for (let seat = 0; seat < game.config.seats; seat++) {
      if (!identity.isBot && this.isReserved(seat)) continue;
      if (this.isHeld(seat, sessionId)) continue;
      if (game.seats[seat]?.occupant === null) return seat;
    }
    return null;
  }

  /** Holds an open seat (see {@link openSeat}) for `sessionId` for `ttlMs`; false when there is none. */
  holdOpenSeat(game: GameState, sessionId: string, ttlMs: number): boolean {
    const seat = this.openSeat(game);
    if (seat !== null) this.hold(sessionId, seat, ttlMs);
    return seat !== null;
  }

  /** A seat of a waiting game nobody sits in, no bot is on its way to and no caller holds; or null. */
  openSeat(game: GameState): SeatIndex | null {
    if (game.phase !== "waiting") return null;
    for (let seat = 0; seat < game.config.seats; seat++) {
      if (!this.isReserved(seat) && !this.isHeld(seat) && game.seats[seat]?.occupant === null) return seat;
    }
    return null;
  }

  /**
   * The seat an `add_bot` request gets (`requested`, or the first seat a bot may join), or why
   * not. The engine's join rule decides; seats promised to bots are skipped.
   */
  seatForBot(engine: Pick<Engine, "decide">, game: GameState, requested: SeatIndex | null): { readonly ok: true; readonly seat: SeatIndex } | Refusal {
    const probe = (seat: SeatIndex) => engine.decide(game, { type: "join", seat, playerId: PROBE_ID, displayName: "bot", isBot: true, clientSeed: null });
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
