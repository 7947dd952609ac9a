/**
 * Issue 15 over HTTP, on every database backend (PGlite always, PostgreSQL with DATABASE_URL):
 * refresh-token families with reuse detection, session listing and revocation, and revocation
 * on password change and account deletion.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testBackends } from "../support/db.js";
import { call, codeOf, field, str } from "./support/client.js";
import { startTestApi, type TestApi } from "./support/httpApp.js";

describe.each(testBackends())("sessions (refresh-token families) on $name", (backend) => {
  let t: TestApi;
  const req = (method: string, path: string, opts: Parameters<typeof call>[3] = {}) => call(t.url, method, path, opts);
  let n = 0;

  async function register(): Promise<{ token: string; refresh: string; userId: string }> {
    n += 1;
    const username = `sec${n}${backend.name}`;
    const r = await req("POST", "/api/users", { body: { username, email: `${username}@example.com`, password: "correct horse battery" } });
    expect(r.status).toBe(201);
    return { token: str(r.json, "data", "accessToken"), refresh: str(r.json, "data", "refreshToken"), userId: str(r.json, "data", "user", "id") };
  }
  async function login(userId: string, password = "correct horse battery"): Promise<{ token: string; refresh: string }> {
    const me = await req("GET", `/api/users/${userId}`, { token: (await t.tokens.issueAccessToken({ userId, playerId: userId, role: "admin", kind: "user" })).accessToken });
    const r = await req("POST", "/api/auth/login", { body: { login: str(me.json, "data", "username"), password } });
    expect(r.status).toBe(200);
    return { token: str(r.json, "data", "accessToken"), refresh: str(r.json, "data", "refreshToken") };
  }
  const refresh = (token: string) => req("POST", "/api/auth/refresh", { body: { refreshToken: token } });

  beforeAll(async () => {
    t = await startTestApi(backend, { env: { RATE_LIMIT_AUTH: "1000/60", RATE_LIMIT_WRITE: "1000/60" } });
  });
  afterAll(async () => {
    await t.close();
  });

  it("replaying a spent refresh token revokes the whole family: the attacker's rotated token dies too", async () => {
    const alice = await register();
    const attacker = await refresh(alice.refresh); // the thief refreshes first
    expect(attacker.status).toBe(200);
    const stolenNext = str(attacker.json, "data", "refreshToken");
    const replay = await refresh(alice.refresh); // the victim's copy comes back: reuse
    expect(replay.status).toBe(401);
    expect(codeOf(replay)).toBe("auth/invalid_refresh_token");
    const afterReuse = await refresh(stolenNext);
    expect(afterReuse.status).toBe(401);
  });

  it("a refresh stays in its session; sessions are listed with `current`, and one can be revoked", async () => {
    const bob = await register();
    const second = await login(bob.userId);
    const rotated = await refresh(second.refresh);
    expect(rotated.status).toBe(200);
    const token = str(rotated.json, "data", "accessToken");
    const list = await req("GET", "/api/auth/sessions", { token });
    expect(list.status).toBe(200);
    const data = field(list.json, "data");
    const sessions: readonly unknown[] = Array.isArray(data) ? data : [];
    expect(sessions.length).toBe(2);
    const current = sessions.filter((s) => field(s, "current") === true);
    expect(current.length).toBe(1);
    const other = sessions.find((s) => field(s, "current") === false);
    const otherId = str(other, "id");
    expect((await req("DELETE", `/api/auth/sessions/${otherId}`, { token })).status).toBe(200);
    expect((await refresh(bob.refresh)).status).toBe(401); // the first login's session is gone
    expect(codeOf(await req("DELETE", `/api/auth/sessions/${otherId}`, { token }))).toBe("not_found");
    // Someone else's session cannot be revoked by id.
    const carol = await register();
    expect(codeOf(await req("DELETE", `/api/auth/sessions/${str(current[0], "id")}`, { token: carol.token }))).toBe("not_found");
    expect((await refresh(str(rotated.json, "data", "refreshToken"))).status).toBe(200);
  });

  it("a password change revokes every other session and keeps the current one", async () => {
    const dan = await register();
    const other = await login(dan.userId);
    const put = await req("PUT", `/api/users/${dan.userId}`, { token: dan.token, body: { password: "a brand new password", currentPassword: "correct horse battery" } });
    expect(put.status).toBe(200);
    expect((await refresh(other.refresh)).status).toBe(401);
    expect((await refresh(dan.refresh)).status).toBe(200);
  });

  it("deleting the account kills its refresh tokens", async () => {
    const eve = await register();
    expect((await req("DELETE", `/api/users/${eve.userId}`, { token: eve.token })).status).toBe(200);
    expect((await refresh(eve.refresh)).status).toBe(401);
  });
});

describe.each(testBackends())("input hygiene, proxy trust, deleted accounts on $name", (backend) => {
  let t: TestApi;
  const SERVICE_KEY = "service-key-for-security-tests-01";
  const req = (method: string, path: string, opts: Parameters<typeof call>[3] = {}) => call(t.url, method, path, opts);

  beforeAll(async () => {
    t = await startTestApi(backend, { env: { SERVICE_KEY, RATE_LIMIT_AUTH: "1000/60", LOGIN_MAX_FAILURES_PER_IP: "3" } });
  });
  afterAll(async () => {
    await t.close();
  });

  it("a NUL or other control character in a display name is a 400, not a 500 (item 5)", async () => {
    for (const displayName of ["bad\u0000name", "line\nbreak", "bell\u0007"]) {
      const r = await req("POST", "/api/auth/guest", { body: { displayName } });
      expect({ status: r.status, code: codeOf(r) }).toEqual({ status: 400, code: "validation/failed" });
    }
  });

  it("bidi overrides and zero-width characters are removed and whitespace collapsed (item 10)", async () => {
    const r = await req("POST", "/api/auth/guest", { body: { displayName: "  \u202Eevil\u200B  \u2066name\u2069   " } });
    expect(r.status).toBe(201);
    const playerId = str(r.json, "data", "playerId");
    const profile = await req("GET", `/api/players/${playerId}`);
    expect(field(profile.json, "data", "displayName")).toBe("evil name");
    const blank = await req("POST", "/api/auth/guest", { body: { displayName: "\u200B\u200D" } });
    expect(codeOf(blank)).toBe("validation/failed");
    const long = await req("POST", "/api/auth/guest", { body: { displayName: "x".repeat(33) } });
    expect(codeOf(long)).toBe("validation/failed");
  });

  it("an actionId the token format cannot carry (':' or '.') is a 400, not a 500 (item 6)", async () => {
    const u = await req("POST", "/api/users", { body: { username: `act${backend.name}`, email: `act${backend.name}@example.com`, password: "correct horse battery" } });
    const userId = str(u.json, "data", "user", "id");
    for (const actionId of ["a:b", "a.b"]) {
      const r = await req("POST", "/api/actions", { headers: { "x-service-key": SERVICE_KEY }, body: { userId, maxScore: 5, actionId } });
      expect({ status: r.status, code: codeOf(r) }).toEqual({ status: 400, code: "validation/failed" });
    }
  });

  it("replay detection is per (user, action id): two users' actions sharing an id each apply once, with their own response (item 6)", async () => {
    const users = [] as { token: string; userId: string }[];
    for (const name of ["sharea", "shareb"]) {
      const u = await req("POST", "/api/users", { body: { username: `${name}${backend.name}`, email: `${name}${backend.name}@example.com`, password: "correct horse battery" } });
      users.push({ token: str(u.json, "data", "accessToken"), userId: str(u.json, "data", "user", "id") });
    }
    const deltas = [3, 5];
    for (const [i, u] of users.entries()) {
      const issued = await req("POST", "/api/actions", { headers: { "x-service-key": SERVICE_KEY }, body: { userId: u.userId, maxScore: 9, actionId: "shared-action-1" } });
      expect(issued.status).toBe(201);
      const submitted = await req("POST", "/api/ladder/scores", { token: u.token, body: { token: str(issued.json, "data", "token"), delta: deltas[i] } });
      expect(submitted.status).toBe(201);
      expect(field(submitted.json, "data", "scoreDelta")).toBe(deltas[i]);
      const again = await req("POST", "/api/ladder/scores", { token: u.token, body: { token: str(issued.json, "data", "token"), delta: deltas[i] } });
      expect(again.status).toBe(409);
    }
  });

  it("X-Forwarded-For is not believed by default: a client cannot pick a fresh address per request (item 7)", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await req("POST", "/api/auth/login", { headers: { "x-forwarded-for": `10.0.0.${i + 1}` }, body: { login: "nobody", password: "wrong password" } });
      statuses.push(r.status);
    }
    expect(statuses).toContain(429);
  });

  it("a deleted account's access token no longer answers /api/auth/me (item 11)", async () => {
    const u = await req("POST", "/api/users", { body: { username: `gone${backend.name}`, email: `gone${backend.name}@example.com`, password: "correct horse battery" } });
    const token = str(u.json, "data", "accessToken");
    const userId = str(u.json, "data", "user", "id");
    expect((await req("GET", "/api/auth/me", { token })).status).toBe(200);
    expect((await req("DELETE", `/api/users/${userId}`, { token })).status).toBe(200);
    const me = await req("GET", "/api/auth/me", { token });
    expect({ status: me.status, code: codeOf(me) }).toEqual({ status: 401, code: "auth/invalid_token" });
  });
});
