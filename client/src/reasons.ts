/**
 * The server's rejection codes in words: every `ReasonCode` of src/shared/protocol.ts (the
 * engine's `rules/*` and the room's own). The record type makes the compiler list any code that
 * has no text yet.
 */
import type { ReasonCode } from "../../src/shared/protocol.js";

const REASON_TEXT: Readonly<Record<ReasonCode, string>> = {
  "rules/game_not_started": "The game has not started yet.",
  "rules/game_already_started": "The game has already started.",
  "rules/game_completed": "The game is over.",
  "rules/seat_out_of_range": "There is no such seat at this table.",
  "rules/seat_taken": "That seat is taken.",
  "rules/seat_empty": "That seat is empty.",
  "rules/already_seated": "You already have a seat at this table.",
  "rules/not_enough_players": "Every seat must be taken before the game can start.",
  "rules/not_your_turn": "It is not your turn.",
  "rules/not_bidding_phase": "Bidding is over for this round.",
  "rules/not_playing_phase": "Cards are played after every seat has bid.",
  "rules/bid_out_of_range": "That bid is out of range for this round.",
  "rules/invalid_client_seed": "Your client seed is not valid (32 to 128 lowercase hex characters).",
  "rules/hook_violation": "As dealer you may not make the bids add up to the number of cards.",
  "rules/card_not_in_hand": "That card is not in your hand.",
  "rules/must_follow_suit": "You must follow the suit that was led.",
  "rules/invalid_command": "The server did not understand that move.",
  "rules/seat_away": "That seat's player is away.",
  "protocol/invalid_message": "The server could not read that move.",
  "protocol/unknown_message": "The server does not know that kind of move.",
  "table/not_seated": "Spectators cannot make moves.",
  "table/no_free_seat": "There is no free seat.",
  "table/bots_unavailable": "No bot can join right now.",
  "table/emote_rate_limited": "Easy there: one quick message a second, three every ten seconds.",
  "table/game_not_over": "You can play again once this game is over.",
  "server/shutting_down": "The server is restarting; your seat is kept.",
  "server/internal_error": "Something went wrong on the server; try again.",
  "server/storage_unavailable": "The server could not save your move; nothing changed, try again.",
  "server/table_moved": "The table moved to another server; rejoining your seat…",
  rate_limited: "Too many messages at once; wait a moment.",
  "limits/too_many_bots": "This table's creator has as many server bots running as allowed; no more bots for now.",
  "ranked/not_queued": "You are no longer searching: your ranked table is ready.",
};

const OTHER_TEXT: Readonly<Record<string, string>> = {
  "auth/expired": "Your session expired; sign in again.",
  "auth/invalid_token": "Your session is not valid; sign in again.",
  "auth/invalid_credentials": "Wrong username or password.",
};

const TEXT = new Map<string, string>([...Object.entries(REASON_TEXT), ...Object.entries(OTHER_TEXT)]);

/** Words for a reason code; unknown codes fall back to the server's message, then the code. */
export function reasonText(code: string, message?: string): string {
  const known = TEXT.get(code);
  if (known !== undefined) return known;
  if (message !== undefined && message !== "") return message;
  return `The server refused: ${code}`;
}
