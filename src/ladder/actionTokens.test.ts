import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ActionTokens, type ActionTokenClaims } from "./actionTokens.js";

const SECRET = "a-test-secret-that-is-at-least-32-bytes-long";
const USER = "7f1c2a9e-1111-4222-8333-944455556666";
const NOW = Date.UTC(2026, 0, 1);
const claims: ActionTokenClaims = { actionId: "act_1", userId: USER, maxScore: 500, expiresAt: NOW + 5 * 60_000 };

describe("action tokens", () => {
  const tokens = new ActionTokens(SECRET);
  const token = tokens.issue(claims);

  it("has the documented format: base64url(action_id:user_id:max_score:expires_at).base64url(hmac)", () => {
    const [payload, sig] = token.split(".");
    expect(Buffer.from(payload ?? "", "base64url").toString()).toBe(`act_1:${USER}:500:${claims.expiresAt}`);
    expect(sig).toBe(createHmac("sha256", SECRET).update(payload ?? "").digest("base64url"));
  });

  it("accepts a valid token for its user with a delta up to max_score", () => {
    expect(tokens.verify(token, NOW, USER, 500)).toEqual({ ok: true, claims });
    expect(tokens.verify(token, NOW, USER, 0)).toEqual({ ok: true, claims });
  });

  it("token/bad_signature: another secret, a flipped MAC bit, a tampered payload", () => {
    const other = new ActionTokens("another-secret-that-is-at-least-32-bytes!!").issue(claims);
    expect(tokens.verify(other, NOW, USER, 1)).toMatchObject({ ok: false, code: "token/bad_signature" });
    const [payload, sig] = token.split(".");
    const mac = Buffer.from(sig ?? "", "base64url");
    mac[0] = (mac[0] ?? 0) ^ 1;
    expect(tokens.verify(`${payload}.${mac.toString("base64url")}`, NOW, USER, 1)).toMatchObject({ code: "token/bad_signature" });
    const richer = Buffer.from(`act_1:${USER}:999999:${claims.expiresAt}`).toString("base64url");
    expect(tokens.verify(`${richer}.${sig}`, NOW, USER, 1)).toMatchObject({ code: "token/bad_signature" });
    expect(tokens.verify(`${payload}.${sig?.slice(0, 20)}`, NOW, USER, 1)).toMatchObject({ code: "token/bad_signature" });
  });

  it("token/malformed: not two parts, not base64url, a bad payload even when signed", () => {
    for (const bad of ["", "abc", "a.b.c", "a b.c", `${token}.x`, "x".repeat(2000)]) {
      expect(tokens.verify(bad, NOW, USER, 1)).toMatchObject({ ok: false, code: "token/malformed" });
    }
    const sign = (raw: string): string => {
      const p = Buffer.from(raw).toString("base64url");
      return `${p}.${createHmac("sha256", SECRET).update(p).digest("base64url")}`;
    };
    for (const raw of ["only:three:parts", `a:${USER}:-5:1`, `a:${USER}:1.5:1`, `a:${USER}:0:${NOW + 1}`, `a b:${USER}:5:${NOW + 1}`, `a:${USER}:5:${NOW + 1}:extra`]) {
      expect(tokens.verify(sign(raw), NOW, USER, 1)).toMatchObject({ ok: false, code: "token/malformed" });
    }
  });

  it("token/expired at and after expires_at", () => {
    expect(tokens.verify(token, claims.expiresAt - 1, USER, 1).ok).toBe(true);
    expect(tokens.verify(token, claims.expiresAt, USER, 1)).toMatchObject({ ok: false, code: "token/expired" });
  });

  it("token/wrong_user when the caller is not the token's user", () => {
    expect(tokens.verify(token, NOW, "someone-else", 1)).toMatchObject({ ok: false, code: "token/wrong_user" });
  });

  it("token/over_max_score above max_score; token/bad_delta for negative or fractional deltas", () => {
    expect(tokens.verify(token, NOW, USER, 501)).toMatchObject({ ok: false, code: "token/over_max_score" });
    expect(tokens.verify(token, NOW, USER, -1)).toMatchObject({ ok: false, code: "token/bad_delta" });
    expect(tokens.verify(token, NOW, USER, 1.5)).toMatchObject({ ok: false, code: "token/bad_delta" });
  });

  it("bounds a token's lifetime at issue and at verify (token/malformed beyond it)", () => {
    const short = new ActionTokens(SECRET, { maxLifetimeMs: 60_000 });
    expect(() => short.issue({ ...claims, expiresAt: NOW + 60_001 }, NOW)).toThrow(RangeError);
    expect(short.issue({ ...claims, expiresAt: NOW + 60_000 }, NOW)).toMatch(/\./);
    expect(short.verify(short.issue({ ...claims, expiresAt: NOW + 60_001 }), NOW, USER, 1)).toMatchObject({ ok: false, code: "token/malformed" });
    expect(short.verify(short.issue({ ...claims, expiresAt: NOW + 60_001 }), NOW + 1, USER, 1).ok).toBe(true);
  });

  it("refuses a short secret and invalid claims at issue time", () => {
    expect(() => new ActionTokens("short")).toThrow(RangeError);
    expect(() => tokens.issue({ ...claims, actionId: "has:colon" })).toThrow();
    expect(() => tokens.issue({ ...claims, maxScore: 0 })).toThrow();
  });
});
