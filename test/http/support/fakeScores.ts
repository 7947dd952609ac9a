/**
 * A small in-memory {@link ScoresPort} for the route tests, standing in until the ladder's
 * action-token service is wired: HMAC tokens of the spec's shape, expiry, user, max score and
 * once-only use. It exercises how the routes map each outcome to HTTP; the ladder's own suite
 * covers the real implementation.
 */
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import type { ScoreSubmitted, ScoresPort } from "../../../src/http/ports.js";

/** Creates the fake with a secret. */
export function createFakeScores(secret: string, now: () => number = Date.now): ScoresPort & { readonly applied: ScoreSubmitted[] } {
  const used = new Map<string, ScoreSubmitted>();
  const totals = new Map<string, number>();
  const applied: ScoreSubmitted[] = [];
  const sign = (payload: string): string => createHmac("sha256", secret).update(payload).digest("base64url");
  return {
    applied,
    issueActionToken({ userId, maxScore, actionId, ttlSeconds }) {
      const id = actionId ?? randomUUID();
      const expiresAt = now() + (ttlSeconds ?? 300) * 1000;
      const payload = Buffer.from(`${id}:${userId}:${maxScore}:${expiresAt}`).toString("base64url");
      return Promise.resolve({ token: `${payload}.${sign(payload)}`, actionId: id, userId, maxScore, expiresAt: new Date(expiresAt).toISOString() });
    },
    submitScore({ userId, playerId, token, delta }) {
      const [payload, sig, extra] = token.split(".");
      if (payload === undefined || sig === undefined || extra !== undefined) return Promise.resolve({ kind: "rejected", code: "action_token/malformed", message: "two parts expected" });
      const good = Buffer.from(sign(payload));
      const given = Buffer.from(sig);
      if (good.length !== given.length || !timingSafeEqual(good, given)) return Promise.resolve({ kind: "rejected", code: "action_token/bad_signature", message: "signature mismatch" });
      const [actionId, tokenUser, max, exp] = Buffer.from(payload, "base64url").toString().split(":");
      if (actionId === undefined || tokenUser === undefined || max === undefined || exp === undefined) return Promise.resolve({ kind: "rejected", code: "action_token/malformed", message: "fields" });
      const first = used.get(actionId);
      if (first !== undefined) return Promise.resolve({ kind: "replayed", first });
      if (Number(exp) < now()) return Promise.resolve({ kind: "rejected", code: "action_token/expired", message: "expired" });
      if (tokenUser !== userId) return Promise.resolve({ kind: "rejected", code: "action_token/wrong_user", message: "not yours" });
      if (delta > Number(max)) return Promise.resolve({ kind: "rejected", code: "action_token/over_max_score", message: "too much" });
      const total = (totals.get(playerId) ?? 0) + delta;
      totals.set(playerId, total);
      const result: ScoreSubmitted = { actionId, playerId, delta, tiers: [{ tier: "all_time", season: null, total, oldRank: null, newRank: 1 }] };
      used.set(actionId, result);
      applied.push(result);
      return Promise.resolve({ kind: "applied", result });
    },
  };
}
