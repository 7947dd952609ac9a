/** A baseline bot: a uniformly random legal move. */
import type { SeatPolicy } from "../game/index.js";

/**
 * A policy that bids or plays uniformly at random among its legal moves, using the injected
 * `rng` (a float in [0, 1), e.g. `seededRandom(...)` from the engine). Null when it is not its turn.
 */
export function randomPolicy(rng: () => number): SeatPolicy {
  const pick = <T>(items: readonly T[]): T | undefined => items[Math.floor(rng() * items.length)];
  return (view) => {
    if (view.viewer === "spectator" || view.turn !== view.viewer) return null;
    const seat = view.viewer;
    if (view.phase === "bidding") {
      const bid = pick(view.legalBids);
      return bid === undefined ? null : { type: "bid", seat, bid };
    }
    if (view.phase === "playing") {
      const card = pick(view.legalCards);
      return card === undefined ? null : { type: "play", seat, card };
    }
    return null;
  };
}
