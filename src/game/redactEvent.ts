/** Events as a given receiver may see them while the game is live. */
import type { GameEvent, Viewer } from "./types.js";

/**
 * `event` as `viewer` may see it during a live game: `game_created` loses its `sessionSeed`
 * (`""`), and `round_started` keeps only the viewer's own hand (every other hand becomes `[]`;
 * a spectator gets no hand at all). Every other event is public and returned unchanged. A
 * finished game's log is public as is, so replays need no redaction. Redacted events do not fold.
 */
export function redactEvent(event: GameEvent, viewer: Viewer): GameEvent {
  switch (event.type) {
    case "game_created":
      return { ...event, sessionSeed: "" };
    case "round_started":
      return { ...event, hands: event.hands.map((hand, seat) => (seat === viewer ? hand : [])) };
    case "player_joined":
    case "player_left":
    case "seat_taken_by_bot":
    case "game_started":
    case "bid_placed":
    case "card_played":
    case "trick_won":
    case "round_scored":
    case "game_completed":
      return event;
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}
