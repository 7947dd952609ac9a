/**
 * The protocol's constants the page needs, as values. They are copies of those in
 * src/shared/protocol.ts, checked against them by the compiler (`satisfies typeof` on `as const`
 * literals: a changed, missing or extra entry is a type error), because importing values from
 * protocol.ts would bring its zod schemas (full zod, about 17 kB gzipped) into the bundle. Types
 * come from protocol.ts directly.
 */
import type * as protocol from "../../src/shared/protocol.js";

export const ROOM_NAMES = { table: "table", replay: "replay", lobby: "lobby", ranked: "ranked" } as const satisfies typeof protocol.ROOM_NAMES;

export const TURN_SECONDS_MIN = 1 satisfies typeof protocol.TURN_SECONDS_MIN;
export const TURN_SECONDS_MAX = 600 satisfies typeof protocol.TURN_SECONDS_MAX;

export const JOIN_ERRORS = {
  "join/invalid_options": 400,
  "join/invalid_client_seed": 422,
  "auth/unauthorized": 401,
  "table/game_in_progress": 403,
  "table/invitation_required": 403,
  "replay/not_found": 404,
  "replay/not_finished": 409,
  "table/seat_unavailable": 423,
  "server/shutting_down": 503,
  "limits/too_many_connections": 429,
  "limits/too_many_tables": 429,
  "limits/too_many_bots": 429,
  "limits/too_many_requests": 429,
  "table/moving": 503,
  "ranked/already_queued": 409,
  "ranked/bots_not_allowed": 403,
} as const satisfies typeof protocol.JOIN_ERRORS;

export const CLOSE_CODES = {
  CONSENTED: 4000,
  SERVER_SHUTDOWN: 4001,
  WITH_ERROR: 4002,
  FAILED_TO_RECONNECT: 4003,
  TABLE_MOVED: 4012,
  RATE_LIMITED: 4029,
  MAY_TRY_RECONNECT: 4010,
} as const satisfies typeof protocol.CLOSE_CODES;

export const EMOTES = {
  hello: "Hello!",
  good_luck: "Good luck!",
  nice: "Nice play!",
  oops: "Oops!",
  thanks: "Thanks!",
  wow: "Wow!",
  good_game: "Good game!",
} as const satisfies typeof protocol.EMOTES;
export type EmoteId = protocol.EmoteId;
export const EMOTE_IDS = ["hello", "good_luck", "nice", "oops", "thanks", "wow", "good_game"] as const satisfies typeof protocol.EMOTE_IDS;
export const EMOTE_LIMIT = { burst: 3, windowMs: 10_000, minGapMs: 1_000 } as const satisfies typeof protocol.EMOTE_LIMIT;
