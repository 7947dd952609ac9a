/**
 * The spec's Leaderboard Service over HTTP, on every database backend: `/api/leaderboard`,
 * `/api/leaderboard/:playerId` and `/api/leaderboard/reset` answer as the ladder routes they
 * alias; only an admin may reset (anyone else 403, nothing changes); a reset appends
 * `LEADERBOARD_RESET`, and a finished game appends one `LEADERBOARD_UPDATED` per ladder entry it
 * changed, in its completion transaction.
 */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGameCompletion } from "../../db/completion.js";
import { createGame, markStarted } from "../../db/games.js";
import { leaderboardEventsParticipant } from "../../db/leaderboardEvents.js";
import { scoreEvents, seasonEvents } from "../../db/schema/index.js";
import { createOccupants, playGame } from "../../db/testing/fixtures.js";
import { register } from "../../src/completion/pipeline.js";
import { lifetimeDeltas, summarize } from "../../src/game/index.js";
import { testBackends } from "../support/db.js";
import { call, codeOf, field, str } from "./support/client.js";
import { startTestApi, type TestApi } from "./support/httpApp.js";

describe.each(testBackends())("leaderboard aliases on $name", (backend) => {
  let t: TestApi;
  let admin: string;
  let player: { token: string; playerId: string };
  const req = (method: string, path: string, opts: Parameters<typeof call>[3] = {}) => call(t.url, method, path, opts);

  beforeAll(async () => {
    t = await startTestApi(backend, { env: { RATE_LIMIT_AUTH: "1000/60", RATE_LIMIT_READ: "10000/60", RATE_LIMIT_ADMIN: "10000/60" } });
    const r = await req("POST", "/api/users/register", { body: { username: "lead", email: "lead@example.com", password: "correct horse battery" } });
    player = { token: str(r.json, "data", "accessToken"), playerId: str(r.json, "data", "playerId") };
    admin = (await t.tokens.issueAccessToken({ userId: player.playerId, playerId: player.playerId, role: "admin", kind: "user" })).accessToken;
  });
  afterAll(async () => {
    await t.close();
  });

  it("a finished game writes LEADERBOARD_UPDATED per ladder entry it changed; the aliases answer as the ladder routes", async () => {
    const seats = await createOccupants(t.database.db, `lb-${backend.name}`, 4, 1);
    const played = playGame(`${backend.name}:leaderboard`, seats);
    const created = played.events[0];
    if (created?.type !== "game_created") throw new Error("no game_created");
    await createGame(t.database.db, { created });
    await markStarted(t.database.db, played.gameId, new Date());
    const completion = createGameCompletion(t.database.db, { onLadderChanges: (c) => t.ladder.applyChanges(c).then(() => undefined), participants: [register(leaderboardEventsParticipant)], logger: { error: () => undefined } });
    await completion.complete({ gameId: played.gameId, completedAt: new Date(), summary: summarize(played.state), deltas: lifetimeDeltas(played.state) });
    const written = await t.database.db.select().from(scoreEvents).where(eq(scoreEvents.gameId, played.gameId));
    const updates = await t.database.db.select().from(seasonEvents).where(eq(seasonEvents.type, "LEADERBOARD_UPDATED"));
    expect(written).toHaveLength(6); // 3 humans x 2 tiers; the bot is not ranked
    expect(updates.map((u) => `${u.playerId}:${String(u.payload["tier"])}:${String(u.payload["totalAfter"])}`).sort()).toEqual(written.map((w) => `${w.playerId}:${w.tier}:${w.totalAfter}`).sort());

    for (const [alias, original] of [
      ["/api/leaderboard?limit=5", "/api/rankings?limit=5"],
      [`/api/leaderboard/${seats[0]!.playerId}`, `/api/rankings/${seats[0]!.playerId}`],
    ] as const) {
      const [a, o] = [await req("GET", alias), await req("GET", original)];
      expect({ status: a.status, data: field(a.json, "data") }).toEqual({ status: o.status, data: field(o.json, "data") });
    }
  });

  it("only an admin may reset (403 for anyone else, nothing changes); a reset appends LEADERBOARD_RESET", async () => {
    const refused = await req("POST", "/api/leaderboard/reset", { token: player.token });
    expect({ status: refused.status, code: codeOf(refused) }).toEqual({ status: 403, code: "auth/forbidden" });
    expect(await t.database.db.select().from(seasonEvents).where(eq(seasonEvents.type, "LEADERBOARD_RESET"))).toEqual([]);
    const reset = await req("POST", "/api/leaderboard/reset", { token: admin });
    expect(reset.status).toBe(201);
    const rows = await t.database.db.select().from(seasonEvents).where(and(eq(seasonEvents.type, "LEADERBOARD_RESET")));
    expect(rows.map((r) => r.payload)).toEqual([
      expect.objectContaining({ _v: 1, endedSeason: field(reset.json, "data", "endedSeason"), openedSeason: field(reset.json, "data", "currentSeason"), trigger: "admin" }),
    ]);
  });
});
