/**
 * Score submission with action tokens, on PGlite always and on PostgreSQL when DATABASE_URL is
 * set (a fresh database each). Covers every rejection code, the replay (first response, nothing
 * changed) and 100 concurrent submissions of one token applying exactly once.
 */
import { randomUUID } from "node:crypto";
import { and, asc, eq, sql } from "drizzle-orm";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { DatabaseHandle } from "../../db/client.js";
import type { PlayerId } from "../game/types.js";
import { consumedActionTokens, ladderEntries, scoreEvents, seasonEvents, users } from "../../db/schema/index.js";
import { parseSeasonEvent } from "../season/events.js";
import { ActionTokens, type ActionTokenClaims } from "./actionTokens.js";
import { InProcessDeltaPublisher, type LadderDelta } from "./deltas.js";
import { MemoryLadderCache } from "./memoryCache.js";
import { PgLadderStore } from "../../db/ladderStore.js";
import { silentLogger, type LadderLogger } from "./ranking.js";
import { LadderService } from "./service.js";
import { ConsumedTokenPurger, purgeConsumedTokens, PURGE_GRACE_MS, ScoreSubmissionService, type SubmissionResult } from "./submission.js";
import { freshLadderDb, freshPostgresLadderDb, insertPlayers, putEntry, TEST_DATABASE_URL } from "./testing/ladderDb.js";

const SECRET = "submission-test-secret-at-least-32-bytes-long";
const NOW = Date.UTC(2026, 5, 1, 12);

interface Rig {
  handle: DatabaseHandle;
  submissions: ScoreSubmissionService;
  ladder: LadderService;
  tokens: ActionTokens;
  registry: Registry;
  deltas: LadderDelta[];
  alerts: object[];
}

async function newUser(r: Rig): Promise<{ userId: string; playerId: PlayerId }> {
  const userId = randomUUID();
  await r.handle.db.insert(users).values({ id: userId, username: `u${userId}`, email: `${userId}@example.test`, passwordHash: "x" });
  const [playerId] = await insertPlayers(r.handle.db, 1, [userId]);
  if (playerId === undefined) throw new Error("no player");
  return { userId, playerId };
}

function claimsFor(userId: string, over: Partial<ActionTokenClaims> = {}): ActionTokenClaims {
  return { actionId: `act_${randomUUID()}`, userId, maxScore: 1_000, expiresAt: NOW + 300_000, ...over };
}

async function count(r: Rig, table: "score_events" | "consumed_action_tokens" | "ladder_entries"): Promise<number> {
  const t = { score_events: scoreEvents, consumed_action_tokens: consumedActionTokens, ladder_entries: ladderEntries }[table];
  const [row] = await r.handle.db.select({ n: sql<number>`count(*)::int` }).from(t);
  return row?.n ?? -1;
}

/** A player's `LEADERBOARD_UPDATED` rows in `season_events`, parsed against the event's schema. */
async function leaderboardEvents(r: Rig, playerId: string) {
  const rows = await r.handle.db
    .select()
    .from(seasonEvents)
    .where(and(eq(seasonEvents.type, "LEADERBOARD_UPDATED"), eq(seasonEvents.playerId, playerId)))
    .orderBy(asc(seasonEvents.seq));
  return rows.map((row) => {
    const parsed = parseSeasonEvent({ ...row, createdAt: row.createdAt.toISOString() });
    if (!parsed.ok) throw new Error(parsed.error);
    return parsed.event;
  });
}

async function rejectionCount(r: Rig, code: string): Promise<number> {
  const m = await r.registry.getSingleMetric("pzo_score_rejections_total")?.get();
  return m?.values.find((v) => v.labels["code"] === code)?.value ?? 0;
}

function submissionSuite(open: () => Promise<DatabaseHandle>): void {
  let r: Rig;
  beforeAll(async () => {
    const handle = await open();
    const registry = new Registry();
    const publisher = new InProcessDeltaPublisher();
    const deltas: LadderDelta[] = [];
    publisher.subscribe((d) => deltas.push(d.delta));
    const alerts: object[] = [];
    const logger: LadderLogger = { ...silentLogger, error: (obj) => alerts.push(obj) };
    const ladder = new LadderService({ cache: new MemoryLadderCache(), store: new PgLadderStore(handle.db), publisher, logger, registry, options: { driftIntervalMs: 0 } });
    await ladder.start();
    const tokens = new ActionTokens(SECRET);
    const submissions = new ScoreSubmissionService({ db: handle.db, tokens, ladder, logger, registry, now: () => NOW });
    r = { handle, submissions, ladder, tokens, registry, deltas, alerts };
  });
  afterAll(async () => {
    await r.ladder.stop();
    await r.handle.close();
  });

  it("applies a valid submission to both tiers once, audits it, and publishes one delta per tier", async () => {
    const u = await newUser(r);
    const events0 = await count(r, "score_events");
    const res = await r.submissions.submit({ token: r.tokens.issue(claimsFor(u.userId)), callerUserId: u.userId, delta: 250 });
    expect(res).toMatchObject({ status: "applied", response: { playerId: u.playerId, scoreDelta: 250, season: 0, totals: { allTime: 250, season: 250 } } });
    expect(await count(r, "score_events")).toBe(events0 + 2);
    expect(r.deltas.slice(-2)).toEqual([
      expect.objectContaining({ type: "ladder.changed", tier: "all_time", playerId: u.playerId, oldRank: null, total: 250, change: 250 }),
      expect.objectContaining({ type: "ladder.changed", tier: "season", season: 0, playerId: u.playerId, oldRank: null, total: 250, change: 250 }),
    ]);
    // One LEADERBOARD_UPDATED per ladder entry changed (both tiers), as for a finished game, with
    // the action id instead of a game, and matching the score_events rows of the same statement.
    if (res.status !== "applied") throw new Error("unreachable");
    const logged = await leaderboardEvents(r, u.playerId);
    expect(logged.map((e) => e.payload)).toEqual([
      { _v: 1, gameId: null, tier: "all_time", season: 0, delta: 250, totalAfter: 250, actionId: res.response.actionId },
      { _v: 1, gameId: null, tier: "season", season: 0, delta: 250, totalAfter: 250, actionId: res.response.actionId },
    ]);
    const audited = await r.handle.db.select().from(scoreEvents).where(eq(scoreEvents.actionId, res.response.actionId));
    expect(audited.map((a) => `${a.tier}:${a.totalAfter}`).sort()).toEqual(logged.map((e) => (e.type === "LEADERBOARD_UPDATED" ? `${e.payload.tier}:${e.payload.totalAfter}` : "")).sort());
    const rank = await r.ladder.rankOf({ tier: "all_time" }, u.playerId);
    expect(rank).toMatchObject({ ok: true, source: "cache", value: { entry: { total: 250, games: 1 } } });
  });

  it("a replay gets the first response back (409) and changes nothing", async () => {
    const u = await newUser(r);
    const token = r.tokens.issue(claimsFor(u.userId));
    const first = await r.submissions.submit({ token, callerUserId: u.userId, delta: 10 });
    expect(first.status).toBe("applied");
    const events = await count(r, "score_events");
    const deltas = r.deltas.length;
    const replays0 = await rejectionCount(r, "token/replayed");
    const logged = await leaderboardEvents(r, u.playerId);
    const again = await r.submissions.submit({ token, callerUserId: u.userId, delta: 10 });
    if (first.status !== "applied") throw new Error("unreachable");
    expect(again).toEqual({ status: "replay", code: "token/replayed", response: first.response });
    // Even a different delta with the same token changes nothing.
    expect(await r.submissions.submit({ token, callerUserId: u.userId, delta: 999 })).toMatchObject({ status: "replay" });
    expect(await count(r, "score_events")).toBe(events);
    expect(await leaderboardEvents(r, u.playerId)).toEqual(logged);
    expect(r.deltas.length).toBe(deltas);
    expect(await rejectionCount(r, "token/replayed")).toBe(replays0 + 2);
  });

  it("each rejection has its own code, is counted, and writes nothing", async () => {
    const u = await newUser(r);
    const other = await newUser(r);
    const good = claimsFor(u.userId);
    const [payload] = r.tokens.issue(good).split(".");
    const cases: [string, string, number, string][] = [
      [`${payload}.${"A".repeat(43)}`, u.userId, 1, "token/bad_signature"],
      [new ActionTokens("a-different-secret-of-32-bytes-or-more!").issue(good), u.userId, 1, "token/bad_signature"],
      ["not-a-token", u.userId, 1, "token/malformed"],
      [r.tokens.issue(claimsFor(u.userId, { expiresAt: NOW })), u.userId, 1, "token/expired"],
      [r.tokens.issue(claimsFor(u.userId)), other.userId, 1, "token/wrong_user"],
      [r.tokens.issue(claimsFor(u.userId, { maxScore: 100 })), u.userId, 101, "token/over_max_score"],
      [r.tokens.issue(claimsFor(u.userId)), u.userId, -5, "token/bad_delta"],
    ];
    const tokens0 = await count(r, "consumed_action_tokens");
    const entries0 = await count(r, "ladder_entries");
    for (const [token, caller, delta, code] of cases) {
      const before = await rejectionCount(r, code);
      const res: SubmissionResult = await r.submissions.submit({ token, callerUserId: caller, delta });
      expect(res).toMatchObject({ status: "rejected", code });
      expect(await rejectionCount(r, code)).toBe(before + 1);
    }
    expect(await count(r, "consumed_action_tokens")).toBe(tokens0);
    expect(await count(r, "ladder_entries")).toBe(entries0);
  });

  it("a caller with no player is refused (ladder/no_player) and the token stays unused", async () => {
    const userId = randomUUID();
    await r.handle.db.insert(users).values({ id: userId, username: `np${userId}`, email: `np${userId}@example.test`, passwordHash: "x" });
    const token = r.tokens.issue(claimsFor(userId));
    expect(await r.submissions.submit({ token, callerUserId: userId, delta: 1 })).toMatchObject({ status: "rejected", code: "ladder/no_player" });
    await insertPlayers(r.handle.db, 1, [userId]);
    expect(await r.submissions.submit({ token, callerUserId: userId, delta: 1 })).toMatchObject({ status: "applied" });
  });

  it("an overflow is refused with ladder/score_overflow and an alert line; nothing changes", async () => {
    const u = await newUser(r);
    await putEntry(r.handle.db, { tier: "all_time", season: null }, { playerId: u.playerId, total: Number.MAX_SAFE_INTEGER - 5, highest: 5, games: 3, wins: 0, firstReachedAt: 1 });
    const alerts0 = r.alerts.length;
    const res = await r.submissions.submit({ token: r.tokens.issue(claimsFor(u.userId)), callerUserId: u.userId, delta: 6 });
    expect(res).toMatchObject({ status: "rejected", code: "ladder/score_overflow" });
    expect(r.alerts.length).toBeGreaterThan(alerts0);
    expect(r.alerts.at(-1)).toMatchObject({ alert: true, code: "ladder/score_overflow" });
    expect(await leaderboardEvents(r, u.playerId)).toEqual([]);
    expect(await r.submissions.submit({ token: r.tokens.issue(claimsFor(u.userId)), callerUserId: u.userId, delta: 5 })).toMatchObject({ status: "applied", response: { totals: { allTime: Number.MAX_SAFE_INTEGER } } });
  });

  it("purgeConsumedTokens forgets only action ids whose tokens have expired; a still-valid token stays a replay", async () => {
    const u = await newUser(r);
    // A token that lives the longest allowed, consumed at NOW (the rig's clock).
    const token = r.tokens.issue(claimsFor(u.userId, { expiresAt: NOW + r.tokens.maxLifetimeMs }));
    const first = await r.submissions.submit({ token, callerUserId: u.userId, delta: 3 });
    expect(first.status).toBe("applied");
    const purgeAt = (now: number): Promise<number> => purgeConsumedTokens(r.handle.db, { now, maxLifetimeMs: r.tokens.maxLifetimeMs });
    const mine = async (): Promise<number> => (await r.handle.db.select({ id: consumedActionTokens.id }).from(consumedActionTokens).where(sql`${consumedActionTokens.userId} = ${u.userId}`)).length;
    expect(await r.submissions.purgeConsumedTokens()).toBe(0);
    // Just before expiry the token is still valid: its row stays, and a replay is a 409.
    expect(await purgeAt(NOW + r.tokens.maxLifetimeMs - 1)).toBe(0);
    const replayer = new ScoreSubmissionService({ db: r.handle.db, tokens: r.tokens, ladder: r.ladder, logger: silentLogger, registry: new Registry(), now: () => NOW + r.tokens.maxLifetimeMs - 1 });
    expect(await replayer.submit({ token, callerUserId: u.userId, delta: 3 })).toMatchObject({ status: "replay", code: "token/replayed" });
    // At expiry the token is refused before the database is asked; the row goes once the grace has passed.
    expect(await purgeAt(NOW + r.tokens.maxLifetimeMs + PURGE_GRACE_MS - 1)).toBe(0);
    expect(await mine()).toBe(1);
    const later = NOW + r.tokens.maxLifetimeMs + PURGE_GRACE_MS + 1;
    expect(await purgeAt(later)).toBeGreaterThanOrEqual(1);
    expect(await mine()).toBe(0);
    const afterPurge = new ScoreSubmissionService({ db: r.handle.db, tokens: r.tokens, ladder: r.ladder, logger: silentLogger, registry: new Registry(), now: () => later });
    expect(await afterPurge.submit({ token, callerUserId: u.userId, delta: 3 })).toMatchObject({ status: "rejected", code: "token/expired" });
  });

  it("ConsumedTokenPurger purges on its interval, logs the count, and stops", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    try {
      const u = await newUser(r);
      await r.submissions.submit({ token: r.tokens.issue(claimsFor(u.userId)), callerUserId: u.userId, delta: 1 });
      const logs: object[] = [];
      const logger: LadderLogger = { ...silentLogger, info: (obj) => logs.push(obj) };
      const purger = new ConsumedTokenPurger({ db: r.handle.db, logger, intervalMs: 60_000, maxLifetimeMs: r.tokens.maxLifetimeMs, now: () => NOW + 2 * r.tokens.maxLifetimeMs });
      purger.start();
      expect(logs).toHaveLength(0);
      await vi.advanceTimersByTimeAsync(60_000);
      await purger.stop(); // waits for the run the tick started
      expect(logs).toHaveLength(1);
      expect(logs[0]).toMatchObject({ purged: expect.any(Number) as unknown });
      expect((logs[0] as { purged: number }).purged).toBeGreaterThanOrEqual(1);
      expect(await count(r, "consumed_action_tokens")).toBe(0);
      await vi.advanceTimersByTimeAsync(120_000);
      expect(logs).toHaveLength(1); // stopped: no more runs
    } finally {
      vi.useRealTimers();
    }
  });

  it("100 concurrent submissions with the same token apply exactly once", async () => {
    const u = await newUser(r);
    const token = r.tokens.issue(claimsFor(u.userId));
    const events0 = await count(r, "score_events");
    const results = await Promise.all(Array.from({ length: 100 }, () => r.submissions.submit({ token, callerUserId: u.userId, delta: 7 })));
    const applied = results.filter((x) => x.status === "applied");
    const replays = results.filter((x) => x.status === "replay");
    expect(applied).toHaveLength(1);
    expect(replays).toHaveLength(99);
    const first = applied[0];
    if (first?.status !== "applied") throw new Error("unreachable");
    for (const x of replays) expect(x).toEqual({ status: "replay", code: "token/replayed", response: first.response });
    expect(await count(r, "score_events")).toBe(events0 + 2);
    expect(await leaderboardEvents(r, u.playerId)).toHaveLength(2);
    const standing = await r.ladder.standingsOf(u.playerId);
    expect(standing.allTime?.entry).toMatchObject({ total: 7, games: 1 });
    expect(standing.season?.entry).toMatchObject({ total: 7, games: 1 });
  });
}

describe("score submission: PGlite", () => {
  submissionSuite(freshLadderDb);
});

const pgName = TEST_DATABASE_URL === undefined ? "score submission: PostgreSQL (SKIPPED: DATABASE_URL not set)" : "score submission: PostgreSQL";
if (TEST_DATABASE_URL === undefined) console.warn(`[postgres] SKIPPED: DATABASE_URL not set: "${pgName}" did not run`);
describe.skipIf(TEST_DATABASE_URL === undefined)(pgName, () => {
  submissionSuite(freshPostgresLadderDb);
});
