/**
 * The season routes on every available backend: `GET /api/seasons/current` (the open season and
 * its clock from SEASON_SCHEDULE) and `GET /api/players/:id/seasons` (past seasons' final rank and
 * rewards, after an admin reset that takes the scheduled path: coins by band and the season frame).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlayerId } from "../../src/game/types.js";
import { parseSeasonSchedule } from "../../src/ladder/seasonSchedule.js";
import { insertPlayers, putEntry } from "../../src/ladder/testing/ladderDb.js";
import { testBackends } from "../support/db.js";
import { call, codeOf, field } from "./support/client.js";
import { startTestApi, type TestApi } from "./support/httpApp.js";

const SCHEDULE = { SEASON_SCHEDULE: "0 0 1 * *", SEASON_TIME_ZONE: "Europe/Stockholm", SEASON_REWARD_BANDS: "1:500,3:300", SEASON_COSMETIC_RANKS: "2" };

describe.each(testBackends())("season routes on $name", (backend) => {
  let t: TestApi;
  let admin: string;
  let players: PlayerId[];
  const req = (method: string, path: string, opts: Parameters<typeof call>[3] = {}) => call(t.url, method, path, opts);

  beforeAll(async () => {
    t = await startTestApi(backend, { env: { ...SCHEDULE, RATE_LIMIT_READ: "10000/60", RATE_LIMIT_ADMIN: "1000/60" } });
    players = await insertPlayers(t.database.db, 5);
    admin = (await t.tokens.issueAccessToken({ userId: "00000000-0000-4000-8000-000000000001", playerId: players[4]!, role: "admin", kind: "user" })).accessToken;
    for (let i = 0; i < 4; i++) await putEntry(t.database.db, { tier: "season", season: 0 }, { playerId: players[i]!, total: 100 - i, highest: 100 - i, games: 1, wins: 0, firstReachedAt: 1_000 + i });
    // The rating tier: players[4] first, players[0] second (snapshotted too when the season ends).
    await putEntry(t.database.db, { tier: "rating", season: null }, { playerId: players[4]!, total: 900, highest: 900, games: 6, wins: 4, firstReachedAt: 1_000 });
    await putEntry(t.database.db, { tier: "rating", season: null }, { playerId: players[0]!, total: 250, highest: 300, games: 3, wins: 1, firstReachedAt: 1_000 });
  });
  afterAll(async () => {
    await t.close();
  });

  it("GET /api/seasons/current: the open season, its scheduled end in the time zone, seconds left", async () => {
    const before = Date.now();
    const r = await req("GET", "/api/seasons/current");
    expect(r.status).toBe(200);
    const data = field(r.json, "data") as { season: number; startedAt: string; endsAt: string; secondsLeft: number; schedule: unknown };
    expect(data.season).toBe(0);
    expect(data.schedule).toEqual({ expression: "0 0 1 * *", timeZone: "Europe/Stockholm" });
    const due = parseSeasonSchedule("0 0 1 * *", "Europe/Stockholm").dueAfter(new Date(data.startedAt));
    expect(data.endsAt).toBe(due?.toISOString());
    const left = (due!.getTime() - before) / 1000;
    expect(data.secondsLeft).toBeGreaterThanOrEqual(Math.max(0, Math.floor(left) - 5));
    expect(data.secondsLeft).toBeLessThanOrEqual(Math.ceil(left));
  });

  it("GET /api/players/:id/seasons: nothing before a season ended; then final rank, coins and the season frame", async () => {
    const empty = await req("GET", `/api/players/${players[0]!}/seasons`);
    expect(empty.status).toBe(200);
    expect(field(empty.json, "data")).toMatchObject({ playerId: players[0], seasons: [] });
    // The rating now is what GET /api/rankings/:id?tier=rating answers (null where that is a 404).
    const direct = await req("GET", `/api/rankings/${players[0]!}?tier=rating`);
    expect(field(empty.json, "data", "rating")).toEqual(direct.status === 200 ? field(direct.json, "data") : null);
    const unrated = await req("GET", `/api/players/${players[1]!}/seasons`);
    expect(unrated.status).toBe(200);
    expect(field(unrated.json, "data")).toEqual({ playerId: players[1], rating: null, seasons: [] });
    const reset = await req("POST", "/api/admin/seasons", { token: admin, headers: { "idempotency-key": "season-routes-reset" } });
    expect(reset.status).toBe(201);
    const seasonsOf = async (i: number) => field((await req("GET", `/api/players/${players[i]!}/seasons`)).json, "data", "seasons") as Record<string, unknown>[];
    const first = await seasonsOf(0);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ season: 0, trigger: "admin", tiers: { season: { rank: 1, total: 100, games: 1, wins: 0 }, rating: { rank: 2, total: 250, games: 3, wins: 1 } }, rewards: { coins: 500, cosmeticId: "season_0_frame" } });
    expect(typeof first[0]?.["endedAt"]).toBe("string");
    expect((await seasonsOf(1))[0]).toMatchObject({ tiers: { season: { rank: 2 }, rating: null }, rewards: { coins: 300, cosmeticId: "season_0_frame" } });
    expect((await seasonsOf(2))[0]).toMatchObject({ tiers: { season: { rank: 3 }, rating: null }, rewards: { coins: 300, cosmeticId: null } });
    expect((await seasonsOf(3))[0]).toMatchObject({ tiers: { season: { rank: 4 }, rating: null }, rewards: { coins: 0, cosmeticId: null } });
    // Rated but without season points (e.g. only abandoned seats): the rating's final standing, no rewards.
    expect(await seasonsOf(4)).toMatchObject([{ season: 0, tiers: { season: null, rating: { rank: 1, total: 900, games: 6, wins: 4 } }, rewards: { coins: 0, cosmeticId: null } }]);
    // The frame is in the catalogue as a grant, owned by ranks 1-2 (SEASON_COSMETIC_RANKS=2).
    const cosmetics = field((await req("GET", "/api/cosmetics")).json, "data") as { id: string; availability: string; kind: string }[];
    expect(cosmetics.find((c) => c.id === "season_0_frame")).toMatchObject({ kind: "seat_frame", availability: "grant" });
    // The next season is open, with its own scheduled end.
    const now = field((await req("GET", "/api/seasons/current")).json, "data") as { season: number };
    expect(now.season).toBe(1);
  });

  it("GET /api/players/:id/seasons: 404 for an unknown player, 400 for a malformed id", async () => {
    const unknown = await req("GET", "/api/players/6f1c1c5e-3c1a-4c1e-9c1a-1c1a1c1a1c1a/seasons");
    expect({ status: unknown.status, code: codeOf(unknown) }).toEqual({ status: 404, code: "not_found" });
    const bad = await req("GET", "/api/players/not-a-uuid/seasons");
    expect({ status: bad.status, code: codeOf(bad) }).toEqual({ status: 400, code: "validation/failed" });
  });
});
