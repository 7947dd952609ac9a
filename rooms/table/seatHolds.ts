/**
 * Seats held for quick-play callers between their seat reservation and their join. Quick play
 * (`joinOrCreate("table")`) asks the candidate table to hold a seat for the reservation's session
 * before answering; a table with no seat to hold says no and the matchmaker moves on (see
 * src/app/quickPlay.ts). A hold lasts as long as a Colyseus seat reservation. Time is an input.
 */

/** One held seat. */
interface Hold {
  readonly seat: number;
  readonly expiresAt: number;
}

/** The holds of one table. */
export class SeatHolds {
  private readonly bySession = new Map<string, Hold>();

  /** Holds `seat` for `sessionId` until `now + ttlMs`. */
  hold(sessionId: string, seat: number, now: number, ttlMs: number): void {
    this.prune(now);
    this.bySession.set(sessionId, { seat, expiresAt: now + ttlMs });
  }

  /** The seat held for this session, or null. */
  seatFor(sessionId: string, now: number): number | null {
    const hold = this.bySession.get(sessionId);
    return hold !== undefined && hold.expiresAt > now ? hold.seat : null;
  }

  /** True when `seat` is held for a session other than `exceptSession`. */
  isHeld(seat: number, now: number, exceptSession?: string): boolean {
    for (const [sessionId, hold] of this.bySession) {
      if (hold.seat === seat && hold.expiresAt > now && sessionId !== exceptSession) return true;
    }
    return false;
  }

  /** The session joined (or gave up): its hold ends. */
  release(sessionId: string): void {
    this.bySession.delete(sessionId);
  }

  private prune(now: number): void {
    for (const [sessionId, hold] of this.bySession) if (hold.expiresAt <= now) this.bySession.delete(sessionId);
  }
}
