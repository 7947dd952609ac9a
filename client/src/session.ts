/**
 * Who the page plays as. A guest account is made on first visit (no form to fill); register
 * and login replace it. Tokens live in localStorage; the access token is refreshed shortly
 * before it expires, or when the server says it has, with a single refresh in flight at a time.
 * Guests refresh like users (the server gives every session a refresh token), so a guest
 * keeps its player across access-token lifetimes; only a dead refresh token (logged out,
 * expired) makes the page start again as a new guest.
 */
import * as z from "zod/mini";
import { local } from "./env.js";
import { request, useTokens, type ApiProblem, type ApiResult } from "./http.js";

const STORAGE_KEY = "pzo.auth";
/** Refresh this many seconds before the access token's `exp`. */
const EARLY_REFRESH_SECONDS = 30;

export interface Identity {
  readonly playerId: string;
  readonly displayName: string;
  readonly kind: "user" | "guest" | "bot";
}

const storedSchema = z.object({
  accessToken: z.string(),
  /** Null only in a session stored by an older build, when guests got no refresh token. */
  refreshToken: z.nullable(z.string()),
  playerId: z.string(),
  displayName: z.string(),
  kind: z.enum(["user", "guest", "bot"]),
  expiresAt: z.number(),
});
type Stored = z.infer<typeof storedSchema>;

/** The session answer of register, login, guest login and refresh (docs/API.md). */
const authAnswer = z.object({
  accessToken: z.string().check(z.minLength(1)),
  refreshToken: z.nullable(z.string()),
  playerId: z.string(),
  user: z.nullable(z.object({ username: z.string(), displayName: z.string() })),
});

/** The part of `GET /api/players/:id` the session needs. */
const playerName = z.object({ displayName: z.string() });

const claims = z.object({ pid: z.string(), kind: z.enum(["user", "guest", "bot"]), exp: z.number() });

/** Reads the (unverified) claims of a JWT: the server verifies; the page only needs pid and exp. */
function readClaims(jwt: string): z.infer<typeof claims> | null {
  const part = jwt.split(".")[1];
  if (part === undefined) return null;
  try {
    const json: unknown = JSON.parse(atob(part.replace(/-/g, "+").replace(/_/g, "/")));
    const c = claims.safeParse(json);
    return c.success ? c.data : null;
  } catch {
    return null;
  }
}

let current: Stored | null = load();
let refreshing: Promise<boolean> | null = null;
const listeners = new Set<(id: Identity | null) => void>();

function load(): Stored | null {
  const raw = local.getItem(STORAGE_KEY);
  if (raw === null) return null;
  try {
    const parsed = storedSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function save(next: Stored | null): void {
  current = next;
  if (next === null) local.removeItem(STORAGE_KEY);
  else local.setItem(STORAGE_KEY, JSON.stringify(next));
  const id = identity();
  for (const l of listeners) l(id);
}

function fromAnswer(a: z.infer<typeof authAnswer>, name: string | undefined): Stored | null {
  const c = readClaims(a.accessToken);
  if (c === null) return null;
  return {
    accessToken: a.accessToken,
    refreshToken: a.refreshToken,
    playerId: a.playerId,
    displayName: a.user?.displayName ?? name ?? "Guest",
    kind: c.kind,
    expiresAt: c.exp,
  };
}

async function authCall(path: string, body: unknown): Promise<ApiResult<Identity>> {
  const res = await request(path, authAnswer, { method: "POST", body, auth: false });
  if (!res.ok) return res;
  let name: string | undefined;
  if (res.data.user === null) {
    // A guest's name is on its player.
    const p = await request(`/api/players/${encodeURIComponent(res.data.playerId)}`, playerName, { auth: false });
    if (p.ok) name = p.data.displayName;
  }
  const stored = fromAnswer(res.data, name);
  if (stored === null) return { ok: false, problem: { status: 200, code: "client/bad_token", message: "The server sent a token the page cannot read." } };
  save(stored);
  return { ok: true, data: { playerId: stored.playerId, displayName: stored.displayName, kind: stored.kind } };
}

/** The current identity, or null before the first login. */
export function identity(): Identity | null {
  return current ? { playerId: current.playerId, displayName: current.displayName, kind: current.kind } : null;
}

/** Calls `fn` on every login, logout and refresh that changes who we are. */
export function onIdentity(fn: (id: Identity | null) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function guestLogin(): Promise<ApiResult<Identity>> {
  return authCall("/api/auth/guest", {});
}

export function login(login: string, password: string): Promise<ApiResult<Identity>> {
  return authCall("/api/auth/login", { login, password });
}

export function register(username: string, email: string, password: string): Promise<ApiResult<Identity>> {
  return authCall("/api/users", { username, email, password });
}

export async function logout(): Promise<void> {
  const refreshToken = current?.refreshToken;
  if (refreshToken !== undefined && refreshToken !== null) {
    await request("/api/auth/logout", z.unknown(), { method: "POST", body: { refreshToken }, auth: false });
  }
  save(null);
}

async function doRefresh(): Promise<boolean> {
  const s = current;
  if (s === null) return false;
  if (s.refreshToken === null) {
    // A session stored before guests had refresh tokens cannot refresh: it goes on as a new guest.
    save(null);
    return (await guestLogin()).ok;
  }
  const res = await request("/api/auth/refresh", authAnswer, { method: "POST", body: { refreshToken: s.refreshToken }, auth: false });
  if (!res.ok) {
    // A dead refresh token (logged out, expired): start again as a guest.
    if (res.problem.status === 401) {
      save(null);
      return (await guestLogin()).ok;
    }
    return false;
  }
  const next = fromAnswer(res.data, s.displayName);
  if (next === null) return false;
  save(next);
  return true;
}

/** Refreshes the access token now (one refresh at a time). */
export function refresh(): Promise<boolean> {
  refreshing ??= doRefresh().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

/** A valid access token: refreshed when close to expiry. Null when there is no session. */
export async function accessToken(): Promise<string | null> {
  if (current === null) return null;
  if (current.expiresAt - EARLY_REFRESH_SECONDS <= Date.now() / 1000) await refresh();
  return current?.accessToken ?? null;
}

/**
 * Makes sure the page has someone to play as: the stored session (refreshed if needed), or a
 * new guest. Returns the problem when the server cannot be reached.
 */
export async function ensureSession(): Promise<Identity | ApiProblem> {
  if (current !== null) {
    const token = await accessToken();
    const id = identity();
    if (token !== null && id !== null) return id;
  }
  const res = await guestLogin();
  return res.ok ? res.data : res.problem;
}

useTokens({ accessToken, refresh });
