/**
 * Achievements live at the table: four SDK clients play a game to completion on a real server;
 * the completion's achievements participant unlocks `regular` (their tenth game) for each, and
 * each player's own client receives an `achievement` message carrying the `seq` of its
 * `ACHIEVEMENT_UNLOCKED` in `season_events`, with the reward in the player's wallet and its item
 * reward (given to `regular` here) named in the message.
 */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getAchievement, putAchievement } from "../../db/achievements.js";
import { playerLifetimeStats, seasonEvents } from "../../db/schema/index.js";
import { balancesOf } from "../../db/wallet.js";
import { smartPolicy } from "../../src/bots/policy.js";
import { startBotClient } from "../../src/bots/client.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { waitUntil } from "./recorder.js";

let ts: TestServer;

beforeAll(async () => {
  // The SDK clients below move at machine speed, not a person's: the per-client message budget
  // (docs/PROTOCOL.md, Limits; tested in test/rooms/security.test.ts) is raised out of their way.
  ts = await startTestServer({ env: { ROOM_MESSAGES_PER_SECOND: "100000" } });
});
afterAll(async () => {
  await ts.close();
});

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

describe("table: achievements arrive live", () => {
  it("each player's own client gets its unlocks as `achievement` messages, matching season_events", async () => {
    const ps = await Promise.all(["Ava", "Ben", "Cy", "Di"].map((n) => ts.createPlayer(n)));
    await ts.database.db.insert(playerLifetimeStats).values(ps.map((p) => ({ playerId: p.playerId, gamesPlayed: 9 })));
    // `regular` also gives an item here, so the message shows an item reward.
    const regularDef = await getAchievement(ts.database.db, "regular");
    if (regularDef === null) throw new Error("the seeded `regular` is missing");
    expect(await putAchievement(ts.database.db, { ...regularDef, rewardItemId: "emote_pack_1", rewardQuantity: 1 })).toMatchObject({ ok: true });
    const got: Record<string, unknown>[][] = ps.map(() => []);
    const onAchievement = (i: number) => (m: unknown) => {
      if (isRecord(m)) got[i]!.push(m);
    };
    const first = await startBotClient({ endpoint: ts.url, token: ps[0]!.token, target: { kind: "create", options: { seats: 4 } }, policy: smartPolicy, onAchievement: onAchievement(0) });
    const others = await Promise.all(
      ps.slice(1).map((p, i) => startBotClient({ endpoint: ts.url, token: p.token, target: { kind: "join", roomId: first.room.roomId, seat: null }, policy: smartPolicy, onAchievement: onAchievement(i + 1) })),
    );
    const outcomes = await Promise.all([first, ...others].map((h) => h.done));
    for (const o of outcomes) expect(o.completed).toBe(true);
    await waitUntil(() => got.every((g) => g.some((m) => m["achievementId"] === "regular")), 10_000, "every player's `regular` unlock");
    for (const [i, p] of ps.entries()) {
      const rows = await ts.database.db
        .select({ seq: seasonEvents.seq, payload: seasonEvents.payload })
        .from(seasonEvents)
        .where(and(eq(seasonEvents.type, "ACHIEVEMENT_UNLOCKED"), eq(seasonEvents.playerId, p.playerId)));
      // Exactly this player's unlocks reached this player's client, each once, with its seq.
      expect(got[i]!.map((m) => m["seq"]).sort()).toEqual(rows.map((r) => r.seq).sort());
      const regular = got[i]!.find((m) => m["achievementId"] === "regular");
      expect(regular).toMatchObject({ name: "Regular", rewardCoins: 50, rewardItemId: "emote_pack_1", rewardItemName: "Emote pack 1", rewardQuantity: 1 });
      expect(typeof regular?.["transactionId"]).toBe("string");
      const rewards = got[i]!.reduce((sum, m) => sum + Number(m["rewardCoins"]), 0);
      expect((await balancesOf(ts.database.db, p.playerId)).find((b) => b.currency === "coins")?.balance).toBe(rewards);
    }
  }, 120_000);
});
