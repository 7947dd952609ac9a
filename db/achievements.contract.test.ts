/**
 * Achievements in the completion transaction (db/achievements.ts), on PGlite and PostgreSQL in
 * the same run: a retried or concurrent completion awards each achievement once and moves each
 * reward once; two games of one player completing at once unlock a shared achievement once;
 * bots earn nothing; explicit unlocks are refused when the condition is not met; a definition
 * edited by any process is used by the next completion (the in-memory definitions follow the
 * definitions' version); the log keeps each unlock's events together; a replayed reward key names
 * the first transaction. Each test of the first suite ends with a clean Season 0 audit (ledger
 * sums, balances equal to the fold of the log).
 */
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lifetimeDeltas, summarize, type SeatOccupant } from "../src/game/index.js";
import { register, type FinishedGame } from "../src/completion/pipeline.js";
import { testBackends, type TestDatabase } from "../test/support/db.js";
import { achievementsCompletion, achievementsParticipant, achievementsFor, listAchievements, putAchievement, unlockExplicitly, type Unlock } from "./achievements.js";
import { createGameCompletion } from "./completion.js";
import { createGame, markStarted } from "./games.js";
import { equipCosmetics } from "./cosmetics.js";
import { grantItemsIn, inventoryOf } from "./inventory.js";
import { inventoryGrants, playerAchievements, playerLifetimeStats, seasonEvents, transactions } from "./schema/index.js";
import { runSeasonAudit } from "./seasonAudit.js";
import { balancesOf } from "./wallet.js";
import { createOccupants, playGame } from "./testing/fixtures.js";

const silent = { error: () => undefined };

describe.each(testBackends())("achievements on $name", (backend) => {
  let t: TestDatabase;
  let pool: SeatOccupant[];

  const finishedGame = async (label: string, seats: readonly SeatOccupant[]): Promise<FinishedGame> => {
    const played = playGame(`${backend.name}:achievements:${label}`, seats);
    const created = played.events[0];
    if (created?.type !== "game_created") throw new Error("fixture: first event is not game_created");
    await createGame(t.db, { created });
    await markStarted(t.db, played.gameId, new Date());
    return { gameId: played.gameId, completedAt: new Date(), summary: summarize(played.state), deltas: lifetimeDeltas(played.state) };
  };
  /** "server": the read is returned by the lifetime-stats upsert (src/app/server.ts); "alone": the participant reads for itself. */
  const completionWith = (notified: (readonly Unlock[])[], wiring: "server" | "alone" = "server") => {
    const notify = (u: readonly Unlock[]) => Promise.resolve(void notified.push(u));
    if (wiring === "alone") return createGameCompletion(t.db, { onLadderChanges: () => Promise.resolve(), participants: [register(achievementsParticipant(notify))], logger: silent });
    const achievements = achievementsCompletion(notify);
    return createGameCompletion(t.db, { onLadderChanges: () => Promise.resolve(), withLifetimeStats: [achievements.readWithLifetimeStats], participants: [register(achievements.participant)], logger: silent });
  };
  const coins = async (playerId: string): Promise<number> => (await balancesOf(t.db, playerId)).find((b) => b.currency === "coins")?.balance ?? 0;
  const unlockRows = (ids: readonly string[]) => t.db.select().from(playerAchievements).where(inArray(playerAchievements.playerId, [...ids]));
  const unlockEvents = (ids: readonly string[]) =>
    t.db
      .select()
      .from(seasonEvents)
      .where(and(eq(seasonEvents.type, "ACHIEVEMENT_UNLOCKED"), inArray(seasonEvents.playerId, [...ids])));
  const expectAuditClean = async () => {
    const checks = await runSeasonAudit(t.db);
    expect(checks.filter((c) => c.breaches.length > 0)).toEqual([]);
  };

  beforeAll(async () => {
    t = await backend.create();
    pool = await createOccupants(t.db, `ach-${backend.name}`, 12, 2);
  });
  afterAll(async () => {
    await t.close();
  });

  it("the migration seeds the six definitions", async () => {
    expect((await listAchievements(t.db)).map((d) => d.id)).toEqual(["centurion", "first_win", "hat_trick", "perfect_game", "regular", "zero_hero"]);
    expect((await listAchievements(t.db)).find((d) => d.id === "perfect_game")).toMatchObject({ rewardCoins: 100, rewardItemId: "card_back_gold", rewardQuantity: 1 });
  });

  it("3 concurrent completions of one game award each achievement once and move each reward once", async () => {
    const seats = [pool[0]!, pool[1]!, pool[2]!, pool[10]!];
    const humans = seats.filter((s) => !s.isBot).map((s) => s.playerId);
    const game = await finishedGame("concurrent", seats);
    const winners = game.deltas.filter((d) => d.won && !d.isBot).map((d) => d.playerId);
    expect(winners.length).toBeGreaterThan(0); // the fixture game is won by a human
    const notified: (readonly Unlock[])[] = [];
    const completion = completionWith(notified);
    const results = await Promise.all([completion.complete(game), completion.complete(game), completion.complete(game)]);
    expect(results.filter((r) => r.applied)).toHaveLength(1);

    const rows = await unlockRows(humans);
    const keys = rows.map((r) => `${r.playerId}:${r.achievementId}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const w of winners) expect(keys).toContain(`${w}:first_win`);
    for (const r of rows) expect(r.gameId).toBe(game.gameId);
    // Each unlock: one event, one reward transaction, the balance equal to the sum of rewards.
    const events = await unlockEvents(humans);
    expect(events).toHaveLength(rows.length);
    const defs = new Map((await listAchievements(t.db)).map((d) => [d.id, d.rewardCoins]));
    for (const p of humans) {
      const expected = rows.filter((r) => r.playerId === p).reduce((sum, r) => sum + (defs.get(r.achievementId) ?? 0), 0);
      expect(await coins(p)).toBe(expected);
    }
    const rewardTx = await t.db.select().from(transactions).where(eq(transactions.requestedBy, "system:achievements"));
    expect(rewardTx.filter((x) => (humans as readonly string[]).includes(x.playerId))).toHaveLength(rows.length);
    expect(rewardTx.every((x) => x.idempotencyKey.startsWith(`achievement:game:${game.gameId}:`))).toBe(true);
    // The log, in seq order: each paid unlock's TRANSACTION_COMPLETED right before its ACHIEVEMENT_UNLOCKED (unlock by unlock).
    const logged = await t.db
      .select()
      .from(seasonEvents)
      .where(and(inArray(seasonEvents.type, ["TRANSACTION_COMPLETED", "ACHIEVEMENT_UNLOCKED"]), inArray(seasonEvents.playerId, humans)))
      .orderBy(asc(seasonEvents.seq));
    const paidUnlocks = events.filter((e) => typeof e.payload["transactionId"] === "string");
    expect(paidUnlocks.length).toBeGreaterThan(0);
    expect(logged.map((e) => `${e.type}:${String(e.payload["transactionId"])}`)).toEqual(
      [...paidUnlocks].sort((a, b) => a.seq - b.seq).flatMap((e) => [`TRANSACTION_COMPLETED:${String(e.payload["transactionId"])}`, `ACHIEVEMENT_UNLOCKED:${String(e.payload["transactionId"])}`]),
    );
    // afterCommit (the live notification) ran once, with exactly the committed unlocks.
    expect(notified).toHaveLength(1);
    expect(notified[0]?.map((u) => `${u.playerId}:${u.achievementId}`).sort()).toEqual([...keys].sort());
    // A later retry changes nothing.
    expect(await completion.complete(game)).toEqual({ applied: false });
    expect(await unlockRows(humans)).toHaveLength(rows.length);
    await expectAuditClean();
  });

  it("two games of the same players completing at once unlock a shared achievement once (UNIQUE per player and achievement)", async () => {
    const seats = [pool[3]!, pool[4]!, pool[5]!, pool[11]!];
    const humans = seats.filter((s) => !s.isBot).map((s) => s.playerId);
    // Nine games played each: whichever game commits first reaches 10 and unlocks `regular`.
    await t.db.insert(playerLifetimeStats).values(humans.map((playerId) => ({ playerId, gamesPlayed: 9 })));
    const [a, b] = [await finishedGame("pair-a", seats), await finishedGame("pair-b", seats)];
    const notified: (readonly Unlock[])[] = [];
    // The participant on its own (no read returned by the lifetime-stats upsert) keeps the same guarantees.
    const completion = completionWith(notified, "alone");
    const results = await Promise.all([completion.complete(a), completion.complete(b)]);
    expect(results.every((r) => r.applied)).toBe(true);
    const regular = (await unlockRows(humans)).filter((r) => r.achievementId === "regular");
    expect(regular.map((r) => r.playerId).sort()).toEqual([...humans].sort());
    const regularEvents = (await unlockEvents(humans)).filter((e) => e.payload["achievementId"] === "regular");
    expect(regularEvents).toHaveLength(humans.length);
    const rewards = await t.db.select().from(transactions).where(and(eq(transactions.requestedBy, "system:achievements"), inArray(transactions.playerId, humans), sql`${transactions.reason} = 'achievement regular'`));
    expect(rewards).toHaveLength(humans.length);
    expect(notified.flat().filter((u) => u.achievementId === "regular")).toHaveLength(humans.length);
    await expectAuditClean();
  });

  it("each player's unlocked ids are their own: a fresh winner unlocks first_win while other players already hold it", async () => {
    for (const wiring of ["server", "alone"] as const) {
      const seats = await createOccupants(t.db, `ach-own-${wiring}-${backend.name}`, 4, 1);
      const humans = seats.filter((s) => !s.isBot).map((s) => s.playerId);
      expect((await t.db.select().from(playerAchievements).where(eq(playerAchievements.achievementId, "first_win"))).length).toBeGreaterThan(0);
      // The first fixture game a human wins (the fixture is deterministic per label).
      const label = [...Array(20).keys()].map((n) => `own-${wiring}-${n}`).find((l) => lifetimeDeltas(playGame(`${backend.name}:achievements:${l}`, seats).state).some((d) => d.won && !d.isBot));
      if (label === undefined) throw new Error("fixture: no game won by a human");
      const game = await finishedGame(label, seats);
      const winners = game.deltas.filter((d) => d.won && !d.isBot).map((d) => d.playerId);
      expect((await completionWith([], wiring).complete(game)).applied).toBe(true);
      const rows = await unlockRows(humans);
      expect(rows.filter((r) => r.achievementId === "first_win").map((r) => r.playerId).sort()).toEqual([...winners].sort());
    }
  });

  it("bots earn nothing", async () => {
    const bots = pool.filter((p) => p.isBot).map((p) => p.playerId);
    expect(await unlockRows(bots)).toEqual([]);
    expect(await coins(bots[0]!)).toBe(0);
  });

  it("an explicit unlock is refused when the condition is not met (nothing changes), allowed for a manual one, and idempotent", async () => {
    const p = pool[6]!.playerId;
    const refused = await unlockExplicitly(t.db, { playerId: p, achievementId: "zero_hero", by: "admin" });
    expect(refused).toMatchObject({ ok: false, code: "achievements/condition_not_met" });
    expect(await unlockRows([p])).toEqual([]);
    expect(await unlockEvents([p])).toEqual([]);
    expect(await unlockExplicitly(t.db, { playerId: p, achievementId: "nope", by: "admin" })).toMatchObject({ ok: false, code: "not_found" });

    await putAchievement(t.db, { id: "beta_tester", name: "Beta tester", description: "Played the beta.", condition: { kind: "manual" }, rewardCoins: 10, rewardItemId: null, rewardQuantity: 0, enabled: true });
    const first = await unlockExplicitly(t.db, { playerId: p, achievementId: "beta_tester", by: "service" });
    expect(first).toMatchObject({ ok: true, unlocked: true, unlock: { achievementId: "beta_tester", rewardCoins: 10, gameId: null } });
    const again = await unlockExplicitly(t.db, { playerId: p, achievementId: "beta_tester", by: "admin" });
    expect(again).toEqual({ ok: true, unlocked: false, unlock: null });
    expect(await coins(p)).toBe(10);
    expect(await unlockEvents([p])).toHaveLength(1);

    const view = await achievementsFor(t.db, p);
    expect(view.find((v) => v.id === "beta_tester")).toMatchObject({ progress: { current: 1, target: 1, met: true } });
    expect(view.find((v) => v.id === "regular")).toMatchObject({ progress: { current: 0, target: 10, met: false }, unlockedAt: null });
    await putAchievement(t.db, { id: "beta_tester", name: "Beta tester", description: "Played the beta.", condition: { kind: "manual" }, rewardCoins: 10, rewardItemId: null, rewardQuantity: 0, enabled: false });
    expect(await unlockExplicitly(t.db, { playerId: pool[7]!.playerId, achievementId: "beta_tester", by: "admin" })).toMatchObject({ ok: false, code: "achievements/disabled" });
    await expectAuditClean();
  });
  it("a definition edited by any process is used by the next completion (the in-memory definitions follow the definitions' version)", async () => {
    const seats = await createOccupants(t.db, `ach-edit-${backend.name}`, 4, 1);
    const humans = seats.filter((s) => !s.isBot).map((s) => s.playerId);
    const completion = completionWith([]);
    const probeRows = async () => (await unlockRows(humans)).filter((r) => r.achievementId.startsWith("edit_probe")).map((r) => `${r.achievementId}:${r.playerId}`).sort();
    expect((await completion.complete(await finishedGame("edit-1", seats))).applied).toBe(true); // the definitions are now cached
    // Another process's edit (plain SQL, no call in this process): met from a second game on.
    await t.db.execute(sql`INSERT INTO achievements (id, name, description, condition) VALUES ('edit_probe_a', 'Probe A', 'Two games.', '{"kind":"games_played","atLeast":2}'::jsonb)`);
    expect((await completion.complete(await finishedGame("edit-2", seats))).applied).toBe(true);
    expect(await probeRows()).toEqual(humans.map((p) => `edit_probe_a:${p}`).sort());
    // An admin's edit through this process: a disabled definition unlocks nothing, re-enabled it does.
    const probeB = { id: "edit_probe_b", name: "Probe B", description: "Three games.", condition: { kind: "games_played" as const, atLeast: 3 }, rewardCoins: 0, rewardItemId: null, rewardQuantity: 0, enabled: false };
    await putAchievement(t.db, probeB);
    expect((await completion.complete(await finishedGame("edit-3", seats))).applied).toBe(true);
    expect(await probeRows()).toEqual(humans.map((p) => `edit_probe_a:${p}`).sort());
    await putAchievement(t.db, { ...probeB, enabled: true });
    expect((await completion.complete(await finishedGame("edit-4", seats))).applied).toBe(true);
    expect(await probeRows()).toEqual([...humans.map((p) => `edit_probe_a:${p}`), ...humans.map((p) => `edit_probe_b:${p}`)].sort());
    // A delete by SQL: a definition that the sixth game would meet, deleted after the fifth cached it.
    await t.db.execute(sql`INSERT INTO achievements (id, name, description, condition) VALUES ('edit_probe_d', 'Probe D', 'Six games.', '{"kind":"games_played","atLeast":6}'::jsonb)`);
    expect((await completion.complete(await finishedGame("edit-5", seats))).applied).toBe(true);
    await t.db.execute(sql`DELETE FROM achievements WHERE id = 'edit_probe_d'`);
    expect((await completion.complete(await finishedGame("edit-6", seats))).applied).toBe(true);
    expect(await probeRows()).toEqual([...humans.map((p) => `edit_probe_a:${p}`), ...humans.map((p) => `edit_probe_b:${p}`)].sort());
    await t.db.execute(sql`UPDATE achievements SET enabled = false WHERE id IN ('edit_probe_a', 'edit_probe_b')`);
    await expectAuditClean();
  });
  // Last: its definition is met by every game, which the tests above count on not existing.
  it("an item reward goes into the inventory once under 3 concurrent completions of one game, its events right before ACHIEVEMENT_UNLOCKED, and its card back can be equipped", async () => {
    expect(await putAchievement(t.db, { id: "gold_debut", name: "Gold debut", description: "Finish a game.", condition: { kind: "games_played", atLeast: 1 }, rewardCoins: 0, rewardItemId: "nope", rewardQuantity: 1, enabled: true })).toMatchObject({
      ok: false,
      code: "inventory/unknown_item",
    });
    expect((await listAchievements(t.db)).map((d) => d.id)).not.toContain("gold_debut");
    await putAchievement(t.db, { id: "gold_debut", name: "Gold debut", description: "Finish a game.", condition: { kind: "games_played", atLeast: 1 }, rewardCoins: 5, rewardItemId: "card_back_gold", rewardQuantity: 2, enabled: true });
    const seats = [pool[8]!, pool[9]!, pool[10]!, pool[11]!];
    const humans = seats.filter((s) => !s.isBot).map((s) => s.playerId);
    const game = await finishedGame("item-reward", seats);
    const notified: (readonly Unlock[])[] = [];
    const completion = completionWith(notified);
    const results = await Promise.all([completion.complete(game), completion.complete(game), completion.complete(game)]);
    expect(results.filter((r) => r.applied)).toHaveLength(1);
    // The live notice names the item (the table's `achievement` message carries it).
    expect(notified.flat().filter((u) => u.achievementId === "gold_debut").map((u) => [u.playerId, u.rewardItemId, u.rewardItemName, u.rewardQuantity]).sort()).toEqual([...humans].sort().map((p) => [p, "card_back_gold", "Gold card back", 2]));
    expect(await completion.complete(game)).toEqual({ applied: false });

    // Unlock by unlock in seq order, each unlock's events together: its coin transfer, its item,
    // then ACHIEVEMENT_UNLOCKED (the next unlock's statements follow on the connection).
    const log = await t.db.select().from(seasonEvents).where(inArray(seasonEvents.playerId, humans)).orderBy(asc(seasonEvents.seq));
    let block: (typeof log)[number][] = [];
    let unlocksSeen = 0;
    for (const e of log) {
      if (e.type === "COSMETIC_UNLOCKED") continue; // after its ACHIEVEMENT_UNLOCKED (checked per player below)
      block.push(e);
      if (e.type !== "ACHIEVEMENT_UNLOCKED") continue;
      unlocksSeen++;
      expect(new Set(block.map((x) => x.playerId))).toEqual(new Set([e.playerId]));
      const paidBy = e.payload["transactionId"];
      expect(block.filter((x) => x.type === "TRANSACTION_COMPLETED").map((x) => x.payload["transactionId"])).toEqual(typeof paidBy === "string" ? [paidBy] : []);
      expect(block.filter((x) => x.type === "ITEM_ADDED")).toHaveLength(e.payload["rewardItemId"] === null ? 0 : 1);
      block = [];
    }
    expect(block).toEqual([]);
    expect(unlocksSeen).toBeGreaterThanOrEqual(humans.length);
    for (const p of humans) {
      // Held once (2 = one grant of quantity 2), one grant row under the derived key.
      expect((await inventoryOf(t.db, p)).items).toEqual([{ id: "card_back_gold", name: "Gold card back", kind: "card_back", quantity: 2 }]);
      const grants = await t.db.select().from(inventoryGrants).where(eq(inventoryGrants.playerId, p));
      expect(grants.map((g) => [g.idempotencyKey, g.itemId, g.quantity])).toEqual([[`achievement:game:${game.gameId}:gold_debut:${p}`, "card_back_gold", 2]]);
      // The player's own events: ITEM_ADDED, INVENTORY_UPDATED right before ACHIEVEMENT_UNLOCKED, then the conferred cosmetic.
      const mine = await t.db.select().from(seasonEvents).where(eq(seasonEvents.playerId, p)).orderBy(asc(seasonEvents.seq));
      const at = mine.findIndex((e) => e.type === "ACHIEVEMENT_UNLOCKED" && e.payload["achievementId"] === "gold_debut");
      expect(at).toBeGreaterThanOrEqual(2);
      expect(mine.slice(at - 2, at + 2).map((e) => [e.type, e.payload])).toEqual([
        ["ITEM_ADDED", { _v: 1, itemId: "card_back_gold", quantity: 2, held: 2 }],
        ["INVENTORY_UPDATED", { _v: 1, version: 1 }],
        ["ACHIEVEMENT_UNLOCKED", expect.objectContaining({ achievementId: "gold_debut", gameId: game.gameId, rewardCoins: 5, rewardItemId: "card_back_gold", rewardQuantity: 2 })],
        ["COSMETIC_UNLOCKED", { _v: 1, cosmeticId: "card_back_gold", source: "grant", priceCoins: 0, transactionId: null }],
      ]);
      expect(mine.filter((e) => e.type === "ITEM_ADDED")).toHaveLength(1);
      // Equippable like any other card back.
      expect(await equipCosmetics(t.db, p, { card_back: "card_back_gold" })).toEqual({ ok: true, equipped: { card_back: "card_back_gold", seat_frame: null, table_felt: null } });
    }
    // The key itself, beyond the completion claim: 3 concurrent grants under the reward's key add nothing more.
    const p0 = humans[0]!;
    const key = { playerId: p0, itemId: "card_back_gold", quantity: 2, idempotencyKey: `achievement:game:${game.gameId}:gold_debut:${p0}` };
    const again = await Promise.all([1, 2, 3].map(() => t.db.transaction((tx) => grantItemsIn(tx, key))));
    expect(again.map((r) => r.granted)).toEqual([false, false, false]);
    expect((await inventoryOf(t.db, p0)).items.map((i) => i.quantity)).toEqual([2]);
    // A fresh key granted 3 times at once applies once.
    const fresh = { playerId: p0, itemId: "emote_pack_1", quantity: 1, idempotencyKey: `test:fresh:${p0}` };
    const first = await Promise.all([1, 2, 3].map(() => t.db.transaction((tx) => grantItemsIn(tx, fresh))));
    expect(first.map((r) => r.granted).sort()).toEqual([false, false, true]);
    expect((await inventoryOf(t.db, p0)).items.map((i) => `${i.id}:${i.quantity}`)).toEqual(["card_back_gold:2", "emote_pack_1:1"]);
    await t.db.delete(inventoryGrants).where(eq(inventoryGrants.idempotencyKey, fresh.idempotencyKey)); // not an achievement's: the audit would flag it
    await putAchievement(t.db, { id: "gold_debut", name: "Gold debut", description: "Finish a game.", condition: { kind: "games_played", atLeast: 1 }, rewardCoins: 5, rewardItemId: "card_back_gold", rewardQuantity: 2, enabled: false });
    await expectAuditClean();
  });
  it("the audit catches an unlock row without its ACHIEVEMENT_UNLOCKED and an unlock whose reward row does not match the log", async () => {
    const p = pool[7]!.playerId;
    await t.db.insert(playerAchievements).values({ playerId: p, achievementId: "centurion", gameId: null });
    let broken = (await runSeasonAudit(t.db)).filter((c) => c.breaches.length > 0);
    expect(broken.map((c) => [c.name, c.breaches])).toEqual([["every achievement unlock row has exactly one ACHIEVEMENT_UNLOCKED, and every event its row", [`${p}|centurion: unlock row without an ACHIEVEMENT_UNLOCKED`]]]);
    await t.db.delete(playerAchievements).where(and(eq(playerAchievements.playerId, p), eq(playerAchievements.achievementId, "centurion")));

    // A paid unlock (beta_tester, 10 coins, above) whose row points at another transaction.
    const q = pool[6]!.playerId;
    const [row] = await t.db.select().from(playerAchievements).where(and(eq(playerAchievements.playerId, q), eq(playerAchievements.achievementId, "beta_tester")));
    expect(row?.transactionId).toEqual(expect.any(String));
    await t.db.update(playerAchievements).set({ transactionId: null }).where(and(eq(playerAchievements.playerId, q), eq(playerAchievements.achievementId, "beta_tester")));
    broken = (await runSeasonAudit(t.db)).filter((c) => c.breaches.length > 0);
    expect(broken.map((c) => [c.name, c.breaches])).toEqual([["every achievement reward (coin transfer, item grant) matches the log", [`${q}|beta_tester: unlock row transaction none, event ${row?.transactionId ?? ""}`]]]);
    await t.db.update(playerAchievements).set({ transactionId: row?.transactionId ?? null }).where(and(eq(playerAchievements.playerId, q), eq(playerAchievements.achievementId, "beta_tester")));

    // An item grant the log never announced.
    await t.db.insert(inventoryGrants).values({ idempotencyKey: `achievement:admin:explicit:regular:${p}`, playerId: p, itemId: "emote_pack_1", quantity: 1 });
    broken = (await runSeasonAudit(t.db)).filter((c) => c.breaches.length > 0);
    expect(broken.map((c) => [c.name, c.breaches])).toEqual([
      ["every achievement reward (coin transfer, item grant) matches the log", [`inventory_grants achievement:admin:explicit:regular:${p}: 1 x emote_pack_1 without an ACHIEVEMENT_UNLOCKED naming it`]],
    ]);
    await t.db.delete(inventoryGrants).where(eq(inventoryGrants.playerId, p));
    await expectAuditClean();
  });
});

describe.each(testBackends())("achievements' reward replay on $name", (backend) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await backend.create();
  });
  afterAll(async () => {
    await t.close();
  });

  it("an unlock whose reward key was already used names the first transaction, and moves no coins again", async () => {
    const [p] = await createOccupants(t.db, `ach-replay-${backend.name}`, 1);
    const playerId = p!.playerId;
    await putAchievement(t.db, { id: "replay_probe", name: "Replay probe", description: "Given by the test.", condition: { kind: "manual" }, rewardCoins: 3, rewardItemId: null, rewardQuantity: 0, enabled: true });
    const first = await unlockExplicitly(t.db, { playerId, achievementId: "replay_probe", by: "admin" });
    const paidBy = first.ok ? first.unlock?.transactionId : undefined;
    expect(paidBy).toEqual(expect.any(String));
    // The row goes (as a repair might remove it); unlocking again reuses the reward's key.
    await t.db.delete(playerAchievements).where(and(eq(playerAchievements.playerId, playerId), eq(playerAchievements.achievementId, "replay_probe")));
    const again = await unlockExplicitly(t.db, { playerId, achievementId: "replay_probe", by: "admin" });
    expect(again).toMatchObject({ ok: true, unlocked: true, unlock: { transactionId: paidBy } });
    const [row] = await t.db.select().from(playerAchievements).where(and(eq(playerAchievements.playerId, playerId), eq(playerAchievements.achievementId, "replay_probe")));
    expect(row?.transactionId).toBe(paidBy);
    expect((await balancesOf(t.db, playerId)).find((b) => b.currency === "coins")?.balance).toBe(3);
  });
});
