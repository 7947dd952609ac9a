/**
 * One error shape for every HTTP failure: RFC 9457 `application/problem+json`, extended with a
 * stable, namespaced `code` the client can switch on and the request id that ties the response
 * to the server's log line.
 *
 * Problems are values: handlers return them (`fail(...)`), they do not throw them. Only an
 * unexpected exception becomes a 500 `internal`, logged with its stack.
 */
import type { Response } from "express";

/**
 * Every problem code the HTTP API can answer with, and its HTTP status. Codes are stable: a
 * client may switch on them. New codes may be added; existing ones keep their meaning.
 */
export const PROBLEM_CODES = {
  "validation/failed": { status: 400, title: "The request is not valid" },
  "validation/malformed_json": { status: 400, title: "The body is not valid JSON" },
  "validation/too_large": { status: 413, title: "The body is too large" },
  "auth/missing_token": { status: 401, title: "An access token is required" },
  "auth/invalid_token": { status: 401, title: "The access token is not valid" },
  "auth/expired": { status: 401, title: "The access token has expired" },
  "auth/invalid_credentials": { status: 401, title: "Wrong username, email or password" },
  "auth/invalid_refresh_token": { status: 401, title: "The refresh token is not valid, expired or logged out" },
  "auth/invalid_service_key": { status: 401, title: "The service key is missing or wrong" },
  "auth/forbidden": { status: 403, title: "You may not do this" },
  not_found: { status: 404, title: "No such resource" },
  route_not_found: { status: 404, title: "No such route" },
  "conflict/email_taken": { status: 409, title: "That email is already registered" },
  "conflict/username_taken": { status: 409, title: "That username is taken" },
  "conflict/game_live": { status: 409, title: "The game is live: its hands are secret until it completes" },
  "conflict/game_not_completed": { status: 409, title: "The game has not completed" },
  "conflict/idempotency_in_progress": { status: 409, title: "A request with this Idempotency-Key is still running" },
  "idempotency/key_reused": { status: 422, title: "This Idempotency-Key was used for a different request" },
  "action_token/malformed": { status: 400, title: "The action token is malformed" },
  "action_token/bad_signature": { status: 401, title: "The action token's signature does not match" },
  "action_token/expired": { status: 401, title: "The action token has expired" },
  "action_token/wrong_user": { status: 403, title: "The action token was issued to another user" },
  "action_token/over_max_score": { status: 422, title: "The score delta exceeds the action token's max_score" },
  "action_token/replayed": { status: 409, title: "The action token was already used" },
  "ladder/overflow": { status: 422, title: "The update would pass the largest safe score" },
  "idempotency/key_required": { status: 428, title: "This write needs an Idempotency-Key header" },
  "wallet/insufficient_funds": { status: 409, title: "The account does not hold enough for this withdrawal" },
  "wallet/overflow": { status: 422, title: "The balance would pass the largest safe amount" },
  "wallet/unknown_currency": { status: 422, title: "No such currency" },
  "wallet/same_account": { status: 422, title: "A transfer needs two different accounts" },
  "inventory/unknown_item": { status: 422, title: "No such item in the catalogue" },
  "inventory/item_not_held": { status: 409, title: "The inventory does not hold that many of this item" },
  "inventory/version_conflict": { status: 412, title: "The inventory changed since the version in If-Match" },
  "inventory/if_match_required": { status: 428, title: "Inventory writes need If-Match with the inventory's ETag" },
  "inventory/overflow": { status: 422, title: "The quantity would pass the largest safe integer" },
  "inventory/item_exists": { status: 409, title: "An item with this id exists" },
  "waitlist/not_joined": { status: 404, title: "You are not on the waitlist" },
  "waitlist/in_game": { status: 409, title: "The player holds a seat at a live table: leave after the game ends" },
  "waitlist/already_removed": { status: 409, title: "The waitlist entry was already removed" },
  "waitlist/bad_transition": { status: 409, title: "Waitlist statuses only move forward" },
  "achievements/condition_not_met": { status: 409, title: "The player does not meet the achievement's condition" },
  "achievements/disabled": { status: 409, title: "The achievement is disabled" },
  "cosmetics/requires_achievement": { status: 409, title: "This cosmetic requires an achievement the player has not unlocked" },
  "cosmetics/not_for_sale": { status: 409, title: "This cosmetic is granted, never sold" },
  "cosmetics/not_owned": { status: 409, title: "The player does not own this cosmetic" },
  "cosmetics/wrong_slot": { status: 422, title: "This cosmetic does not fit that slot" },
  "table/full": { status: 409, title: "The table has no free seat" },
  "table/game_in_progress": { status: 409, title: "The game has started and you hold no seat at it" },
  "table/invitation_required": { status: 403, title: "This private table needs its invitation" },
  "table/not_seated": { status: 409, title: "You hold no seat at this table" },
  "service/disabled": { status: 503, title: "This route is disabled by configuration" },
  rate_limited: { status: 429, title: "Too many requests" },
  unavailable: { status: 503, title: "A dependency is unavailable" },
  "service/busy": { status: 503, title: "The server has too many reads waiting; retry after Retry-After" },
  "service/unavailable": { status: 503, title: "The database is unavailable; retry after Retry-After" },
  internal: { status: 500, title: "Internal server error" },
} as const satisfies Record<string, { status: number; title: string }>;

/** A stable problem code. */
export type ProblemCode = keyof typeof PROBLEM_CODES;

/** All problem codes, for docs and validation. */
export const PROBLEM_CODE_LIST = Object.keys(PROBLEM_CODES) as readonly ProblemCode[];

/** One failing field of a `validation/failed` problem. */
export interface FieldError {
  /** Where the field lives. */
  readonly in: "body" | "query" | "params" | "header";
  /** Dotted path inside that part, e.g. `email` or `items.0.id`; empty for the whole part. */
  readonly path: string;
  readonly message: string;
}

/** A problem to send: the code, and optional detail, field errors and extra members. */
export interface Problem {
  readonly code: ProblemCode;
  readonly detail?: string;
  readonly errors?: readonly FieldError[];
  /** Seconds to wait, for 429 (sent as `Retry-After` too). */
  readonly retryAfterSeconds?: number;
  /** Extra members merged into the body (e.g. the first response of a replayed token). */
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** The body of a problem response (RFC 9457 members plus PZO's `code` and `requestId`). */
export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly instance?: string;
  readonly code: ProblemCode;
  readonly requestId?: string;
  readonly errors?: readonly FieldError[];
  readonly retryAfter?: number;
  readonly [extra: string]: unknown;
}

/** Builds a problem value. */
export function problem(code: ProblemCode, detail?: string, more: Omit<Problem, "code" | "detail"> = {}): Problem {
  return detail === undefined ? { code, ...more } : { code, detail, ...more };
}

/** The HTTP status of a problem code. */
export function statusOf(code: ProblemCode): number {
  return PROBLEM_CODES[code].status;
}

/** The `type` URI of a problem code: a URN, stable and resolvable in docs/API.md. */
export function typeOf(code: ProblemCode): string {
  return `urn:pzo:problem:${code}`;
}

/** Renders a problem to its RFC 9457 body. */
export function problemBody(p: Problem, instance: string | undefined, requestId: string | undefined): ProblemBody {
  const def = PROBLEM_CODES[p.code];
  return {
    ...(p.extra ?? {}),
    type: typeOf(p.code),
    title: def.title,
    status: def.status,
    ...(p.detail !== undefined ? { detail: p.detail } : {}),
    ...(instance !== undefined ? { instance } : {}),
    code: p.code,
    ...(requestId !== undefined ? { requestId } : {}),
    ...(p.errors !== undefined ? { errors: p.errors } : {}),
    ...(p.retryAfterSeconds !== undefined ? { retryAfter: p.retryAfterSeconds } : {}),
  };
}

/** Writes a problem response (`application/problem+json`, `Retry-After` for 429). */
export function sendProblem(res: Response, p: Problem, requestId: string | undefined): void {
  const body = problemBody(p, res.req.originalUrl, requestId);
  if (p.retryAfterSeconds !== undefined) res.setHeader("Retry-After", String(p.retryAfterSeconds));
  res.status(body.status).type("application/problem+json").send(JSON.stringify(body));
}
