/**
 * Accounts and sessions: register (`POST /api/users`), login, guest login, refresh, logout and
 * `me`. Every login-like route answers with the same session shape: a short-lived access JWT
 * and an opaque refresh token (rotated on every refresh; a logged-out one is dead).
 */
import { randomInt } from "node:crypto";
import { z } from "zod";
import { hashPassword, hashRefreshToken, newRefreshToken, verifyPassword, type AuthContext, type Principal } from "../auth.js";
import { fail, jsonRoute, none, ok, type Reply } from "../route.js";
import { guestBody, idParams, loginBody, meSchema, refreshBody, registerBody, sessionInfoSchema, sessionSchema } from "../schemas.js";
import type { UserView } from "../stores/accounts.js";
import type { RefreshOwner } from "../stores/sessions.js";
import type { RouteDeps } from "./deps.js";

type Session = z.input<typeof sessionSchema>;

/**
 * Issues an access token and a refresh token for a principal: a registered user (`user` set)
 * or a guest player (`user` null). The refresh token's hash is stored with its owner, in the
 * given session (token family) or, at a login, a new one; the access token carries it as `sid`.
 */
async function openSession(
  deps: RouteDeps,
  principal: Principal,
  user: UserView | null,
  familyId: string = deps.sessions.newFamily(),
  opts: { readonly passwordLogin?: boolean } = {},
): Promise<Session> {
  const access = await deps.tokens.issueAccessToken({ ...principal, sessionId: familyId });
  const refreshToken = newRefreshToken();
  await deps.sessions.save({
    owner: user !== null ? { kind: "user", userId: user.id } : { kind: "guest", playerId: principal.playerId },
    familyId,
    tokenHash: hashRefreshToken(refreshToken),
    expiresAt: new Date(deps.now() + deps.refreshTtlSeconds * 1000),
    ...(opts.passwordLogin === true && user !== null ? { loggedIn: { userId: user.id, playerId: user.playerId } } : {}),
  });
  return {
    ...access,
    refreshToken,
    refreshExpiresIn: deps.refreshTtlSeconds,
    user,
    playerId: principal.playerId,
    role: principal.role,
  };
}

const guestPrincipal = (playerId: string): Principal => ({ userId: null, playerId, role: "player", kind: "guest" });
const userPrincipal = (u: UserView): Principal => ({ userId: u.id, playerId: u.playerId, role: u.role, kind: "user" });

/** The refresh-token owner a caller's sessions belong to. */
export function ownerOf(a: AuthContext): RefreshOwner {
  return a.userId !== null ? { kind: "user", userId: a.userId } : { kind: "guest", playerId: a.playerId };
}

function meOf(a: AuthContext): z.input<typeof meSchema> {
  return { sub: a.sub, userId: a.userId, playerId: a.playerId, role: a.role, kind: a.kind, expiresAt: a.expiresAt };
}

/** The auth routes. */
export function authRoutes(deps: RouteDeps) {
  const register = jsonRoute({
    method: "post",
    path: "/api/users",
    summary: "Register: create a user and its player, and open a session",
    tags: ["auth", "users"],
    access: "public",
    group: "auth",
    idempotent: true,
    errors: ["conflict/username_taken", "conflict/email_taken"],
    status: 201,
    params: none,
    query: none,
    body: registerBody,
    response: sessionSchema,
    async handler({ body }): Promise<Reply<Session>> {
      const passwordHash = await hashPassword(body.password, deps.passwordHash);
      const created = await deps.accounts.register({ username: body.username, email: body.email, passwordHash });
      if (!created.ok) return fail(created.conflict, created.conflict === "conflict/email_taken" ? "an account with this email exists" : "this username is taken");
      return ok(await openSession(deps, userPrincipal(created.user), created.user), { status: 201 });
    },
  });

  const login = jsonRoute({
    method: "post",
    path: "/api/auth/login",
    summary: "Log in with username or email and password",
    description: "Failed logins are limited per account and per client address; past the limit the answer is 429 with Retry-After, even for the right password.",
    tags: ["auth"],
    access: "public",
    group: "auth",
    errors: ["auth/invalid_credentials"],
    params: none,
    query: none,
    body: loginBody,
    response: sessionSchema,
    async handler({ body, ip, log }): Promise<Reply<Session>> {
      const accountKey = `acct:${body.login.toLowerCase()}`;
      const ipKey = `ip:${ip}`;
      for (const [limiter, key] of [[deps.loginLimiters.account, accountKey], [deps.loginLimiters.ip, ipKey]] as const) {
        const b = await limiter.blocked(key);
        if (!b.allowed) {
          deps.metrics.loginFailures.inc({ reason: "locked_out" });
          return fail("rate_limited", "too many failed logins; wait before trying again", { retryAfterSeconds: b.retryAfterSeconds });
        }
      }
      const found = await deps.accounts.findForLogin(body.login);
      // An unknown account costs the same scrypt as a wrong password: timing does not tell them apart.
      const good = await verifyPassword(body.password, found?.passwordHash ?? (await deps.dummyPasswordHash()));
      if (found === null || !good) {
        deps.metrics.loginFailures.inc({ reason: "invalid_credentials" });
        await Promise.all([deps.loginLimiters.account.consume(accountKey), deps.loginLimiters.ip.consume(ipKey)]);
        log.info({ login: body.login.toLowerCase() }, "login failed");
        return fail("auth/invalid_credentials");
      }
      await deps.loginLimiters.account.reset(accountKey);
      return ok(await openSession(deps, userPrincipal(found.user), found.user, undefined, { passwordLogin: true }));
    },
  });

  const guest = jsonRoute({
    method: "post",
    path: "/api/auth/guest",
    summary: "Guest login: create a player with no user, and open a session",
    tags: ["auth"],
    access: "public",
    group: "auth",
    idempotent: true,
    errors: [],
    status: 201,
    params: none,
    query: none,
    body: guestBody,
    response: sessionSchema,
    async handler({ body }): Promise<Reply<Session>> {
      const player = await deps.accounts.createPlayer({ displayName: body.displayName ?? `Guest-${randomInt(1_000_000)}`, isBot: false, unranked: body.unranked ?? false });
      return ok(await openSession(deps, guestPrincipal(player.id), null), { status: 201 });
    },
  });

  const refresh = jsonRoute({
    method: "post",
    path: "/api/auth/refresh",
    summary: "Exchange a refresh token (a user's or a guest's) for a new access token and a new refresh token",
    description:
      "The presented refresh token is spent (rotation) and its successor joins the same session. Presenting a spent token again is reuse: the whole session (every token rotated from the same login) is revoked, and the answer is 401 auth/invalid_refresh_token. A guest's refresh token renews the same guest player.",
    tags: ["auth"],
    access: "public",
    group: "auth",
    errors: ["auth/invalid_refresh_token"],
    params: none,
    query: none,
    body: refreshBody,
    response: sessionSchema,
    async handler({ body, log }): Promise<Reply<Session>> {
      const spent = await deps.sessions.spend(hashRefreshToken(body.refreshToken), new Date(deps.now()));
      if (spent.status === "reused") {
        log.warn({ session: spent.familyId }, "refresh token reused: its session is revoked");
        return fail("auth/invalid_refresh_token", "this refresh token was already used; its session has been revoked");
      }
      if (spent.status === "unknown") return fail("auth/invalid_refresh_token");
      const owner = spent.owner;
      if (owner.kind === "guest") {
        const player = await deps.accounts.getPlayer(owner.playerId);
        // A guest is a player with no user; one that has gone (or is not a guest) cannot renew.
        if (player === null || player.userId !== null || player.isBot) return fail("auth/invalid_refresh_token");
        return ok(await openSession(deps, guestPrincipal(player.id), null, spent.familyId));
      }
      const user = await deps.accounts.getUser(owner.userId);
      if (user === null) return fail("auth/invalid_refresh_token");
      return ok(await openSession(deps, userPrincipal(user), user, spent.familyId));
    },
  });

  const logout = jsonRoute({
    method: "post",
    path: "/api/auth/logout",
    summary: "Log out: the refresh token (a user's or a guest's) is revoked",
    description: "Always 200, whether or not the token was live (no oracle). Access tokens already issued stay valid until they expire (ACCESS_TOKEN_TTL_SECONDS).",
    tags: ["auth"],
    access: "public",
    group: "auth",
    errors: [],
    params: none,
    query: none,
    body: refreshBody,
    response: z.object({ loggedOut: z.literal(true) }),
    async handler({ body }) {
      await deps.sessions.spend(hashRefreshToken(body.refreshToken), new Date(deps.now()));
      return ok({ loggedOut: true as const });
    },
  });

  const me = jsonRoute({
    method: "get",
    path: "/api/auth/me",
    summary: "Who the access token belongs to",
    description:
      "401 auth/invalid_token when the account was deleted. Other routes accept a deleted account's access token until it expires (ACCESS_TOKEN_TTL_SECONDS, 15 minutes by default), but find nothing of it.",
    tags: ["auth"],
    access: "player",
    group: "read",
    errors: ["auth/invalid_token"],
    params: none,
    query: none,
    body: none,
    response: meSchema,
    async handler({ auth }) {
      if (auth === null) return fail("auth/missing_token");
      // A deleted account's access token still verifies until it expires; `me` says it is gone.
      if ((await deps.accounts.getPlayer(auth.playerId)) === null) return fail("auth/invalid_token", "this account no longer exists");
      return ok(meOf(auth));
    },
  });

  const listSessions = jsonRoute({
    method: "get",
    path: "/api/auth/sessions",
    summary: "Your live sessions (one per login; refreshes stay in it), newest first",
    description: "`current` marks the session the presented access token was issued in.",
    tags: ["auth"],
    access: "player",
    group: "read",
    errors: [],
    params: none,
    query: none,
    body: none,
    response: z.array(sessionInfoSchema),
    async handler({ auth }) {
      if (auth === null) return fail("auth/missing_token");
      const sessions = await deps.sessions.list(ownerOf(auth), new Date(deps.now()));
      return ok(sessions.map((s) => ({ ...s, current: s.id === auth.sessionId })));
    },
  });

  const revokeSession = jsonRoute({
    method: "delete",
    path: "/api/auth/sessions/:id",
    summary: "Revoke one of your sessions: its refresh token stops working",
    description: "Access tokens already issued in it stay valid until they expire (ACCESS_TOKEN_TTL_SECONDS).",
    tags: ["auth"],
    access: "player",
    group: "write",
    errors: ["not_found"],
    params: idParams,
    query: none,
    body: none,
    response: z.object({ revoked: z.literal(true), id: z.string() }),
    async handler({ auth, params }) {
      if (auth === null) return fail("auth/missing_token");
      const done = await deps.sessions.revoke(ownerOf(auth), params.id, new Date(deps.now()));
      return done ? ok({ revoked: true as const, id: params.id }) : fail("not_found", "no such live session of yours");
    },
  });

  // The spec's User Service paths: aliases of the same routes (one implementation).
  const registerAlias = { ...register, path: "/api/users/register", summary: `${register.summary} (alias of POST /api/users)` };
  const loginAlias = { ...login, path: "/api/users/login", summary: `${login.summary} (alias of POST /api/auth/login)` };

  return [register, registerAlias, login, loginAlias, guest, refresh, logout, me, listSessions, revokeSession];
}
