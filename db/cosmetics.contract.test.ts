/**
 * Cosmetics storage (db/cosmetics.ts), on PGlite and PostgreSQL in the same run: concurrent
 * repeats of one purchase charge once; a purchase never overdraws and a refused one changes
 * nothing; an achievement-gated cosmetic needs the achievement; equipping needs ownership; the
 * Founder cosmetic goes to the first N admitted, in the admission transaction. Each test ends
 * with a clean Season 0 audit.
 */
import { randomUUID } from "node:crypto";
import { and, eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testBackends, type TestDatabase } from "../test/support/db.js";
import { cosmeticsFor, equipCosmetics, equippedOf, FOUNDER_COSMETIC, grantFounders, unlockCosmetic } from "./cosmetics.js";
import { applyInventory } from "./inventory.js";
import { createPlayer } from "./players.js";
import { unlockExplicitly } from "./achievements.js";
import { playerCosmetics, playerLifetimeStats, seasonEvents, transactions } from "./schema/index.js";
import { runSeasonAudit } from "./seasonAudit.js";
import { advanceWaitlist, joinWaitlist } from "./waitlist.js";
import { balancesOf, transfer } from "./wallet.js";

describe.each(testBackends())("cosmetics on $name", (backend) => {
  let t: TestDatabase;
  const newPlayer = async (name: string): Promise<string> => (await createPlayer(t.db, { displayName: name, isBot: false, avatarSeed: "00", color: "#000000" })).id;
  const fund = async (playerId: string, amount: number) => {
    const r = await transfer(t.db, { kind: "deposit", currency: "coins", amount, from: { kind: "system", name: "mint" }, to: { kind: "player", playerId }, requestedBy: "admin:test", idempotencyKey: randomUUID() });
    expect(r.ok).toBe(true);
  };
  const coins = async (playerId: string) => (await balancesOf(t.db, playerId)).find((b) => b.currency === "coins")?.balance ?? 0;
  const events = (playerId: string, type: string) => t.db.select().from(seasonEvents).where(and(eq(seasonEvents.playerId, playerId), eq(seasonEvents.type, type)));
  const expectAuditClean = async () => {
    const checks = await runSeasonAudit(t.db);
    expect(checks.filter((c) => c.breaches.length > 0)).toEqual([]);
  };

  beforeAll(async () => {
    t = await backend.create();
  });
  afterAll(async () => {
    await t.close();
  });

  it("20 concurrent buys of one cosmetic charge once and record one ownership and one event", async () => {
    const p = await newPlayer("buyer");
    await fund(p, 100);
    const results = await Promise.all(Array.from({ length: 20 }, () => unlockCosmetic(t.db, p, "midnight_back")));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(results.filter((r) => r.ok && !r.alreadyOwned)).toHaveLength(1);
    expect(await coins(p)).toBe(60);
    expect(await events(p, "COSMETIC_UNLOCKED")).toHaveLength(1);
    expect(await t.db.select().from(transactions).where(and(eq(transactions.playerId, p), eq(transactions.kind, "withdrawal")))).toHaveLength(1);
    await expectAuditClean();
  });

  it("never overdraws: with coins for one of two, concurrent buys of two cosmetics succeed once; the refusal changes nothing", async () => {
    const p = await newPlayer("short");
    await fund(p, 70);
    const [a, b] = await Promise.all([unlockCosmetic(t.db, p, "silver_frame"), unlockCosmetic(t.db, p, "midnight_back")]);
    const oks = [a, b].filter((r) => r?.ok === true);
    const refused = [a, b].filter((r) => r?.ok === false);
    expect(oks).toHaveLength(1);
    expect(refused).toEqual([expect.objectContaining({ code: "wallet/insufficient_funds" })]);
    expect(await coins(p)).toBe(oks[0] === a ? 10 : 30);
    expect(await t.db.select().from(playerCosmetics).where(eq(playerCosmetics.playerId, p))).toHaveLength(1);
    expect(await events(p, "COSMETIC_UNLOCKED")).toHaveLength(1);
    expect(await unlockCosmetic(t.db, p, "royal_back")).toMatchObject({ ok: false, code: "wallet/insufficient_funds" });
    await expectAuditClean();
  });

  it("an achievement-gated cosmetic needs the achievement (cosmetics/requires_achievement, nothing changed); a grant one is not for sale", async () => {
    const p = await newPlayer("gated");
    await fund(p, 100);
    expect(await unlockCosmetic(t.db, p, "streak_frame")).toMatchObject({ ok: false, code: "cosmetics/requires_achievement" });
    expect(await unlockCosmetic(t.db, p, "perfect_back")).toMatchObject({ ok: false, code: "cosmetics/requires_achievement" });
    expect(await unlockCosmetic(t.db, p, FOUNDER_COSMETIC)).toMatchObject({ ok: false, code: "cosmetics/not_for_sale" });
    expect(await unlockCosmetic(t.db, p, "nope")).toMatchObject({ ok: false, code: "not_found" });
    expect(await coins(p)).toBe(100);
    expect(await events(p, "COSMETIC_UNLOCKED")).toHaveLength(0);
    // Earn both achievements the way the log knows (an explicit unlock on met figures): rewards
    // 75 + 100 coins, and perfect_game's Gold card back.
    await t.db.insert(playerLifetimeStats).values({ playerId: p, mostConsecutiveWins: 3, perfectGames: 1 });
    for (const achievementId of ["hat_trick", "perfect_game"]) expect(await unlockExplicitly(t.db, { playerId: p, achievementId, by: "admin" })).toMatchObject({ ok: true, unlocked: true });
    expect(await unlockCosmetic(t.db, p, "streak_frame")).toMatchObject({ ok: true, alreadyOwned: false, balance: 250 });
    expect(await unlockCosmetic(t.db, p, "perfect_back")).toMatchObject({ ok: true, alreadyOwned: false, transactionId: null });
    expect(await coins(p)).toBe(250);
    await expectAuditClean();
  });

  it("equipping needs ownership and the right slot; the set is evented and listed", async () => {
    const p = await newPlayer("wearer");
    await fund(p, 100);
    expect(await equipCosmetics(t.db, p, { card_back: "midnight_back" })).toMatchObject({ ok: false, code: "cosmetics/not_owned" });
    await unlockCosmetic(t.db, p, "midnight_back");
    expect(await equipCosmetics(t.db, p, { seat_frame: "midnight_back" })).toMatchObject({ ok: false, code: "cosmetics/wrong_slot" });
    expect(await equippedOf(t.db, p)).toEqual({ card_back: null, seat_frame: null, table_felt: null });
    expect(await equipCosmetics(t.db, p, { card_back: "midnight_back" })).toEqual({ ok: true, equipped: { card_back: "midnight_back", seat_frame: null, table_felt: null } });
    expect(await equipCosmetics(t.db, p, { card_back: "midnight_back" })).toMatchObject({ ok: true }); // unchanged: no event
    expect((await events(p, "COSMETICS_EQUIPPED")).map((e) => e.payload)).toEqual([{ _v: 1, card_back: "midnight_back", seat_frame: null, table_felt: null }]);
    const view = await cosmeticsFor(t.db, p);
    expect(view.find((c) => c.id === "midnight_back")).toMatchObject({ owned: true, equipped: true });
    expect(view.find((c) => c.id === "royal_back")).toMatchObject({ owned: false, equipped: false });
    expect(await equipCosmetics(t.db, p, { card_back: null })).toEqual({ ok: true, equipped: { card_back: null, seat_frame: null, table_felt: null } });
    await expectAuditClean();
  });

  it("the Founder cosmetic goes to the first N admitted, in the admission transaction, in queue order", async () => {
    const ps = await Promise.all(["f1", "f2", "f3", "f4"].map((n) => newPlayer(n)));
    for (const p of ps) await joinWaitlist(t.db, p);
    const founders = (tx: Parameters<typeof grantFounders>[0], admitted: readonly string[]) => grantFounders(tx, admitted, 3);
    const first = await advanceWaitlist(t.db, 2, "admitted", founders);
    expect(first.ok).toBe(true);
    const second = await advanceWaitlist(t.db, 2, "admitted", founders);
    expect(second.ok).toBe(true);
    const holders = await t.db.select().from(playerCosmetics).where(and(eq(playerCosmetics.cosmeticId, FOUNDER_COSMETIC), inArray(playerCosmetics.playerId, ps)));
    expect(holders.map((h) => h.playerId).sort()).toEqual(ps.slice(0, 3).sort());
    for (const p of ps.slice(0, 3)) expect((await events(p, "COSMETIC_UNLOCKED")).map((e) => e.payload)).toEqual([{ _v: 1, cosmeticId: FOUNDER_COSMETIC, source: "founder", priceCoins: 0, transactionId: null }]);
    expect(await events(ps[3]!, "COSMETIC_UNLOCKED")).toEqual([]);
    // Founders equip it like any owned cosmetic.
    expect(await equipCosmetics(t.db, ps[0]!, { seat_frame: FOUNDER_COSMETIC })).toMatchObject({ ok: true });
    await expectAuditClean();
  });
  it("an item that confers a cosmetic grants it when added to the inventory (once), and it equips like any card back", async () => {
    const p = await newPlayer("gilded");
    expect(await equipCosmetics(t.db, p, { card_back: "card_back_gold" })).toMatchObject({ ok: false, code: "cosmetics/not_owned" });
    expect(await unlockCosmetic(t.db, p, "card_back_gold")).toMatchObject({ ok: false, code: "cosmetics/not_for_sale" });
    expect((await applyInventory(t.db, { kind: "add", playerId: p, itemId: "card_back_gold", quantity: 1, expectedVersion: 0 })).ok).toBe(true);
    expect((await applyInventory(t.db, { kind: "add", playerId: p, itemId: "card_back_gold", quantity: 1, expectedVersion: 1 })).ok).toBe(true);
    expect((await events(p, "COSMETIC_UNLOCKED")).map((e) => e.payload)).toEqual([{ _v: 1, cosmeticId: "card_back_gold", source: "grant", priceCoins: 0, transactionId: null }]);
    expect(await t.db.select({ source: playerCosmetics.source }).from(playerCosmetics).where(eq(playerCosmetics.playerId, p))).toEqual([{ source: "grant" }]);
    expect(await equipCosmetics(t.db, p, { card_back: "card_back_gold" })).toEqual({ ok: true, equipped: { card_back: "card_back_gold", seat_frame: null, table_felt: null } });
    // Removing the items does not take the cosmetic back.
    expect((await applyInventory(t.db, { kind: "remove", playerId: p, itemId: "card_back_gold", quantity: 2, expectedVersion: 2 })).ok).toBe(true);
    expect((await cosmeticsFor(t.db, p)).find((c) => c.id === "card_back_gold")).toMatchObject({ owned: true, equipped: true });
    await expectAuditClean();
  });

  it("the audit catches an ownership row without its COSMETIC_UNLOCKED and an equipped cosmetic the log never gave", async () => {
    const p = await newPlayer("forger");
    await t.db.insert(playerCosmetics).values({ playerId: p, cosmeticId: "royal_back", source: "purchase" });
    await t.db.execute(sql`INSERT INTO equipped_cosmetics (player_id, slot, cosmetic_id) VALUES (${p}, 'card_back', 'royal_back')`);
    const broken = (await runSeasonAudit(t.db)).filter((c) => c.breaches.length > 0);
    expect(broken.map((c) => c.name)).toEqual([
      "owned cosmetics (and how they were obtained) equal the fold of COSMETIC_UNLOCKED",
      "equipped cosmetics equal the fold of COSMETICS_EQUIPPED and are owned per the log",
    ]);
    expect(broken[0]?.breaches).toEqual([`${p}|royal_back: table purchase, log not owned`]);
    expect(broken[1]?.breaches).toEqual([`${p}|card_back: table royal_back, log empty`, `${p}|card_back: royal_back is equipped but not owned per the log`]);
    await t.db.execute(sql`DELETE FROM equipped_cosmetics WHERE player_id = ${p}`);
    await t.db.delete(playerCosmetics).where(eq(playerCosmetics.playerId, p));
    await expectAuditClean();
  });
});
