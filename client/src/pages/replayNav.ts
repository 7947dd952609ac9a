/**
 * Replay navigation, pure: positions are 1..total and position p shows the fold of the first p
 * events, so a round's start position is its `round_started` event's index + 1.
 */
import type { GameEvent } from "../../../src/game/types.js";

/** The position of each `round_started` event, in order. */
export function roundStartPositions(events: readonly GameEvent[]): number[] {
  const out: number[] = [];
  events.forEach((e, i) => {
    if (e.type === "round_started") out.push(i + 1);
  });
  return out;
}

/** The round shown at `position` (0 before the first deal). */
export function roundAt(starts: readonly number[], position: number): number {
  return starts.filter((p) => p <= position).length;
}

/**
 * Where a round jump lands: forward, the next round's deal; back, this round's deal, or the
 * previous round's when already there (as a music player's "previous track"); 1 before round 1.
 */
export function roundJump(starts: readonly number[], position: number, direction: -1 | 1): number {
  if (direction === 1) return starts.find((p) => p > position) ?? position;
  const earlier = starts.filter((p) => p < position);
  return earlier[earlier.length - 1] ?? 1;
}

/** The position a key moves to, or null when the key is not a replay key. */
export function keyTarget(key: string, position: number, total: number, starts: readonly number[]): number | null {
  const clamp = (p: number): number => Math.min(total, Math.max(1, p));
  switch (key) {
    case "ArrowLeft":
      return clamp(position - 1);
    case "ArrowRight":
      return clamp(position + 1);
    case "PageUp":
      return roundJump(starts, position, -1);
    case "PageDown":
      return roundJump(starts, position, 1);
    case "Home":
      return 1;
    case "End":
      return total;
    default:
      return null;
  }
}
