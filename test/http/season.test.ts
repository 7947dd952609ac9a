/**
 * Season 0 over HTTP, on every database backend: each edge case the spec gives these services
 * (duplicate email, waitlist removal while seated and after the game, removing an item not
 * held, withdrawing more than the balance), every bad input answered 4xx with its problem code
 * and nothing changed, the SSE stream resuming with Last-Event-ID, and the user-service aliases.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testBackends } from "../support/db.js";
import { call, codeOf, field, str, type Res } from "./support/client.js";
import { startTestApi, type TestApi } from "./support/httpApp.js";

interface Who {
  readonly token: string;
  readonly userId: string;
  readonly playerId: string;
}

/** Reads SSE messages from a stream until `count` have arrived; returns their ids and types. */
async function readSse(url: string, token: string, count: number, lastEventId?: string): Promise<{ id: number; type: string }[]> {
  const ac = new AbortController();
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (lastEventId !== undefined) headers["last-event-id"] = lastEventId;
  const res = await fetch(url, { headers, signal: ac.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/event-stream");
  const body = res.body;
  if (body === null) throw new Error("no body");
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const out: { id: number; type: string }[] = [];
  let buf = "";
  while (out.length < count) {
    const chunk = await reader.read();
    if (chunk.done) break;
    const bytes: unknown = chunk.value;
    if (!(bytes instanceof Uint8Array)) throw new Error("the stream gave no bytes");
    buf += decoder.decode(bytes, { stream: true });
    let cut = buf.indexOf("\n\n");
    while (cut !== -1) {
      const frame = buf.slice(0, cut);
      buf = buf.slice(cut + 2);
      const id = /^id: (\d+)$/m.exec(frame)?.[1];
      const type = /^event: (\S+)$/m.exec(frame)?.[1];
      if (id !== undefined && type !== undefined) out.push({ id: Number(id), type });
      cut = buf.indexOf("\n\n");
    }
  }
  ac.abort();
  // The client "processed" only the first `count`: the rest of the chunk is lost with the connection.
  return out.slice(0, count);
}

describe.each(testBackends())("Season 0 HTTP on $name", (backend) => {
  let t: TestApi;
  let alice: Who;
  let bob: Who;
  let admin: string;
  const req = (method: string, path: string, opts: Parameters<typeof call>[3] = {}) => call(t.url, method, path, opts);
  const expectProblem = (r: Res, status: number, code: string): void => {
    expect({ status: r.status, code: codeOf(r) }).toEqual({ status, code });
  };

  async function register(username: string): Promise<Who> {
    const r = await req("POST", "/api/users/register", { body: { username, email: `${username}@example.com`, password: "correct horse battery" } });
    expect(r.status).toBe(201);
    return { token: str(r.json, "data", "accessToken"), userId: str(r.json, "data", "user", "id"), playerId: str(r.json, "data", "playerId") };
  }
  async function eventsOf(playerId: string): Promise<{ seq: number; type: string }[]> {
    const r = await req("GET", `/api/admin/season/events?playerId=${playerId}&limit=1000`, { token: admin });
    expect(r.status).toBe(200);
    const data = field(r.json, "data");
    if (!Array.isArray(data)) throw new Error("no data");
    return data.map((e: unknown) => ({ seq: Number(field(e, "seq")), type: String(field(e, "type")) }));
  }
  const balance = async (who: Who): Promise<unknown> => field((await req("GET", "/api/currency", { token: who.token })).json, "data");
  const deposit = (playerId: string, amount: unknown, key: string | null, currency = "coins") =>
    req("POST", "/api/currency/deposit", { token: admin, body: { playerId, currency, amount }, headers: key === null ? {} : { "idempotency-key": key } });
  const withdraw = (who: Who, amount: unknown, key: string | null, currency = "coins") =>
    req("POST", "/api/currency/withdraw", { token: who.token, body: { currency, amount }, headers: key === null ? {} : { "idempotency-key": key } });

  beforeAll(async () => {
    t = await startTestApi(backend, { env: { RATE_LIMIT_AUTH: "1000/60", RATE_LIMIT_WRITE: "10000/60", RATE_LIMIT_READ: "10000/60", RATE_LIMIT_ADMIN: "10000/60", SEASON_STREAM_POLL_MS: "20" } });
    alice = await register("alice");
    bob = await register("bob");
    const root = await register("root");
    admin = (await t.tokens.issueAccessToken({ userId: root.userId, playerId: root.playerId, role: "admin", kind: "user" })).accessToken;
  });
  afterAll(async () => {
    await t.close();
  });

  it("registration (also at /api/users/register) emits USER_REGISTERED; a duplicate email is 409 conflict/email_taken and emits nothing", async () => {
    expect((await eventsOf(alice.playerId)).map((e) => e.type)).toEqual(["USER_REGISTERED"]);
    const dup = await req("POST", "/api/users", { body: { username: "alice2", email: "ALICE@example.com", password: "correct horse battery" } });
    expectProblem(dup, 409, "conflict/email_taken");
    const all = await req("GET", "/api/admin/season/events?type=USER_REGISTERED&limit=1000", { token: admin });
    expect(field(all.json, "data", "length")).toBe(3);
  });

  it("login (also at /api/users/login) emits USER_LOGGED_IN", async () => {
    const r = await req("POST", "/api/users/login", { body: { login: "alice", password: "correct horse battery" } });
    expect(r.status).toBe(200);
    expect((await eventsOf(alice.playerId)).map((e) => e.type)).toEqual(["USER_REGISTERED", "USER_LOGGED_IN"]);
  });

  it("waitlist: join, idempotent re-join, status and position; removal refused while seated at a live table, allowed after", async () => {
    const j = await req("POST", "/api/waitlist", { token: alice.token });
    expect(j.status).toBe(201);
    expect(field(j.json, "data", "position")).toBe(1);
    const again = await req("POST", "/api/waitlist", { token: alice.token });
    expect(again.status).toBe(200);
    const b = await req("POST", "/api/waitlist", { token: bob.token });
    expect(field(b.json, "data", "position")).toBe(2);
    const s = await req("GET", "/api/waitlist/status", { token: bob.token });
    expect(field(s.json, "data", "status")).toBe("waiting");
    const id = str(j.json, "data", "id");
    expectProblem(await req("GET", `/api/waitlist/${id}`, { token: bob.token }), 403, "auth/forbidden");
    t.seated.add(alice.playerId);
    expectProblem(await req("DELETE", `/api/waitlist/${id}`, { token: alice.token }), 409, "waitlist/in_game");
    expect(field((await req("GET", "/api/waitlist/status", { token: alice.token })).json, "data", "status")).toBe("waiting");
    t.seated.delete(alice.playerId);
    const del = await req("DELETE", `/api/waitlist/${id}`, { token: alice.token });
    expect(del.status).toBe(200);
    expect(field(del.json, "data", "status")).toBe("removed");
    expect(field((await req("GET", "/api/waitlist/status", { token: bob.token })).json, "data", "position")).toBe(1);
    const admitted = await req("POST", "/api/admin/waitlist/admit", { token: admin, body: { count: 5 } });
    expect(field(admitted.json, "data", 0, "status")).toBe("admitted");
    const list = await req("GET", "/api/waitlist?limit=1", { token: admin });
    expect(field(list.json, "meta", "nextCursor")).toEqual(expect.any(String));
    expect((await eventsOf(alice.playerId)).map((e) => e.type)).toEqual(["USER_REGISTERED", "USER_LOGGED_IN", "SEASON0_JOINED", "WAITLIST_ADDED", "WAITLIST_REMOVED"]);
  });

  it("wallet: deposit, withdraw, history; a repeated Idempotency-Key moves nothing; overdraft is wallet/insufficient_funds", async () => {
    const d = await deposit(alice.playerId, 100, "dep-1");
    expect(d.status).toBe(201);
    const repeats = await Promise.all(Array.from({ length: 20 }, () => deposit(alice.playerId, 100, "dep-1")));
    expect(new Set(repeats.map((r) => str(r.json, "data", "transaction", "id")))).toEqual(new Set([str(d.json, "data", "transaction", "id")]));
    expect(await balance(alice)).toEqual([{ currency: "coins", balance: 100 }]);
    expect((await withdraw(alice, 30, "w-1")).status).toBe(201);
    expectProblem(await withdraw(alice, 71, "w-2"), 409, "wallet/insufficient_funds");
    expect(await balance(alice)).toEqual([{ currency: "coins", balance: 70 }]);
    const h = await req("GET", `/api/currency/${alice.playerId}/transactions?limit=1`, { token: alice.token });
    expect(field(h.json, "data", 0, "kind")).toBe("withdrawal");
    const next = String(field(h.json, "meta", "nextCursor"));
    const h2 = await req("GET", `/api/currency/${alice.playerId}/transactions?limit=1&cursor=${next}`, { token: alice.token });
    expect(field(h2.json, "data", 0, "kind")).toBe("deposit");
    expectProblem(await req("GET", `/api/currency/${alice.playerId}/transactions`, { token: bob.token }), 403, "auth/forbidden");
    expectProblem(await req("POST", "/api/currency/deposit", { token: alice.token, body: { playerId: alice.playerId, currency: "coins", amount: 5 }, headers: { "idempotency-key": "x" } }), 403, "auth/forbidden");
  });

  it("inventory: If-Match guards writes; removing an item not held is inventory/item_not_held", async () => {
    const inv = await req("GET", "/api/inventory", { token: bob.token });
    expect(inv.headers.get("etag")).toBe('"0"');
    const add = await req("POST", "/api/inventory/add", { token: admin, body: { playerId: bob.playerId, itemId: "card_back_gold", quantity: 2 }, headers: { "if-match": '"0"' } });
    expect(add.status).toBe(200);
    expect(add.headers.get("etag")).toBe('"1"');
    expectProblem(await req("POST", "/api/inventory/remove", { token: bob.token, body: { itemId: "founder_badge" }, headers: { "if-match": '"1"' } }), 409, "inventory/item_not_held");
    expectProblem(await req("POST", "/api/inventory/remove", { token: bob.token, body: { itemId: "card_back_gold" }, headers: { "if-match": '"0"' } }), 412, "inventory/version_conflict");
    const rm = await req("POST", "/api/inventory/remove", { token: bob.token, body: { itemId: "card_back_gold" }, headers: { "if-match": '"1"' } });
    expect(field(rm.json, "data", "items", 0, "quantity")).toBe(1);
    expectProblem(await req("GET", `/api/inventory/${bob.playerId}`, { token: alice.token }), 403, "auth/forbidden");
    expect((await req("GET", `/api/inventory/${bob.playerId}`, { token: admin })).headers.get("etag")).toBe('"2"');
  });

  it("bad input gets its problem code and changes nothing", async () => {
    const before = { events: (await eventsOf(alice.playerId)).length, balance: await balance(alice), inv: (await req("GET", "/api/inventory", { token: alice.token })).json };
    expectProblem(await withdraw(alice, 5, null), 428, "idempotency/key_required");
    expectProblem(await withdraw(alice, -5, "neg"), 400, "validation/failed");
    expectProblem(await withdraw(alice, 1.5, "frac"), 400, "validation/failed");
    expectProblem(await withdraw(alice, "5", "str"), 400, "validation/failed");
    expectProblem(await withdraw(alice, 2 ** 60, "big"), 400, "validation/failed");
    expectProblem(await withdraw(alice, 5, "cur", "gems"), 422, "wallet/unknown_currency");
    expectProblem(await req("POST", "/api/currency/withdraw", { token: alice.token, rawBody: "{nope", headers: { "idempotency-key": "raw" } }), 400, "validation/malformed_json");
    expectProblem(await req("POST", "/api/inventory/add", { token: admin, body: { playerId: alice.playerId, itemId: "no_such_item" }, headers: { "if-match": '"0"' } }), 422, "inventory/unknown_item");
    expectProblem(await req("POST", "/api/inventory/add", { token: admin, body: { playerId: alice.playerId, itemId: "founder_badge" } }), 428, "inventory/if_match_required");
    expectProblem(await req("POST", "/api/inventory/add", { token: admin, body: { playerId: alice.playerId, itemId: "founder_badge" }, headers: { "if-match": '"9"' } }), 412, "inventory/version_conflict");
    expectProblem(await req("POST", "/api/inventory/add", { token: admin, body: { playerId: alice.playerId, itemId: "founder_badge", quantity: 0 }, headers: { "if-match": '"0"' } }), 400, "validation/failed");
    expectProblem(await req("PUT", `/api/users/${alice.userId}/preferences`, { token: alice.token, body: { cardStyle: "neon" } }), 400, "validation/failed");
    expectProblem(await req("POST", "/api/admin/waitlist/admit", { token: admin, body: { count: -1 } }), 400, "validation/failed");
    const after = { events: (await eventsOf(alice.playerId)).length, balance: await balance(alice), inv: (await req("GET", "/api/inventory", { token: alice.token })).json };
    expect(after).toEqual(before);
  });

  it("preferences: defaults, replace (USER_PREFERENCES_UPDATED), owner or admin only", async () => {
    const d = await req("GET", `/api/users/${alice.userId}/preferences`, { token: alice.token });
    expect(field(d.json, "data", "preferences")).toEqual({ cardStyle: "classic", sound: true, locale: "en", colourBlindDeck: false });
    const prefs = { cardStyle: "large_print", sound: false, locale: "fr-FR", colourBlindDeck: true };
    const p = await req("PUT", `/api/users/${alice.userId}/preferences`, { token: alice.token, body: prefs });
    expect(field(p.json, "data", "preferences")).toEqual(prefs);
    expect(field((await req("GET", `/api/users/${alice.userId}/preferences`, { token: admin })).json, "data", "preferences")).toEqual(prefs);
    expectProblem(await req("GET", `/api/users/${alice.userId}/preferences`, { token: bob.token }), 403, "auth/forbidden");
    expect((await eventsOf(alice.playerId)).at(-1)?.type).toBe("USER_PREFERENCES_UPDATED");
  });

  it("the SSE stream resumes after a dropped connection with no event missed or repeated", async () => {
    const url = `${t.url}/api/season/events/stream`;
    const first = await readSse(url, alice.token, 3);
    expect(first).toHaveLength(3);
    const lastSeen = first.at(-1)?.id ?? 0;
    // Events land while the client is away, then more after it reconnects.
    for (let i = 0; i < 3; i++) expect((await deposit(alice.playerId, 1, `sse-${i}`)).status).toBe(201);
    const total = (await eventsOf(alice.playerId)).length;
    const rest = readSse(url, alice.token, total - 3 + 2, String(lastSeen));
    await new Promise<void>((r) => setImmediate(r));
    expect((await deposit(alice.playerId, 1, "sse-late")).status).toBe(201);
    const second = await rest;
    const log = await eventsOf(alice.playerId);
    expect([...first, ...second].map((e) => e.id)).toEqual(log.map((e) => e.seq));
    expect([...first, ...second].map((e) => e.type)).toEqual(log.map((e) => e.type));
    expectProblem(await req("GET", "/api/season/events/stream", { headers: { "last-event-id": "abc" }, token: alice.token }), 400, "validation/failed");
  });
});
