/**
 * The HTTP API through its public face, on every database backend (PGlite always, PostgreSQL
 * when DATABASE_URL is set): every route's success, and each of validation (400),
 * unauthenticated (401), forbidden (403), not found (404), conflict (409) and rate-limited
 * (429) where the route can answer it, each asserting the problem `code`.
 */
import { and, eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { players, refreshTokens, scoreEvents } from "../../db/schema/index.js";
import { createTokenService } from "../../src/http/auth.js";
import type { SeatOccupant } from "../../src/game/types.js";
import { testBackends } from "../support/db.js";
import { call, codeOf, field, str, type Res } from "./support/client.js";
import { startTestApi, TEST_JWT_SECRET, type TestApi } from "./support/httpApp.js";

const SERVICE_KEY = "service-key-for-tests-0123456789";
const PROBLEM = "application/problem+json";

function expectProblem(r: Res, status: number, code: string): void {
  expect({ status: r.status, code: codeOf(r) }).toEqual({ status, code });
  expect(r.headers.get("content-type")).toContain(PROBLEM);
  expect(field(r.json, "type")).toBe(`urn:pzo:problem:${code}`);
  expect(typeof field(r.json, "requestId")).toBe("string");
}

describe.each(testBackends())("HTTP API on $name", (backend) => {
  let t: TestApi;
  const req = (method: string, path: string, opts: Parameters<typeof call>[3] = {}) => call(t.url, method, path, opts);
  let alice: { token: string; refresh: string; userId: string; playerId: string };
  let bob: { token: string; userId: string; playerId: string };
  let admin: string;
  let completedGame: string;
  let liveGame: string;
  let seats: SeatOccupant[];

  async function register(username: string): Promise<{ token: string; refresh: string; userId: string; playerId: string }> {
    const r = await req("POST", "/api/users", { body: { username, email: `${username}@example.com`, password: "correct horse battery" } });
    expect(r.status).toBe(201);
    return { token: str(r.json, "data", "accessToken"), refresh: str(r.json, "data", "refreshToken"), userId: str(r.json, "data", "user", "id"), playerId: str(r.json, "data", "playerId") };
  }

  beforeAll(async () => {
    t = await startTestApi(backend, {
      env: { SERVICE_KEY, LOGIN_MAX_FAILURES_PER_ACCOUNT: "3", RATE_LIMIT_SCORES: "8/60", RATE_LIMIT_AUTH: "1000/60" },
    });
    alice = await register("Alice");
    bob = await register("bob");
    const extra = [await register("carol"), await register("dave")];
    admin = (await t.tokens.issueAccessToken({ userId: extra[1]?.userId ?? "", playerId: extra[1]?.playerId ?? "", role: "admin", kind: "user" })).accessToken;
    seats = [alice, bob, ...extra].map((p, i) => ({ playerId: p.playerId as SeatOccupant["playerId"], displayName: `p${i}`, isBot: false }));
    completedGame = await t.playCompletedGame("http-completed", seats);
    liveGame = await t.createLiveGame("http-live", seats);
  });
  afterAll(async () => {
    await t.close();
  });

  describe("envelope, errors, request ids", () => {
    it("answers /healthz and /readyz in the success envelope, with an X-Request-Id", async () => {
      const h = await req("GET", "/healthz");
      expect(h.status).toBe(200);
      expect(field(h.json, "data", "status")).toBe("ok");
      expect(h.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
      const r = await req("GET", "/readyz", { headers: { "x-request-id": "trace-123" } });
      expect(r.status).toBe(200);
      expect(field(r.json, "data", "checks", "database")).toBe("ok");
      expect(r.headers.get("x-request-id")).toBe("trace-123");
    });

    it("answers an unknown /api route with a problem, and malformed JSON with validation/malformed_json", async () => {
      expectProblem(await req("GET", "/api/nope"), 404, "route_not_found");
      const bad = await req("POST", "/api/auth/login", { rawBody: "{not json" });
      expectProblem(bad, 400, "validation/malformed_json");
    });

    it("serves Prometheus metrics with per-route latency", async () => {
      await req("GET", `/api/games/${completedGame}`);
      const m = await req("GET", "/metrics");
      expect(m.status).toBe(200);
      expect(m.text).toContain('http_request_duration_seconds_bucket{le="0.01",method="GET",route="/api/games/:id",status="200"}');
      expect(m.text).toContain("http_rate_limit_rejections_total");
    });
  });

  describe("auth", () => {
    it("registers: 201 with a session; 400 on bad fields; 409 on a taken email or username", async () => {
      const bad = await req("POST", "/api/users", { body: { username: "x", email: "nope", password: "short" } });
      expectProblem(bad, 400, "validation/failed");
      const paths = (field(bad.json, "errors") as { path: string }[]).map((e) => e.path).sort();
      expect(paths).toEqual(["email", "password", "username"]);
      expectProblem(await req("POST", "/api/users", { body: { username: "alice2", email: "ALICE@example.com", password: "long enough pw" } }), 409, "conflict/email_taken");
      expectProblem(await req("POST", "/api/users", { body: { username: "ALICE", email: "other@example.com", password: "long enough pw" } }), 409, "conflict/username_taken");
    });

    it("logs in by username or email; wrong password is auth/invalid_credentials", async () => {
      const byName = await req("POST", "/api/auth/login", { body: { login: "alice", password: "correct horse battery" } });
      expect(byName.status).toBe(200);
      expect(field(byName.json, "data", "user", "id")).toBe(alice.userId);
      const byEmail = await req("POST", "/api/auth/login", { body: { login: "Alice@Example.com", password: "correct horse battery" } });
      expect(byEmail.status).toBe(200);
      expectProblem(await req("POST", "/api/auth/login", { body: { login: "alice", password: "wrong" } }), 401, "auth/invalid_credentials");
      expectProblem(await req("POST", "/api/auth/login", { body: { login: "nobody", password: "wrong" } }), 401, "auth/invalid_credentials");
      expectProblem(await req("POST", "/api/auth/login", { body: { login: "" } }), 400, "validation/failed");
    });

    it("locks an account out after repeated failures: 429 with Retry-After, even for the right password", async () => {
      await register("erin");
      for (let i = 0; i < 3; i++) expectProblem(await req("POST", "/api/auth/login", { body: { login: "erin", password: "nope" } }), 401, "auth/invalid_credentials");
      const locked = await req("POST", "/api/auth/login", { body: { login: "erin", password: "correct horse battery" } });
      expectProblem(locked, 429, "rate_limited");
      expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    });

    it("guest login makes a player with no user", async () => {
      const g = await req("POST", "/api/auth/guest", { body: { displayName: "Visitor" } });
      expect(g.status).toBe(201);
      expect(field(g.json, "data", "user")).toBeNull();
      const me = await req("GET", "/api/auth/me", { token: str(g.json, "data", "accessToken") });
      expect(field(me.json, "data", "kind")).toBe("guest");
      expect(field(me.json, "data", "userId")).toBeNull();
      expect((await req("GET", `/api/players/${str(g.json, "data", "playerId")}`)).status).toBe(200);
    });

    it("guest login with unranked: true makes a test client's guest (players.unranked, never on the ladder: docs/LADDER.md L8)", async () => {
      const flagOf = async (playerId: string): Promise<boolean | undefined> =>
        (await t.database.db.select({ unranked: players.unranked }).from(players).where(eq(players.id, playerId)))[0]?.unranked;
      const tester = await req("POST", "/api/auth/guest", { body: { displayName: "cli-bot-0-0", unranked: true } });
      expect(tester.status).toBe(201);
      expect(await flagOf(str(tester.json, "data", "playerId"))).toBe(true);
      const visitor = await req("POST", "/api/auth/guest", { body: { displayName: "cli-bot-0-1" } });
      expect(await flagOf(str(visitor.json, "data", "playerId"))).toBe(false);
      expectProblem(await req("POST", "/api/auth/guest", { body: { unranked: "yes" } }), 400, "validation/failed");
    });

    it("guest login returns a refresh token; refresh renews the same guest and rotates; logout kills it", async () => {
      const g = await req("POST", "/api/auth/guest", { body: { displayName: "Stayer" } });
      expect(g.status).toBe(201);
      const playerId = str(g.json, "data", "playerId");
      const first = str(g.json, "data", "refreshToken");
      expect(first.length).toBeGreaterThanOrEqual(40);
      expect(field(g.json, "data", "refreshExpiresIn")).toBe(t.config.REFRESH_TOKEN_TTL_SECONDS);
      const r1 = await req("POST", "/api/auth/refresh", { body: { refreshToken: first } });
      expect(r1.status).toBe(200);
      expect(field(r1.json, "data", "user")).toBeNull();
      expect(field(r1.json, "data", "playerId")).toBe(playerId);
      const me = await req("GET", "/api/auth/me", { token: str(r1.json, "data", "accessToken") });
      expect({ kind: field(me.json, "data", "kind"), playerId: field(me.json, "data", "playerId"), userId: field(me.json, "data", "userId") }).toEqual({ kind: "guest", playerId, userId: null });
      const next = str(r1.json, "data", "refreshToken");
      expect(next).not.toBe(first);
      // Rotation: the first token is spent.
      expectProblem(await req("POST", "/api/auth/refresh", { body: { refreshToken: first } }), 401, "auth/invalid_refresh_token");
      expect((await req("POST", "/api/auth/logout", { body: { refreshToken: next } })).status).toBe(200);
      expectProblem(await req("POST", "/api/auth/refresh", { body: { refreshToken: next } }), 401, "auth/invalid_refresh_token");
    });

    it("refresh_tokens rows belong to exactly one of a user and a guest player (CHECK)", async () => {
      const g = await req("POST", "/api/auth/guest", { body: {} });
      const playerId = str(g.json, "data", "playerId");
      const both = t.database.db.insert(refreshTokens).values({ userId: alice.userId, playerId, tokenHash: `both-${playerId}`, expiresAt: new Date(Date.now() + 60_000) });
      await expect(both).rejects.toThrow();
      const neither = t.database.db.insert(refreshTokens).values({ userId: null, playerId: null, tokenHash: `neither-${playerId}`, expiresAt: new Date(Date.now() + 60_000) });
      await expect(neither).rejects.toThrow();
      const rows = await t.database.db.select({ userId: refreshTokens.userId }).from(refreshTokens).where(eq(refreshTokens.playerId, playerId));
      expect(rows).toEqual([{ userId: null }]);
    });

    it("refresh rotates the token; a spent or logged-out refresh token is dead", async () => {
      const s = await register("frank");
      const r1 = await req("POST", "/api/auth/refresh", { body: { refreshToken: s.refresh } });
      expect(r1.status).toBe(200);
      const next = str(r1.json, "data", "refreshToken");
      expectProblem(await req("POST", "/api/auth/refresh", { body: { refreshToken: s.refresh } }), 401, "auth/invalid_refresh_token");
      expect((await req("POST", "/api/auth/logout", { body: { refreshToken: next } })).status).toBe(200);
      expectProblem(await req("POST", "/api/auth/refresh", { body: { refreshToken: next } }), 401, "auth/invalid_refresh_token");
      expectProblem(await req("POST", "/api/auth/refresh", { body: {} }), 400, "validation/failed");
    });

    it("tells missing, invalid and expired access tokens apart", async () => {
      expectProblem(await req("GET", "/api/auth/me"), 401, "auth/missing_token");
      expectProblem(await req("GET", "/api/auth/me", { token: "not.a.jwt" }), 401, "auth/invalid_token");
      const past = createTokenService({ secret: TEST_JWT_SECRET, accessTtlSeconds: 60, now: () => Date.now() - 3_600_000 });
      const old = await past.issueAccessToken({ userId: alice.userId, playerId: alice.playerId, role: "player", kind: "user" });
      expectProblem(await req("GET", "/api/auth/me", { token: old.accessToken }), 401, "auth/expired");
      const forged = createTokenService({ secret: "another-secret-another-secret-0123456789", accessTtlSeconds: 60 });
      const f = await forged.issueAccessToken({ userId: alice.userId, playerId: alice.playerId, role: "admin", kind: "user" });
      expectProblem(await req("GET", "/api/auth/me", { token: f.accessToken }), 401, "auth/invalid_token");
    });

    it("issues bot tokens that the API accepts as kind bot", async () => {
      const bot = await t.tokens.issueBotToken(seats[2]?.playerId ?? "");
      const me = await req("GET", "/api/auth/me", { token: bot.accessToken });
      expect(field(me.json, "data", "kind")).toBe("bot");
    });
  });

  describe("users", () => {
    it("GET: owner or admin; others 403; unknown 404; bad id 400", async () => {
      const own = await req("GET", `/api/users/${alice.userId}`, { token: alice.token });
      expect(own.status).toBe(200);
      expect(field(own.json, "data", "email")).toBe("alice@example.com");
      expect(field(own.json, "data", "passwordHash")).toBeUndefined();
      expectProblem(await req("GET", `/api/users/${alice.userId}`, { token: bob.token }), 403, "auth/forbidden");
      expectProblem(await req("GET", `/api/users/${alice.userId}`), 401, "auth/missing_token");
      expect((await req("GET", `/api/users/${alice.userId}`, { token: admin })).status).toBe(200);
      expectProblem(await req("GET", "/api/users/6f1c1c5e-3c1a-4c1e-9c1a-1c1a1c1a1c1a", { token: admin }), 404, "not_found");
      expectProblem(await req("GET", "/api/users/42", { token: admin }), 400, "validation/failed");
    });

    it("PUT: updates; email/password changes need the current password; conflicts 409; roles admin-only", async () => {
      const r = await req("PUT", `/api/users/${bob.userId}`, { token: bob.token, body: { displayName: "Bobby" } });
      expect(r.status).toBe(200);
      expect(field(r.json, "data", "displayName")).toBe("Bobby");
      expectProblem(await req("PUT", `/api/users/${bob.userId}`, { token: bob.token, body: { email: "b2@example.com" } }), 401, "auth/invalid_credentials");
      const ok = await req("PUT", `/api/users/${bob.userId}`, { token: bob.token, body: { email: "b2@example.com", currentPassword: "correct horse battery" } });
      expect(field(ok.json, "data", "email")).toBe("b2@example.com");
      expectProblem(await req("PUT", `/api/users/${bob.userId}`, { token: bob.token, body: { username: "alice" } }), 409, "conflict/username_taken");
      expectProblem(await req("PUT", `/api/users/${bob.userId}`, { token: bob.token, body: { role: "admin" } }), 403, "auth/forbidden");
      expectProblem(await req("PUT", `/api/users/${bob.userId}`, { token: alice.token, body: { displayName: "x" } }), 403, "auth/forbidden");
      expectProblem(await req("PUT", `/api/users/${bob.userId}`, { token: bob.token, body: {} }), 400, "validation/failed");
      expectProblem(await req("PUT", "/api/users/6f1c1c5e-3c1a-4c1e-9c1a-1c1a1c1a1c1a", { token: admin, body: { displayName: "x" } }), 404, "not_found");
    });

    it("DELETE: removes the account, its player and ladder entries; the refresh token dies", async () => {
      const gone = await register("gina");
      const other = await register("hank");
      expectProblem(await req("DELETE", `/api/users/${gone.userId}`, { token: other.token }), 403, "auth/forbidden");
      const d = await req("DELETE", `/api/users/${gone.userId}`, { token: gone.token });
      expect(d.status).toBe(200);
      expectProblem(await req("GET", `/api/users/${gone.userId}`, { token: admin }), 404, "not_found");
      expectProblem(await req("GET", `/api/players/${gone.playerId}`), 404, "not_found");
      expectProblem(await req("POST", "/api/auth/refresh", { body: { refreshToken: gone.refresh } }), 401, "auth/invalid_refresh_token");
      expectProblem(await req("DELETE", `/api/users/${gone.userId}`, { token: admin }), 404, "not_found");
    });
  });

  describe("account deletion and the ladder", () => {
    it("DELETE /api/users/:id removes the ladder entry (rank 404) and keeps score_events with the player nulled", async () => {
      const kate = await register("kate");
      const issued = await req("POST", "/api/actions", { headers: { "x-service-key": SERVICE_KEY }, body: { userId: kate.userId, maxScore: 9, actionId: "kate-action-1" } });
      expect((await req("POST", "/api/ladder/scores", { token: kate.token, body: { token: str(issued.json, "data", "token"), delta: 7 } })).status).toBe(201);
      expect(field((await req("GET", `/api/rankings/${kate.playerId}`)).json, "data", "total")).toBe(7);
      expect((await req("DELETE", `/api/users/${kate.userId}`, { token: kate.token })).status).toBe(200);
      expectProblem(await req("GET", `/api/rankings/${kate.playerId}`), 404, "not_found");
      expectProblem(await req("GET", `/api/rankings/${kate.playerId}?tier=season`), 404, "not_found");
      const audit = await t.database.db
        .select({ id: scoreEvents.id })
        .from(scoreEvents)
        .where(and(eq(scoreEvents.actionId, "kate-action-1"), isNull(scoreEvents.playerId)));
      expect(audit.length).toBe(2);
    });
  });

  describe("players and games", () => {
    it("GET /api/players/:id: the public profile with lifetime stats", async () => {
      const p = await req("GET", `/api/players/${alice.playerId}`);
      expect(p.status).toBe(200);
      expect(field(p.json, "data", "stats", "gamesPlayed")).toBe(1);
      expectProblem(await req("GET", "/api/players/6f1c1c5e-3c1a-4c1e-9c1a-1c1a1c1a1c1a"), 404, "not_found");
      expectProblem(await req("GET", "/api/players/zzz"), 400, "validation/failed");
    });

    it("GET /api/players/:id/sessions: the games the player sat in", async () => {
      const s = await req("GET", `/api/players/${alice.playerId}/sessions`);
      expect(s.status).toBe(200);
      const ids = (field(s.json, "data") as { gameId: string }[]).map((x) => x.gameId).sort();
      expect(ids).toEqual([completedGame, liveGame].sort());
      const page = await req("GET", `/api/players/${alice.playerId}/sessions?limit=1`);
      expect((field(page.json, "data") as unknown[]).length).toBe(1);
      const next = str(page.json, "meta", "nextCursor");
      const page2 = await req("GET", `/api/players/${alice.playerId}/sessions?limit=1&cursor=${next}`);
      expect((field(page2.json, "data") as unknown[]).length).toBe(1);
      expect(field(page2.json, "meta", "nextCursor")).toBeNull();
      expectProblem(await req("GET", `/api/players/${alice.playerId}/sessions?limit=0`), 400, "validation/failed");
      expectProblem(await req("GET", "/api/players/6f1c1c5e-3c1a-4c1e-9c1a-1c1a1c1a1c1a/sessions"), 404, "not_found");
    });

    it("GET /api/games: filters by status and player, with cursor pagination", async () => {
      const done = await req("GET", `/api/games?status=completed&player=${alice.playerId}`);
      expect((field(done.json, "data") as { id: string }[]).map((g) => g.id)).toEqual([completedGame]);
      const all = await req("GET", "/api/games?limit=1");
      const cursor = str(all.json, "meta", "nextCursor");
      const second = await req("GET", `/api/games?limit=1&cursor=${cursor}`);
      expect(field(second.json, "data", 0, "id")).not.toBe(field(all.json, "data", 0, "id"));
      expectProblem(await req("GET", "/api/games?status=bogus"), 400, "validation/failed");
      expectProblem(await req("GET", "/api/games?cursor=garbage!"), 400, "validation/failed");
    });

    it("GET /api/games: no summaries unless include=summary; limits refused with the failing field", async () => {
      const brief = await req("GET", "/api/games?limit=100");
      expect(brief.status).toBe(200);
      const items = field(brief.json, "data") as Record<string, unknown>[];
      expect(items.map((g) => g["id"])).toEqual([liveGame, completedGame]);
      for (const g of items) expect(Object.keys(g)).toEqual(["id", "status", "config", "seedCommitment", "sessionSeed", "createdAt", "startedAt", "completedAt"]);
      // Twice: the second answer's completed game comes from memory, and is the same.
      for (let i = 0; i < 2; i++) {
        const full = await req("GET", "/api/games?include=summary&limit=20");
        expect(field(full.json, "data", 0, "summary")).toBeNull();
        expect(field(full.json, "data", 1, "summary", "players", "length")).toBe(4);
        expect(field(full.json, "data", 1)).toEqual(field((await req("GET", `/api/games/${completedGame}`)).json, "data"));
        expect(field(brief.json, "data", 1)).toEqual(field((await req("GET", "/api/games?limit=100")).json, "data", 1));
      }
      const errorsOf = (r: Res): unknown => field(r.json, "errors");
      for (const bad of ["limit=0", "limit=101", "limit=abc", "limit=1.5", "include=summary&limit=21", "include=rounds"]) {
        const r = await req("GET", `/api/games?${bad}`);
        expectProblem(r, 400, "validation/failed");
        expect(errorsOf(r)).toEqual([expect.objectContaining({ in: "query", path: bad.startsWith("include=rounds") ? "include" : "limit" })]);
      }
      expect(String(field((await req("GET", "/api/games?include=summary&limit=21")).json, "errors", 0, "message"))).toBe("at most 20 with include=summary");
    });

    it("GET /api/games/:id: the summary once completed; no seed while live", async () => {
      const g = await req("GET", `/api/games/${completedGame}`);
      expect(field(g.json, "data", "status")).toBe("completed");
      expect(field(g.json, "data", "summary", "players", "length")).toBe(4);
      expect(typeof field(g.json, "data", "sessionSeed")).toBe("string");
      const live = await req("GET", `/api/games/${liveGame}`);
      expect(field(live.json, "data", "summary")).toBeNull();
      expect(field(live.json, "data", "sessionSeed")).toBeNull();
      expectProblem(await req("GET", "/api/games/6f1c1c5e-3c1a-4c1e-9c1a-1c1a1c1a1c1a"), 404, "not_found");
    });

    it("GET /api/games/:id/events: NDJSON in index order; a live game is 409", async () => {
      const r = await req("GET", `/api/games/${completedGame}/events`);
      expect(r.status).toBe(200);
      expect(r.headers.get("content-type")).toContain("application/x-ndjson");
      const lines = r.text.trim().split("\n").map((l) => JSON.parse(l) as { index: number; event: { type: string } });
      expect(lines.map((l) => l.index)).toEqual(lines.map((_, i) => i));
      expect(lines[0]?.event.type).toBe("game_created");
      expect(lines[lines.length - 1]?.event.type).toBe("game_completed");
      expectProblem(await req("GET", `/api/games/${liveGame}/events`), 409, "conflict/game_live");
      expectProblem(await req("GET", "/api/games/6f1c1c5e-3c1a-4c1e-9c1a-1c1a1c1a1c1a/events"), 404, "not_found");
      expectProblem(await req("GET", `/api/games/${completedGame}/events?from=-1`), 400, "validation/failed");
    });

    it("GET /api/games/:id/verify: the fairness verdict", async () => {
      const v = await req("GET", `/api/games/${completedGame}/verify`);
      expect(field(v.json, "data", "ok")).toBe(true);
      expectProblem(await req("GET", `/api/games/${liveGame}/verify`), 409, "conflict/game_live");
      expectProblem(await req("GET", "/api/games/6f1c1c5e-3c1a-4c1e-9c1a-1c1a1c1a1c1a/verify"), 404, "not_found");
    });
  });

  describe("rankings and the ladder", () => {
    it("GET /api/rankings, /:playerId, /:playerId/around, /api/ladder/top", async () => {
      const r = await req("GET", "/api/rankings?tier=all_time&limit=2");
      expect(r.status).toBe(200);
      expect((field(r.json, "data") as { rank: number }[]).map((e) => e.rank)).toEqual([1, 2]);
      expect(field(r.json, "meta", "total")).toBe(4);
      const next = await req("GET", `/api/rankings?limit=2&cursor=${str(r.json, "meta", "nextCursor")}`);
      expect((field(next.json, "data") as { rank: number }[]).map((e) => e.rank)).toEqual([3, 4]);
      const season = await req("GET", "/api/rankings?tier=season");
      expect((field(season.json, "data") as unknown[]).length).toBe(4);
      const one = await req("GET", `/api/rankings/${alice.playerId}`);
      expect(field(one.json, "data", "playerId")).toBe(alice.playerId);
      const around = await req("GET", `/api/rankings/${alice.playerId}/around?radius=1`);
      expect((field(around.json, "data") as unknown[]).length).toBeGreaterThanOrEqual(2);
      const top = await req("GET", "/api/ladder/top?limit=3");
      expect((field(top.json, "data") as unknown[]).length).toBe(3);
      expectProblem(await req("GET", "/api/rankings/6f1c1c5e-3c1a-4c1e-9c1a-1c1a1c1a1c1a"), 404, "not_found");
      expectProblem(await req("GET", "/api/rankings?tier=weekly"), 400, "validation/failed");
      expectProblem(await req("GET", "/api/rankings?cursor=AAAA"), 400, "validation/failed");
    });

    it("the rating tier: the same routes, shown ratings as totals, provisional flags; the admin rebuild recomputes them", async () => {
      const r = await req("GET", "/api/rankings?tier=rating");
      expect(r.status).toBe(200);
      const rows = field(r.json, "data") as { rank: number; playerId: string; total: number; games: number; provisional: boolean }[];
      expect(rows.map((e) => e.rank)).toEqual([1, 2, 3, 4]);
      expect(rows.every((e) => e.games === 1 && e.provisional)).toBe(true);
      expect(field(r.json, "meta", "total")).toBe(4);
      const one = await req("GET", `/api/rankings/${alice.playerId}?tier=rating`);
      expect(field(one.json, "data", "provisional")).toBe(true);
      const points = await req("GET", `/api/rankings/${alice.playerId}?tier=all_time`);
      expect(field(points.json, "data")).not.toHaveProperty("provisional");
      const around = await req("GET", `/api/ladder/around-me?tier=rating&radius=1`, { token: alice.token });
      expect((field(around.json, "data") as unknown[]).length).toBeGreaterThanOrEqual(2);
      const rebuilt = await req("POST", "/api/admin/ladder/rebuild", { token: admin });
      expect(rebuilt.status).toBe(200);
      expect(field(rebuilt.json, "data", "ratings")).toEqual({ games: 1, rated: 1, players: 4 });
      const again = await req("GET", "/api/rankings?tier=rating");
      // Equal totals may order differently (the rebuild's tie-break time is the game's completion time).
      const byId = (a: [string, number], b: [string, number]) => (a[0] < b[0] ? -1 : 1);
      const pairs = (xs: { playerId: string; total: number }[]) => xs.map((e): [string, number] => [e.playerId, e.total]).sort(byId);
      expect(pairs(field(again.json, "data") as { playerId: string; total: number }[])).toEqual(pairs(rows));
    });

    it("GET /api/ladder/around-me needs a token", async () => {
      expectProblem(await req("GET", "/api/ladder/around-me"), 401, "auth/missing_token");
      const me = await req("GET", "/api/ladder/around-me?radius=2", { token: alice.token });
      expect(me.status).toBe(200);
      const guest = await req("POST", "/api/auth/guest", { body: {} });
      expectProblem(await req("GET", "/api/ladder/around-me", { token: str(guest.json, "data", "accessToken") }), 404, "not_found");
    });

    it("POST /api/actions needs the service key", async () => {
      expectProblem(await req("POST", "/api/actions", { body: { userId: alice.userId, maxScore: 10 } }), 401, "auth/invalid_service_key");
      expectProblem(await req("POST", "/api/actions", { headers: { "x-service-key": "wrong-wrong-wrong-wrong" }, body: { userId: alice.userId, maxScore: 10 } }), 401, "auth/invalid_service_key");
      const ok = await req("POST", "/api/actions", { headers: { "x-service-key": SERVICE_KEY }, body: { userId: alice.userId, maxScore: 10 } });
      expect(ok.status).toBe(201);
      expectProblem(await req("POST", "/api/actions", { headers: { "x-service-key": SERVICE_KEY }, body: { userId: alice.userId, maxScore: -1 } }), 400, "validation/failed");
      expectProblem(await req("POST", "/api/actions", { headers: { "x-service-key": SERVICE_KEY }, body: { userId: "6f1c1c5e-3c1a-4c1e-9c1a-1c1a1c1a1c1a", maxScore: 1 } }), 404, "not_found");
    });

    it("POST /api/ladder/scores: applied once; a replay is 409 with the first response; each rejection has its code", async () => {
      const issue = async (userId: string, maxScore: number): Promise<string> =>
        str((await req("POST", "/api/actions", { headers: { "x-service-key": SERVICE_KEY }, body: { userId, maxScore } })).json, "data", "token");
      const token = await issue(alice.userId, 50);
      const first = await req("POST", "/api/ladder/scores", { token: alice.token, body: { token, delta: 20 } });
      expect(first.status).toBe(201);
      expect(field(first.json, "data", "scoreDelta")).toBe(20);
      const replay = await req("POST", "/api/ladder/scores", { token: alice.token, body: { token, delta: 20 } });
      expectProblem(replay, 409, "action_token/replayed");
      expect(field(replay.json, "firstResponse")).toEqual(field(first.json, "data"));
      const forged = `${token.slice(0, -2)}${token.endsWith("AA") ? "BB" : "AA"}`;
      expectProblem(await req("POST", "/api/ladder/scores", { token: alice.token, body: { token: forged, delta: 1 } }), 401, "action_token/bad_signature");
      expectProblem(await req("POST", "/api/ladder/scores", { token: alice.token, body: { token: "nonsense", delta: 1 } }), 400, "action_token/malformed");
      const expiring = str((await req("POST", "/api/actions", { headers: { "x-service-key": SERVICE_KEY }, body: { userId: alice.userId, maxScore: 5, ttlSeconds: 1 } })).json, "data", "token");
      await new Promise((r) => setTimeout(r, 1100));
      expectProblem(await req("POST", "/api/ladder/scores", { token: alice.token, body: { token: expiring, delta: 1 } }), 401, "action_token/expired");
      expectProblem(await req("POST", "/api/ladder/scores", { token: bob.token, body: { token: await issue(alice.userId, 5), delta: 1 } }), 403, "action_token/wrong_user");
      expectProblem(await req("POST", "/api/ladder/scores", { token: bob.token, body: { token: await issue(bob.userId, 5), delta: 6 } }), 422, "action_token/over_max_score");
      expectProblem(await req("POST", "/api/ladder/scores", { body: { token, delta: 1 } }), 401, "auth/missing_token");
      const guest = await req("POST", "/api/auth/guest", { body: {} });
      expectProblem(await req("POST", "/api/ladder/scores", { token: str(guest.json, "data", "accessToken"), body: { token, delta: 1 } }), 403, "auth/forbidden");
      expectProblem(await req("POST", "/api/ladder/scores", { token: alice.token, body: { token, delta: -1 } }), 400, "validation/failed");
    });

    it("POST /api/ladder/scores is rate-limited per player (429 + Retry-After)", async () => {
      const carolish = await register("ivan");
      let last: Res | undefined;
      for (let i = 0; i < 10; i++) last = await req("POST", "/api/ladder/scores", { token: carolish.token, body: { token: "a.b", delta: 1 } });
      if (last === undefined) throw new Error("no response");
      expectProblem(last, 429, "rate_limited");
      expect(Number(last.headers.get("retry-after"))).toBeGreaterThan(0);
      const m = await req("GET", "/metrics");
      expect(m.text).toMatch(/http_rate_limit_rejections_total\{group="scores"\} [1-9]/);
    });

    it("GET /api/ladder/stream: SSE deltas, resumable with Last-Event-ID", async () => {
      const ac = new AbortController();
      const res = await fetch(`${t.url}/api/ladder/stream`, { signal: ac.signal });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain("text/event-stream");
      const reader: ReadableStreamDefaultReader<Uint8Array> | undefined = res.body?.getReader();
      if (reader === undefined) throw new Error("no body");
      const gameId = t.playCompletedGame("http-sse", seats);
      let text = "";
      while (!/event: delta\ndata: .*\n\n[\s\S]*event: delta/.test(text)) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      await gameId;
      ac.abort();
      const ids = [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
      expect(ids.length).toBeGreaterThanOrEqual(2);
      const first = ids[0] ?? 0;
      const ac2 = new AbortController();
      const resumed = await fetch(`${t.url}/api/ladder/stream`, { signal: ac2.signal, headers: { "last-event-id": String(first) } });
      const r2: ReadableStreamDefaultReader<Uint8Array> | undefined = resumed.body?.getReader();
      if (r2 === undefined) throw new Error("no body");
      let text2 = "";
      while (!text2.includes(`id: ${first + 1}\n`)) {
        const { value, done } = await r2.read();
        if (done) break;
        text2 += new TextDecoder().decode(value);
      }
      ac2.abort();
      expect(text2).not.toContain(`id: ${first}\n`);
      expect(text2).toContain(`id: ${first + 1}\n`);
    });

    it("admin: season reset and rebuild are 403 to players, 401 without a token", async () => {
      expectProblem(await req("POST", "/api/admin/seasons"), 401, "auth/missing_token");
      expectProblem(await req("POST", "/api/admin/seasons", { token: alice.token }), 403, "auth/forbidden");
      expectProblem(await req("POST", "/api/admin/ladder/rebuild", { token: alice.token }), 403, "auth/forbidden");
      expect((await req("POST", "/api/admin/ladder/rebuild", { token: admin })).status).toBe(200);
      const reset = await req("POST", "/api/admin/seasons", { token: admin });
      expect(reset.status).toBe(201);
      expect(field(reset.json, "data", "currentSeason")).toBe(Number(field(reset.json, "data", "endedSeason")) + 1);
      const season = await req("GET", "/api/rankings?tier=season");
      expect(field(season.json, "data")).toEqual([]);
      const archived = await req("GET", `/api/rankings?tier=season&season=${String(field(reset.json, "data", "endedSeason"))}`);
      expect((field(archived.json, "data") as unknown[]).length).toBeGreaterThan(0);
      // The ended season's final standings, snapshotted by the reset.
      const ended = String(field(reset.json, "data", "endedSeason"));
      const standings = await req("GET", `/api/seasons/${ended}/standings?limit=2&fromRank=2`);
      expect(standings.status).toBe(200);
      expect(field(standings.json, "data", "trigger")).toBe("admin");
      const rows = field(standings.json, "data", "standings") as { rank: number; playerId: string }[];
      expect(rows.map((r) => r.rank)).toEqual([2, 3]);
      expect(rows.map((r) => r.playerId)).toEqual((field(archived.json, "data") as { playerId: string }[]).slice(1, 3).map((r) => r.playerId));
      expectProblem(await req("GET", `/api/seasons/${String(field(reset.json, "data", "currentSeason"))}/standings`), 404, "not_found");
    });
  });

  describe("idempotency", () => {
    it("a repeated Idempotency-Key returns the first response; a different request with it is 422", async () => {
      const key = { "idempotency-key": "guest-once-1" };
      const a = await req("POST", "/api/auth/guest", { headers: key, body: { displayName: "Same" } });
      const b = await req("POST", "/api/auth/guest", { headers: key, body: { displayName: "Same" } });
      expect(b.status).toBe(a.status);
      expect(b.text).toBe(a.text);
      expect(b.headers.get("idempotent-replayed")).toBe("true");
      expectProblem(await req("POST", "/api/auth/guest", { headers: key, body: { displayName: "Other" } }), 422, "idempotency/key_reused");
      const dupe = { "idempotency-key": "register-dupe" };
      const r1 = await req("POST", "/api/users", { headers: dupe, body: { username: "jack", email: "jack@example.com", password: "long enough pw" } });
      const r2 = await req("POST", "/api/users", { headers: dupe, body: { username: "jack", email: "jack@example.com", password: "long enough pw" } });
      expect(r1.status).toBe(201);
      expect(r2.status).toBe(201);
      expect(r2.text).toBe(r1.text);
    });
  });
});

describe.each(testBackends())("rate limits and disabled routes on $name", (backend) => {
  let t: TestApi;
  beforeAll(async () => {
    t = await startTestApi(backend, { env: { RATE_LIMIT_READ: "2/60", RATE_LIMIT_AUTH: "1/60" }, scores: false });
  });
  afterAll(async () => {
    await t.close();
  });

  it("answers 429 rate_limited with Retry-After past a group's budget", async () => {
    expect((await call(t.url, "GET", "/api/games")).status).toBe(200);
    expect((await call(t.url, "GET", "/api/games")).status).toBe(200);
    const r = await call(t.url, "GET", "/api/games");
    expectProblem(r, 429, "rate_limited");
    expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await call(t.url, "POST", "/api/auth/guest", { body: {} })).status).toBe(201);
    expectProblem(await call(t.url, "POST", "/api/auth/guest", { body: {} }), 429, "rate_limited");
  });

  it("answers 503 service/disabled for action tokens when SERVICE_KEY is unset or scores are not wired", async () => {
    expectProblem(await call(t.url, "POST", "/api/actions", { body: { userId: "6f1c1c5e-3c1a-4c1e-9c1a-1c1a1c1a1c1a", maxScore: 1 } }), 503, "service/disabled");
  });
});
