/**
 * Achievements over HTTP, on every database backend: the definitions with the caller's
 * progress, one definition, explicit unlocks (admin and trusted service; refused with
 * achievements/condition_not_met and nothing changed when the condition is not met), the admin's
 * edit, bad input, and a game's unlock arriving live on the Season event stream with its reward
 * in the wallet.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { achievementsParticipant } from "../../db/achievements.js";
import { createGameCompletion } from "../../db/completion.js";
import { createGame, markStarted } from "../../db/games.js";
import { playerLifetimeStats } from "../../db/schema/index.js";
import { playGame } from "../../db/testing/fixtures.js";
import { register as registerParticipant } from "../../src/completion/pipeline.js";
import { lifetimeDeltas, summarize, type SeatOccupant } from "../../src/game/index.js";
import { asPlayerId } from "../../src/shared/identity.js";
import { testBackends } from "../support/db.js";
import { call, codeOf, field, str, type Res } from "./support/client.js";
import { startTestApi, type TestApi } from "./support/httpApp.js";

const SERVICE_KEY = "achievement-test-service-key-0123";

interface Who {
  readonly token: string;
  readonly playerId: string;
}

/** Reads SSE frames until one of `type` arrives; returns its data. */
async function nextOfType(url: string, token: string, type: string): Promise<unknown> {
  const ac = new AbortController();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: ac.signal });
  const reader = res.body?.getReader();
  if (reader === undefined) throw new Error("no body");
  const decoder = new TextDecoder();
  let buf = "";
  try {
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) throw new Error("the stream ended");
      const bytes: unknown = chunk.value;
      if (!(bytes instanceof Uint8Array)) throw new Error("no bytes");
      buf += decoder.decode(bytes, { stream: true });
      for (let cut = buf.indexOf("\n\n"); cut !== -1; cut = buf.indexOf("\n\n")) {
        const frame = buf.slice(0, cut);
        buf = buf.slice(cut + 2);
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (new RegExp(`^event: ${type}$`, "m").test(frame) && data !== undefined) return JSON.parse(data) as unknown;
      }
    }
  } finally {
    ac.abort();
  }
}

describe.each(testBackends())("achievements over HTTP on $name", (backend) => {
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
    return { token: str(r.json, "data", "accessToken"), playerId: str(r.json, "data", "playerId") };
  }
  const coins = async (who: Who): Promise<unknown> => field((await req("GET", "/api/currency", { token: who.token })).json, "data", 0, "balance");
  const unlockEvents = async (playerId: string): Promise<number> => {
    const r = await req("GET", `/api/admin/season/events?playerId=${playerId}&type=ACHIEVEMENT_UNLOCKED`, { token: admin });
    return Number(field(r.json, "data", "length"));
  };

  beforeAll(async () => {
    t = await startTestApi(backend, { env: { RATE_LIMIT_AUTH: "1000/60", RATE_LIMIT_WRITE: "10000/60", RATE_LIMIT_READ: "10000/60", RATE_LIMIT_ADMIN: "10000/60", SEASON_STREAM_POLL_MS: "20", SERVICE_KEY } });
    alice = await register("alice");
    bob = await register("bob");
    const root = await register("root");
    admin = (await t.tokens.issueAccessToken({ userId: root.playerId, playerId: root.playerId, role: "admin", kind: "user" })).accessToken;
  });
  afterAll(async () => {
    await t.close();
  });

  it("GET /api/achievements lists the definitions; with a token, the caller's progress; GET /:id answers one or not_found", async () => {
    const anon = await req("GET", "/api/achievements");
    expect(anon.status).toBe(200);
    expect(field(anon.json, "data", "length")).toBe(6);
    expect(field(anon.json, "data", 0, "progress")).toBeNull();
    await t.database.db.insert(playerLifetimeStats).values({ playerId: alice.playerId, gamesPlayed: 4 });
    const mine = await req("GET", "/api/achievements/regular", { token: alice.token });
    expect(field(mine.json, "data")).toMatchObject({ id: "regular", condition: { kind: "games_played", atLeast: 10 }, progress: { current: 4, target: 10, met: false }, unlockedAt: null });
    expectProblem(await req("GET", "/api/achievements/no_such_thing"), 404, "not_found");
    expectProblem(await req("GET", "/api/achievements/Bad-Id"), 400, "validation/failed");
  });

  it("POST /api/achievements/unlock: refused when the condition is not met (nothing changes); a player or no key may not call it", async () => {
    const body = { playerId: alice.playerId, achievementId: "regular" };
    expectProblem(await req("POST", "/api/achievements/unlock", { token: admin, body }), 409, "achievements/condition_not_met");
    expect(await unlockEvents(alice.playerId)).toBe(0);
    expect(await coins(alice)).toBe(0);
    expectProblem(await req("POST", "/api/achievements/unlock", { token: alice.token, body }), 403, "auth/forbidden");
    expectProblem(await req("POST", "/api/service/achievements/unlock", { body }), 401, "auth/invalid_service_key");
    expectProblem(await req("POST", "/api/achievements/unlock", { token: admin, body: { playerId: alice.playerId, achievementId: "nope" } }), 404, "not_found");
    expectProblem(await req("POST", "/api/achievements/unlock", { token: admin, body: { playerId: "not-a-uuid", achievementId: "regular" } }), 400, "validation/failed");
  });

  it("an admin defines a manual achievement; a trusted service unlocks it once (reward paid once, one event); a met condition unlocks too", async () => {
    const def = { name: "Beta tester", description: "Played the beta.", condition: { kind: "manual" }, rewardCoins: 15 };
    const put = await req("PUT", "/api/admin/achievements/beta_tester", { token: admin, body: def });
    expect(put.status).toBe(201);
    expect((await req("PUT", "/api/admin/achievements/beta_tester", { token: admin, body: def })).status).toBe(200);
    expectProblem(await req("PUT", "/api/admin/achievements/beta_tester", { token: admin, body: { ...def, condition: { kind: "games_played", atLeast: 0 } } }), 400, "validation/failed");
    expectProblem(await req("PUT", "/api/admin/achievements/beta_tester", { token: bob.token, body: def }), 403, "auth/forbidden");
    // An item reward must name a catalogue item (422, nothing changed); a known one is stored.
    expectProblem(await req("PUT", "/api/admin/achievements/beta_tester", { token: admin, body: { ...def, rewardItemId: "no_such_item" } }), 422, "inventory/unknown_item");
    expect(field((await req("GET", "/api/achievements/beta_tester")).json, "data")).toMatchObject({ rewardItemId: null, rewardQuantity: 0 });
    const withItem = await req("PUT", "/api/admin/achievements/beta_tester", { token: admin, body: { ...def, rewardItemId: "emote_pack_1" } });
    expect(field(withItem.json, "data")).toMatchObject({ rewardItemId: "emote_pack_1", rewardQuantity: 1 });
    expect((await req("PUT", "/api/admin/achievements/beta_tester", { token: admin, body: def })).status).toBe(200);
    const body = { playerId: bob.playerId, achievementId: "beta_tester" };
    const first = await req("POST", "/api/service/achievements/unlock", { body, headers: { "x-service-key": SERVICE_KEY } });
    expect(first.status).toBe(201);
    expect(field(first.json, "data")).toMatchObject({ unlocked: true, unlock: { achievementId: "beta_tester", rewardCoins: 15 } });
    const again = await req("POST", "/api/achievements/unlock", { token: admin, body });
    expect(again.status).toBe(200);
    expect(field(again.json, "data")).toEqual({ unlocked: false, unlock: null });
    expect(await coins(bob)).toBe(15);
    expect(await unlockEvents(bob.playerId)).toBe(1);
    expect(field((await req("GET", "/api/achievements/beta_tester", { token: bob.token })).json, "data", "unlockedAt")).toEqual(expect.any(String));

    await t.database.db.insert(playerLifetimeStats).values({ playerId: bob.playerId, gamesPlayed: 12 });
    expect((await req("POST", "/api/achievements/unlock", { token: admin, body: { playerId: bob.playerId, achievementId: "regular" } })).status).toBe(201);
    expect(await coins(bob)).toBe(65);
  });

  it("a finished game's unlock arrives live on the Season event stream, its reward in the wallet", async () => {
    const carol = await register("carol");
    const bots = (await Promise.all([1, 2, 3].map((i) => register(`filler${i}`)))).map((w, i): SeatOccupant => ({ playerId: asPlayerId(w.playerId), displayName: `F${i}`, isBot: false }));
    const seats: SeatOccupant[] = [{ playerId: asPlayerId(carol.playerId), displayName: "Carol", isBot: false }, ...bots];
    // Nine games played: this game is her tenth (`regular`, 50 coins).
    await t.database.db.insert(playerLifetimeStats).values({ playerId: carol.playerId, gamesPlayed: 9 });
    const played = playGame(`${backend.name}:http-achievements`, seats);
    const created = played.events[0];
    if (created?.type !== "game_created") throw new Error("no game_created");
    await createGame(t.database.db, { created });
    await markStarted(t.database.db, played.gameId, new Date());
    const completion = createGameCompletion(t.database.db, { onLadderChanges: () => Promise.resolve(), participants: [registerParticipant(achievementsParticipant(() => Promise.resolve()))], logger: { error: () => undefined } });
    const live = nextOfType(`${t.url}/api/season/events/stream`, carol.token, "ACHIEVEMENT_UNLOCKED");
    await completion.complete({ gameId: played.gameId, completedAt: new Date(), summary: summarize(played.state), deltas: lifetimeDeltas(played.state) });
    const event = await live;
    expect(field(event, "playerId")).toBe(carol.playerId);
    expect(field(event, "payload")).toMatchObject({ source: "game", gameId: played.gameId });
    const list = await req("GET", "/api/achievements", { token: carol.token });
    const data = field(list.json, "data");
    if (!Array.isArray(data)) throw new Error("no list");
    const unlocked = data.filter((a: unknown) => field(a, "unlockedAt") !== null).map((a: unknown) => String(field(a, "id")));
    expect(unlocked).toContain("regular");
    const rewards = data.filter((a: unknown) => unlocked.includes(String(field(a, "id")))).reduce((sum: number, a: unknown) => sum + Number(field(a, "rewardCoins")), 0);
    expect(await coins(carol)).toBe(rewards);
  });
});
