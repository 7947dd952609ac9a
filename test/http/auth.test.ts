/**
 * Auth primitives: the development JWT secret is generated once under DATA_DIR and reused
 * (with a warning), production refuses to run without one; passwords hash with scrypt and a
 * fresh salt; tokens carry the documented claims.
 */
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/platform/logger.js";
import { loadConfig } from "../../src/platform/config.js";
import { createTokenService, DEFAULT_PASSWORD_HASH, DEFAULT_SCRYPT, hashPassword, resolveJwtSecret, verifyPassword } from "../../src/http/auth.js";
import { passwordHashParams } from "../../src/http/http.js";
import { actionTokenSecret } from "../../src/http/scoresAdapter.js";

const logger = createLogger("silent");

describe("JWT secret", () => {
  it("uses JWT_SECRET when set", () => {
    expect(resolveJwtSecret({ JWT_SECRET: "x".repeat(40), DATA_DIR: "/nonexistent", NODE_ENV: "development" }, logger)).toBe("x".repeat(40));
  });

  it("without one, generates a development secret once under DATA_DIR (mode 0600) and reuses it", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "pzo-secret-"));
    const warnings: string[] = [];
    const spy = { warn: (_o: object, msg: string) => void warnings.push(msg) };
    const first = resolveJwtSecret({ DATA_DIR: dir, NODE_ENV: "development" }, spy);
    const second = resolveJwtSecret({ DATA_DIR: dir, NODE_ENV: "development" }, spy);
    expect(first).toBe(second);
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(path.join(dir, "jwt-secret"), "utf8").trim()).toBe(first);
    expect(statSync(path.join(dir, "jwt-secret")).mode & 0o777).toBe(0o600);
    expect(warnings.length).toBe(2);
  });

  it("refuses production without JWT_SECRET", () => {
    expect(() => resolveJwtSecret({ DATA_DIR: "/tmp", NODE_ENV: "production" }, logger)).toThrow(/JWT_SECRET/);
  });
});

describe("action token secret", () => {
  it("is ACTION_TOKEN_SECRET when set, else derived from (and different from) the JWT secret", () => {
    const jwt = "j".repeat(40);
    expect(actionTokenSecret({ ACTION_TOKEN_SECRET: "a".repeat(40), JWT_SECRET: jwt, DATA_DIR: "/tmp", NODE_ENV: "test" }, logger)).toBe("a".repeat(40));
    const derived = actionTokenSecret({ JWT_SECRET: jwt, DATA_DIR: "/tmp", NODE_ENV: "test" }, logger);
    expect(derived).not.toBe(jwt);
    expect(derived.length).toBeGreaterThanOrEqual(32);
    expect(actionTokenSecret({ JWT_SECRET: jwt, DATA_DIR: "/tmp", NODE_ENV: "test" }, logger)).toBe(derived);
  });
});

describe("passwords", () => {
  const cheapArgon = { algorithm: "argon2id", memoryKiB: 256, passes: 1, parallelism: 1 } as const;

  it("hash with argon2id (a PHC string) and a fresh salt by default; verify the right password only", async () => {
    const a = await hashPassword("correct horse", cheapArgon);
    const b = await hashPassword("correct horse", cheapArgon);
    expect(a).toMatch(/^\$argon2id\$v=19\$m=256,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword("correct horse", a)).toBe(true);
    expect(await verifyPassword("correct horsf", a)).toBe(false);
  });

  it("the default parameters are OWASP's argon2id minimum (m=19 MiB, t=2, p=1), from the config", () => {
    expect(DEFAULT_PASSWORD_HASH).toEqual({ algorithm: "argon2id", memoryKiB: 19_456, passes: 2, parallelism: 1 });
    expect(passwordHashParams(loadConfig({ NODE_ENV: "test", DATA_DIR: "/tmp" }))).toEqual(DEFAULT_PASSWORD_HASH);
    expect(passwordHashParams(loadConfig({ NODE_ENV: "test", DATA_DIR: "/tmp", PASSWORD_HASH: "scrypt" }))).toEqual({ algorithm: "scrypt", ...DEFAULT_SCRYPT });
  });

  it("without crypto.argon2 (Node 22): unset falls back to scrypt and says so; asked for argon2id it refuses to start", () => {
    const fallbacks: string[] = [];
    const unset = loadConfig({ NODE_ENV: "test", DATA_DIR: "/tmp" });
    expect(passwordHashParams(unset, { argon2: false, onFallback: () => fallbacks.push("scrypt") })).toEqual({ algorithm: "scrypt", ...DEFAULT_SCRYPT });
    expect(fallbacks).toEqual(["scrypt"]);
    expect(passwordHashParams(unset, { argon2: true, onFallback: () => fallbacks.push("again") })).toEqual(DEFAULT_PASSWORD_HASH);
    expect(fallbacks).toEqual(["scrypt"]);
    expect(() => passwordHashParams(loadConfig({ NODE_ENV: "test", DATA_DIR: "/tmp", PASSWORD_HASH: "argon2id" }), { argon2: false })).toThrow(/PASSWORD_HASH=argon2id needs Node 24\.7/);
  });

  it("hash with scrypt when asked; scrypt hashes stored earlier still verify after the switch", async () => {
    const a = await hashPassword("correct horse", { algorithm: "scrypt", N: 1024, r: 8, p: 1 });
    const b = await hashPassword("correct horse", { algorithm: "scrypt", N: 1024, r: 8, p: 1 });
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword("correct horse", a)).toBe(true);
    expect(await verifyPassword("correct horsf", a)).toBe(false);
  });

  it("a malformed or tampered hash never matches", async () => {
    const good = await hashPassword("correct horse", cheapArgon);
    const tag = good.slice(good.lastIndexOf("$") + 1);
    const flipped = good.slice(0, good.lastIndexOf("$") + 1) + (tag[0] === "A" ? "B" : "A") + tag.slice(1);
    for (const bad of ["not-a-hash", "", flipped, good.replace("t=1", "t=2"), good.replace("m=256", "m=4"), good.replace("$v=19$", "$v=16$"), good.replace("argon2id", "argon2i")]) {
      expect(await verifyPassword("correct horse", bad)).toBe(false);
    }
  });
});

describe("access tokens", () => {
  it("carry sub, pid, role and kind; bots get kind bot", async () => {
    const tokens = createTokenService({ secret: "s".repeat(40), accessTtlSeconds: 900 });
    const user = await tokens.issueAccessToken({ userId: "u-1", playerId: "p-1", role: "admin", kind: "user" });
    expect(decodeJwt(user.accessToken)).toMatchObject({ sub: "u-1", pid: "p-1", role: "admin", kind: "user", iss: "pzo", aud: "pzo" });
    const bot = await tokens.issueBotToken("p-2");
    const v = await tokens.verifyAccessToken(bot.accessToken);
    expect(v).toMatchObject({ ok: true, sub: "bot:p-2", playerId: "p-2", kind: "bot", userId: null, role: "player" });
    expect(await tokens.verifyAccessToken(undefined)).toMatchObject({ ok: false, code: "auth/missing_token" });
  });

  it("a token verified once (and remembered) still expires on time; a tampered one never passes", async () => {
    let clock = 1_800_000_000_000;
    const tokens = createTokenService({ secret: "s".repeat(40), accessTtlSeconds: 60, now: () => clock, verifiedCacheSize: 2 });
    const { accessToken } = await tokens.issueAccessToken({ userId: "u-1", playerId: "p-1", role: "player", kind: "user" });
    expect(await tokens.verifyAccessToken(accessToken)).toMatchObject({ ok: true, playerId: "p-1" });
    expect(await tokens.verifyAccessToken(accessToken)).toMatchObject({ ok: true, playerId: "p-1" });
    const tampered = `${accessToken.slice(0, -2)}${accessToken.endsWith("A") ? "B" : "A"}A`;
    expect(await tokens.verifyAccessToken(tampered)).toMatchObject({ ok: false, code: "auth/invalid_token" });
    clock += 59_000;
    expect(await tokens.verifyAccessToken(accessToken)).toMatchObject({ ok: true });
    clock += 1_000;
    expect(await tokens.verifyAccessToken(accessToken)).toMatchObject({ ok: false, code: "auth/expired" });
    expect(await tokens.verifyAccessToken(accessToken)).toMatchObject({ ok: false, code: "auth/expired" });
  });
});
