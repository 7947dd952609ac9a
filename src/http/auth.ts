/**
 * Authentication primitives shared by HTTP and the rooms: access JWTs (HS256 via jose), opaque
 * refresh tokens (only their SHA-256 is stored), argon2id (or scrypt) password hashes, and the JWT secret's
 * resolution (environment, else a development secret kept under DATA_DIR).
 *
 * Everything is built by {@link createTokenService}: no module-level state. The rooms call
 * `tokens.verifyAccessToken(token)` in `onAuth`; the bot manager calls `tokens.issueBotToken`.
 */
import * as nodeCrypto from "node:crypto";
import { argon2, createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { errors as joseErrors, jwtVerify, SignJWT } from "jose";
import { z } from "zod";

/** Roles: `player` for everyone, `admin` for operators. */
export const ROLES = ["player", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** Who a token was issued to: a registered user, a guest player (no user) or a bot player. */
export const PRINCIPAL_KINDS = ["user", "guest", "bot"] as const;
export type PrincipalKind = (typeof PRINCIPAL_KINDS)[number];

/** A verified access token: who is calling. */
export interface AuthContext {
  readonly ok: true;
  /** The JWT `sub`: the user id, or `guest:<playerId>` / `bot:<playerId>`. */
  readonly sub: string;
  /** The user id, or null for guests and bots. */
  readonly userId: string | null;
  /** The player id (`players.id`); every principal plays as a player. */
  readonly playerId: string;
  readonly role: Role;
  readonly kind: PrincipalKind;
  /** The session (refresh-token family) the token was issued in (`sid`), or null. */
  readonly sessionId: string | null;
  /** Expiry, seconds since the epoch. */
  readonly expiresAt: number;
}

/** Why a token was refused. */
export interface AuthError {
  readonly ok: false;
  readonly code: "auth/missing_token" | "auth/invalid_token" | "auth/expired";
  readonly message: string;
}

/** A principal to issue an access token for. */
export interface Principal {
  readonly userId: string | null;
  readonly playerId: string;
  readonly role: Role;
  readonly kind: PrincipalKind;
  /** The session (refresh-token family) this access token belongs to, carried as `sid`. */
  readonly sessionId?: string;
}

/** An issued access token. */
export interface IssuedAccessToken {
  readonly accessToken: string;
  readonly tokenType: "Bearer";
  /** Seconds until expiry. */
  readonly expiresIn: number;
}

/** Token issuing and verification, bound to one secret. */
export interface TokenService {
  /** Signs a short-lived access JWT for a principal. */
  issueAccessToken(principal: Principal): Promise<IssuedAccessToken>;
  /** Verifies an access JWT (signature, expiry, issuer, audience, claims). Never throws. */
  verifyAccessToken(token: string | undefined | null): Promise<AuthContext | AuthError>;
  /** Issues an access token for a bot player (`kind: "bot"`, role `player`). */
  issueBotToken(botPlayerId: string): Promise<IssuedAccessToken>;
}

/** Options of {@link createTokenService}. */
export interface TokenServiceOptions {
  /** HMAC secret (at least 32 bytes of entropy). */
  readonly secret: string;
  /** Access token lifetime, seconds. */
  readonly accessTtlSeconds: number;
  /** Bot token lifetime, seconds (bots reconnect for a whole game). Default 24 h. */
  readonly botTtlSeconds?: number;
  /** Clock, ms since the epoch. */
  readonly now?: () => number;
  /** How many verified tokens to remember (default 10,000; 0 turns the cache off). */
  readonly verifiedCacheSize?: number;
}

const ISSUER = "pzo";
const AUDIENCE = "pzo";

const claimsSchema = z.object({
  sub: z.string().min(1),
  pid: z.string().min(1),
  role: z.enum(ROLES),
  kind: z.enum(PRINCIPAL_KINDS),
  sid: z.string().uuid().optional(),
  exp: z.number(),
});

/** The JWT `sub` of a principal. */
export function subjectOf(p: Principal): string {
  if (p.kind === "user" && p.userId !== null) return p.userId;
  return `${p.kind === "bot" ? "bot" : "guest"}:${p.playerId}`;
}

/** Creates the token service for one secret. */
export function createTokenService(opts: TokenServiceOptions): TokenService {
  // Imported once: given raw bytes, jose imports a WebCrypto key on every sign and verify.
  const keyReady = crypto.subtle.importKey("raw", new TextEncoder().encode(opts.secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
  keyReady.catch(() => undefined); // a failure surfaces on first use, not as an unhandled rejection
  const now = opts.now ?? Date.now;
  const botTtl = opts.botTtlSeconds ?? 24 * 3600;
  // Verified tokens, oldest first. A token's verdict depends only on its signature (fixed) and
  // its expiry (checked on every hit, as jose does), so a hit skips the HMAC: under load the
  // WebCrypto verify (a thread-pool job per request) was the largest single CPU cost of a read.
  const verified = new Map<string, AuthContext>();
  const cacheSize = opts.verifiedCacheSize ?? 10_000;
  const expired: AuthError = { ok: false, code: "auth/expired", message: "access token expired" };

  async function sign(p: Principal, ttl: number): Promise<IssuedAccessToken> {
    const iat = Math.floor(now() / 1000);
    const accessToken = await new SignJWT({ pid: p.playerId, role: p.role, kind: p.kind, ...(p.sessionId === undefined ? {} : { sid: p.sessionId }) })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject(subjectOf(p))
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ttl)
      .sign(await keyReady);
    return { accessToken, tokenType: "Bearer", expiresIn: ttl };
  }

  return {
    issueAccessToken: (p) => sign(p, opts.accessTtlSeconds),
    issueBotToken: (botPlayerId) => sign({ userId: null, playerId: botPlayerId, role: "player", kind: "bot" }, botTtl),
    async verifyAccessToken(token) {
      if (token === undefined || token === null || token === "") {
        return { ok: false, code: "auth/missing_token", message: "no access token" };
      }
      const hit = verified.get(token);
      if (hit !== undefined) {
        if (hit.expiresAt > Math.floor(now() / 1000)) return hit;
        verified.delete(token);
        return expired;
      }
      try {
        const { payload } = await jwtVerify(token, await keyReady, {
          algorithms: ["HS256"],
          issuer: ISSUER,
          audience: AUDIENCE,
          currentDate: new Date(now()),
        });
        const claims = claimsSchema.safeParse(payload);
        if (!claims.success) return { ok: false, code: "auth/invalid_token", message: "unexpected claims" };
        const c = claims.data;
        const userId = c.kind === "user" ? c.sub : null;
        const ctx: AuthContext = { ok: true, sub: c.sub, userId, playerId: c.pid, role: c.role, kind: c.kind, sessionId: c.sid ?? null, expiresAt: c.exp };
        if (cacheSize > 0) {
          if (verified.size >= cacheSize) verified.delete(verified.keys().next().value ?? "");
          verified.set(token, ctx);
        }
        return ctx;
      } catch (err: unknown) {
        if (err instanceof joseErrors.JWTExpired) return expired;
        return { ok: false, code: "auth/invalid_token", message: err instanceof Error ? err.message : "invalid token" };
      }
    },
  };
}

/** Extracts the token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  if (header === undefined) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1] ?? null;
}

// ---------------------------------------------------------------------------------------------
// The JWT secret
// ---------------------------------------------------------------------------------------------

/**
 * The JWT secret: `JWT_SECRET` when set; otherwise (never in production: config refuses) a
 * development secret generated once and kept in `<DATA_DIR>/jwt-secret`, with a warning logged.
 */
export function resolveJwtSecret(
  config: { readonly JWT_SECRET?: string | undefined; readonly DATA_DIR: string; readonly NODE_ENV: string },
  logger: { warn(obj: object, msg: string): void },
): string {
  if (config.JWT_SECRET !== undefined) return config.JWT_SECRET;
  if (config.NODE_ENV === "production") throw new Error("JWT_SECRET is required in production");
  const file = path.join(config.DATA_DIR, "jwt-secret");
  if (existsSync(file)) {
    const stored = readFileSync(file, "utf8").trim();
    if (stored.length >= 32) {
      logger.warn({ file }, "JWT_SECRET is not set: using the development secret kept in DATA_DIR. Set JWT_SECRET in production.");
      return stored;
    }
  }
  mkdirSync(config.DATA_DIR, { recursive: true });
  const secret = randomBytes(48).toString("base64url");
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  logger.warn({ file }, "JWT_SECRET is not set: generated a development secret and kept it in DATA_DIR. Set JWT_SECRET in production.");
  return secret;
}

// ---------------------------------------------------------------------------------------------
// Refresh tokens
// ---------------------------------------------------------------------------------------------

/** A new opaque refresh token (256 random bits, base64url). Only its hash is stored. */
export function newRefreshToken(): string {
  return randomBytes(32).toString("base64url");
}

/** The stored form of a refresh token: hex SHA-256. */
export function hashRefreshToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

// ---------------------------------------------------------------------------------------------
// Passwords
// ---------------------------------------------------------------------------------------------

/** scrypt parameters. N must be a power of two. */
export interface ScryptParams {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** argon2id parameters: memory in KiB, passes (time cost) and lanes. */
export interface Argon2Params {
  readonly memoryKiB: number;
  readonly passes: number;
  readonly parallelism: number;
}

/** How new passwords are hashed. A stored hash names its own algorithm and parameters. */
export type PasswordHashParams = ({ readonly algorithm: "argon2id" } & Argon2Params) | ({ readonly algorithm: "scrypt" } & ScryptParams);

/**
 * OWASP's first choice (Password Storage Cheat Sheet): argon2id with m=19 MiB, t=2, p=1, through
 * Node's built-in `crypto.argon2` (OpenSSL). About 35 ms of one core per hash on the bench
 * machine, against about 130 ms for OWASP's cheapest scrypt minimum below, for the same
 * standing: the cost a login or registration pays for it stays inside the write SLO.
 */
export const DEFAULT_PASSWORD_HASH: PasswordHashParams = { algorithm: "argon2id", memoryKiB: 19_456, passes: 2, parallelism: 1 };

/**
 * OWASP's scrypt minimum, in the form of its list of equivalent settings that costs the least
 * memory: N=2^14, r=8, p=5 (16 MiB; the first form, N=2^17, r=8, p=1, needs 128 MiB per hash in
 * flight). OpenSSL computes the p lanes one after another, so memory stays at 128·N·r bytes and
 * CPU grows with p. Used for new hashes only with `PASSWORD_HASH=scrypt`; scrypt hashes stored
 * earlier always verify.
 */
export const DEFAULT_SCRYPT: ScryptParams = { N: 16384, r: 8, p: 5 };

const KEY_LEN = 64;
const ARGON2_TAG_LEN = 32;
const SALT_LEN = 16;

// Both run on libuv's threadpool (callback forms), never on the event loop.
function scryptAsync(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/**
 * Whether this Node has `crypto.argon2` (24.7 and later, with its bundled OpenSSL). The types
 * say it always does; Node 22, which `engines` allows, does not.
 */
export function argon2Available(): boolean {
  return typeof Reflect.get(nodeCrypto, "argon2") === "function";
}

function argon2idAsync(password: string, salt: Buffer, tagLength: number, p: Argon2Params): Promise<Buffer> {
  if (!argon2Available()) return Promise.reject(new Error("argon2id password hashes need Node 24.7 or later (crypto.argon2)"));
  return new Promise((resolve, reject) => {
    argon2("argon2id", { message: password, nonce: salt, tagLength, memory: p.memoryKiB, passes: p.passes, parallelism: p.parallelism }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

function scryptOptions(p: ScryptParams): ScryptOptions {
  return { N: p.N, r: p.r, p: p.p, maxmem: 256 * p.N * p.r + 8 * 1024 * 1024 };
}

/** PHC string base64: standard alphabet without padding. */
const phcB64 = (b: Buffer): string => b.toString("base64").replace(/=+$/, "");

/**
 * Hashes a password with a fresh 16-byte salt. The result is self-describing, so parameters (and
 * the algorithm) can change without breaking old hashes: argon2id as a PHC string,
 * `$argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>`, and scrypt as
 * `scrypt$N$r$p$<salt base64>$<key base64>`.
 */
export async function hashPassword(password: string, params: PasswordHashParams = DEFAULT_PASSWORD_HASH): Promise<string> {
  const salt = randomBytes(SALT_LEN);
  const normalized = password.normalize("NFKC");
  switch (params.algorithm) {
    case "argon2id": {
      const tag = await argon2idAsync(normalized, salt, ARGON2_TAG_LEN, params);
      return `$argon2id$v=19$m=${params.memoryKiB},t=${params.passes},p=${params.parallelism}$${phcB64(salt)}$${phcB64(tag)}`;
    }
    case "scrypt": {
      const key = await scryptAsync(normalized, salt, KEY_LEN, scryptOptions(params));
      return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString("base64")}$${key.toString("base64")}`;
    }
    default: {
      const unknown: never = params;
      throw new Error(`unknown password hash algorithm ${JSON.stringify(unknown)}`);
    }
  }
}

const ARGON2_PHC = /^\$argon2id\$v=19\$m=(\d{1,8}),t=(\d{1,4}),p=(\d{1,3})\$([A-Za-z0-9+/]{11,})\$([A-Za-z0-9+/]{6,})$/;

/** Checks a password against a stored hash in constant time. A malformed hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const normalized = password.normalize("NFKC");
  const argon = ARGON2_PHC.exec(stored);
  if (argon !== null) {
    const [memoryKiB, passes, parallelism] = [Number(argon[1]), Number(argon[2]), Number(argon[3])];
    if (passes < 1 || parallelism < 1 || memoryKiB < 8 * parallelism) return false;
    const salt = Buffer.from(argon[4] ?? "", "base64");
    const expected = Buffer.from(argon[5] ?? "", "base64");
    if (salt.length < 8 || expected.length < 4) return false;
    const actual = await argon2idAsync(normalized, salt, expected.length, { memoryKiB, passes, parallelism });
    return timingSafeEqual(actual, expected);
  }
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (!Number.isInteger(N) || !Number.isInteger(r) || !Number.isInteger(p) || N < 2 || r < 1 || p < 1) return false;
  const salt = Buffer.from(parts[4] ?? "", "base64");
  const expected = Buffer.from(parts[5] ?? "", "base64");
  if (expected.length === 0) return false;
  const actual = await scryptAsync(normalized, salt, expected.length, scryptOptions({ N, r, p }));
  return timingSafeEqual(actual, expected);
}

/**
 * A hash of a random password with the given parameters, used to spend the same time on an
 * unknown account as on a wrong password (so response time does not reveal which accounts exist).
 */
export function dummyPasswordHash(params: PasswordHashParams = DEFAULT_PASSWORD_HASH): Promise<string> {
  return hashPassword(randomBytes(16).toString("base64"), params);
}
