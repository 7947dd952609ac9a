/**
 * Action tokens: a trusted service proves that a player completed an action worth at most
 * `max_score` points, and the player submits a score for it once.
 *
 * Format (two base64url parts joined by a dot):
 *
 *     base64url("<action_id>:<user_id>:<max_score>:<expires_at>") "." base64url(HMAC-SHA256(secret, part1))
 *
 * - `action_id`: 1-128 chars of [A-Za-z0-9_-] (unique per action; the replay key).
 * - `user_id`: the `users.id` of the player who completed it (a UUID; 1-128 chars of [A-Za-z0-9_-]).
 * - `max_score`: a positive safe integer.
 * - `expires_at`: epoch milliseconds (UTC), a safe integer.
 * The MAC covers the first part exactly as sent, and is compared with `timingSafeEqual`.
 * Verification order: shape, signature, payload, expiry, user, score; the first failure wins,
 * and each has its own code. One-time use is enforced in the database (`submission.ts`).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";

/** Rejection codes of {@link ActionTokens.verify}. */
export const TOKEN_ERRORS = ["token/malformed", "token/bad_signature", "token/expired", "token/wrong_user", "token/over_max_score", "token/bad_delta"] as const;
export type TokenErrorCode = (typeof TOKEN_ERRORS)[number];

const idPattern = /^[A-Za-z0-9_-]{1,128}$/;

/** The claims of a token (zod-validated; also the body schema of `POST /api/actions`). */
export const actionTokenClaimsSchema = z.object({
  actionId: z.string().regex(idPattern),
  userId: z.string().regex(idPattern),
  maxScore: z.number().int().positive().refine(Number.isSafeInteger, "max_score must be a safe integer"),
  expiresAt: z.number().int().nonnegative().refine(Number.isSafeInteger, "expires_at must be a safe integer"),
});
export type ActionTokenClaims = z.infer<typeof actionTokenClaimsSchema>;

/** The result of {@link ActionTokens.verify}. */
export type TokenVerification =
  | { readonly ok: true; readonly claims: ActionTokenClaims }
  | { readonly ok: false; readonly code: TokenErrorCode; readonly message: string };

const B64URL = /^[A-Za-z0-9_-]+$/;
const MAX_TOKEN_LENGTH = 1024;
const MAC_BYTES = 32;

/** The longest a token may live by default: 24 hours. */
export const DEFAULT_MAX_TOKEN_LIFETIME_MS = 24 * 3_600_000;

/** Issues and verifies action tokens with one HMAC secret (at least 32 bytes). */
export class ActionTokens {
  private readonly secret: Buffer;
  /**
   * No token lives longer than this (checked at issue and at verify). It bounds how long a
   * consumed action id must be remembered: see `ScoreSubmissionService.purgeConsumedTokens`.
   */
  readonly maxLifetimeMs: number;

  constructor(secret: string | Buffer, options: { readonly maxLifetimeMs?: number } = {}) {
    this.secret = typeof secret === "string" ? Buffer.from(secret, "utf8") : Buffer.from(secret);
    if (this.secret.length < 32) throw new RangeError("action token secret must be at least 32 bytes");
    this.maxLifetimeMs = options.maxLifetimeMs ?? DEFAULT_MAX_TOKEN_LIFETIME_MS;
  }

  private mac(payload: string): Buffer {
    return createHmac("sha256", this.secret).update(payload, "utf8").digest();
  }

  /**
   * Signs claims into a token. Throws on invalid claims (ZodError), or (RangeError) when `now`
   * is given and `expiresAt` is beyond the maximum lifetime: the issuer is trusted code.
   */
  issue(claims: ActionTokenClaims, now?: number): string {
    const c = actionTokenClaimsSchema.parse(claims);
    if (now !== undefined && c.expiresAt - now > this.maxLifetimeMs) throw new RangeError(`expires_at is more than ${this.maxLifetimeMs} ms away`);
    const payload = Buffer.from(`${c.actionId}:${c.userId}:${c.maxScore}:${c.expiresAt}`, "utf8").toString("base64url");
    return `${payload}.${this.mac(payload).toString("base64url")}`;
  }

  /**
   * Verifies a token presented by `callerUserId` (from the caller's JWT) with a score `delta`
   * at time `now` (epoch ms). A token is valid while `now < expires_at`. The delta must be an
   * integer in [0, max_score].
   */
  verify(token: string, now: number, callerUserId: string, delta: number): TokenVerification {
    const fail = (code: TokenErrorCode, message: string): TokenVerification => ({ ok: false, code, message });
    if (token.length > MAX_TOKEN_LENGTH) return fail("token/malformed", "token too long");
    const parts = token.split(".");
    const [payload, sig] = parts;
    if (parts.length !== 2 || payload === undefined || sig === undefined || !B64URL.test(payload) || !B64URL.test(sig)) {
      return fail("token/malformed", "a token is two base64url parts joined by a dot");
    }
    const given = Buffer.from(sig, "base64url");
    const expected = this.mac(payload);
    // Length is public (always 32 bytes for a real MAC); compare the bytes in constant time.
    // Canonical encoding only, so one MAC has exactly one spelling.
    if (given.length !== MAC_BYTES || given.toString("base64url") !== sig || !timingSafeEqual(given, expected)) return fail("token/bad_signature", "signature does not match");
    const fields = Buffer.from(payload, "base64url").toString("utf8").split(":");
    const [actionId, userId, maxScore, expiresAt] = fields;
    if (fields.length !== 4 || maxScore === undefined || expiresAt === undefined || !/^\d{1,16}$/.test(maxScore) || !/^\d{1,16}$/.test(expiresAt)) {
      return fail("token/malformed", "payload is not action_id:user_id:max_score:expires_at");
    }
    const parsed = actionTokenClaimsSchema.safeParse({ actionId, userId, maxScore: Number(maxScore), expiresAt: Number(expiresAt) });
    if (!parsed.success) return fail("token/malformed", "payload fields are invalid");
    const claims = parsed.data;
    if (now >= claims.expiresAt) return fail("token/expired", `token expired at ${new Date(claims.expiresAt).toISOString()}`);
    if (claims.expiresAt - now > this.maxLifetimeMs) return fail("token/malformed", "expires_at is beyond the maximum token lifetime");
    if (claims.userId !== callerUserId) return fail("token/wrong_user", "token was issued to another user");
    if (!Number.isSafeInteger(delta) || delta < 0) return fail("token/bad_delta", "score delta must be a non-negative integer");
    if (delta > claims.maxScore) return fail("token/over_max_score", `score delta ${delta} exceeds max_score ${claims.maxScore}`);
    return { ok: true, claims };
  }
}
