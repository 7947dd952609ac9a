/**
 * The wall clock as an input. Everything outside src/game that needs the time takes a
 * {@link Clock} (or its `now`) from the composition root, so tests can drive time.
 */

/** A source of the current time. */
export interface Clock {
  /** The current time. */
  now(): Date;
}

/** The process's real clock. */
export const systemClock: Clock = { now: () => new Date() };
