/**
 * Season 0 storage contract (waitlist, wallet ledger, inventory, event log), on every backend in
 * the same run: PGlite always, PostgreSQL when DATABASE_URL is set. Concurrency claims are
 * checked with real parallel calls; the ledger property runs fast-check with a fixed seed; every
 * test ends by folding `season_events` and comparing the fold with the tables (the audit).
 */
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testBackends, type TestDatabase } from "../test/support/db.js";
import { applyInventory, inventoryOf } from "./inventory.js";
import { createPlayer } from "./players.js";
import { DEFAULT_PREFERENCES } from "./preferences.js";
import { pgErrorCode, SQLSTATE } from "./pgError.js";
import { runSeasonAudit } from "./seasonAudit.js";
import { appendSeasonEvents, readSeasonEvents, seasonLogHorizon } from "./seasonLog.js";
import { advanceWaitlist, joinWaitlist, removeFromWaitlist, waitlistOfPlayer } from "./waitlist.js";
import { balancesOf, transfer, type TransferRequest } from "./wallet.js";
import { walletAccounts } from "./schema/index.js";

const PROPERTY_SEED = 20261207;

async function expectAuditClean(t: TestDatabase): Promise<void> {
  const checks = await runSeasonAudit(t.db);
  expect(checks.filter((c) => c.breaches.length > 0)).toEqual([]);
}

const deposit = (playerId: string, amount: number, key: string = randomUUID()): TransferRequest => ({
  kind: "deposit",
  currency: "coins",
  amount,
  from: { kind: "system", name: "mint" },
  to: { kind: "player", playerId },
  requestedBy: "admin:test",
  idempotencyKey: key,
});
const withdrawal = (playerId: string, amount: number, key: string = randomUUID()): TransferRequest => ({
  kind: "withdrawal",
  currency: "coins",
  amount,
  from: { kind: "player", playerId },
  to: { kind: "system", name: "sink" },
  requestedBy: `player:${playerId}`,
  idempotencyKey: key,
});

describe.each(testBackends())("Season 0 storage on $name", (backend) => {
  let t: TestDatabase;
  const newPlayer = async (name: string): Promise<string> => (await createPlayer(t.db, { displayName: name, isBot: false, avatarSeed: "00", color: "#000000" })).id;
  beforeAll(async () => {
    t = await backend.create();
  });
  afterAll(async () => {
    await t.close();
  });

  it("season_events refuses UPDATE and DELETE (append-only trigger)", async () => {
    const p = await newPlayer("log");
    await joinWaitlist(t.db, p);
    const refusedUpdate = await t.db.execute(sql`UPDATE season_events SET type = 'X'`).then(() => null, (e: unknown) => pgErrorCode(e));
    const refusedDelete = await t.db.execute(sql`DELETE FROM season_events`).then(() => null, (e: unknown) => pgErrorCode(e));
    expect([refusedUpdate, refusedDelete]).toEqual([SQLSTATE.restrictViolation, SQLSTATE.restrictViolation]);
  });

  it("a reader's horizon never passes a seq an open transaction holds (writers run side by side)", async () => {
    const p = await newPlayer("horizon");
    const ev = (n: number) => ({ type: "USER_PREFERENCES_UPDATED" as const, playerId: p, payload: { _v: 1 as const, userId: randomUUID(), preferences: { ...DEFAULT_PREFERENCES, sound: n % 2 === 0 } } });
    const h0 = await seasonLogHorizon(t.db);
    expect(h0).toBe((await readSeasonEvents(t.db, { limit: 1_000_000 })).lastSeq);
    if (backend.name === "pglite") return; // one connection: a second transaction cannot be open beside the first
    // A draws its seq first and stays open; B draws a later seq and commits.
    let releaseA = (): void => undefined;
    const held = new Promise<void>((r) => (releaseA = r));
    let seqA = 0;
    let drawn = (): void => undefined;
    const aDrew = new Promise<void>((r) => (drawn = r));
    const a = t.db.transaction(async (tx) => {
      [seqA = 0] = await appendSeasonEvents(tx, [ev(1)]);
      drawn();
      await held;
    });
    await aDrew;
    const [seqB = 0] = await t.db.transaction((tx) => appendSeasonEvents(tx, [ev(2)]));
    expect(seqB).toBeGreaterThan(seqA);
    // The horizon waits for A; A commits only once the horizon is waiting for it.
    let waited = 0;
    const h = await seasonLogHorizon(t.db, { onWait: () => (waited++ === 0 ? releaseA() : undefined) });
    const seen = (await readSeasonEvents(t.db, { after: h0 ?? 0, upTo: h ?? 0, limit: 100, playerId: p })).events.map((e) => e.seq);
    releaseA();
    await a;
    expect(waited).toBeGreaterThan(0);
    expect(h).toBeGreaterThanOrEqual(seqB);
    expect(seen).toEqual([seqA, seqB]);
  });

  it("100 concurrent waitlist joins get 100 distinct, gapless positions; a second join is idempotent", async () => {
    const players = await Promise.all(Array.from({ length: 100 }, (_, i) => newPlayer(`wl${i}`)));
    const before = (await Promise.all(players.map((p) => waitlistOfPlayer(t.db, p)))).filter((e) => e !== null).length;
    expect(before).toBe(0);
    const base = (await readSeasonEvents(t.db, { limit: 100000, types: ["WAITLIST_ADDED"] })).events.length;
    const joined = await Promise.all(players.map((p) => joinWaitlist(t.db, p)));
    const positions = joined.map((j) => j.entry.position ?? -1).sort((a, b) => a - b);
    expect(positions).toEqual(Array.from({ length: 100 }, (_, i) => base + i + 1));
    const again = await joinWaitlist(t.db, players[0] ?? "");
    expect(again.created).toBe(false);
    const added = (await readSeasonEvents(t.db, { limit: 100000, types: ["WAITLIST_ADDED"] })).events.length;
    expect(added - base).toBe(100);
    // Positions as read now equal the positions the joins answered.
    const now = await Promise.all(players.map((p) => waitlistOfPlayer(t.db, p)));
    expect(now.map((e) => e?.position)).toEqual(joined.map((j) => j.entry.position));
    await expectAuditClean(t);
  });

  it("admits the next entries in order; removal is refused while seated and allowed after", async () => {
    const admitted = await advanceWaitlist(t.db, 2, "admitted");
    if (!admitted.ok) throw new Error(admitted.code);
    expect(admitted.entries.map((e) => e.status)).toEqual(["admitted", "admitted"]);
    expect(admitted.entries[0]?.queueSeq).toBeLessThan(admitted.entries[1]?.queueSeq ?? 0);
    const p = await newPlayer("seated");
    const { entry } = await joinWaitlist(t.db, p);
    let seated = true;
    const refused = await removeFromWaitlist(t.db, entry.id, () => Promise.resolve(seated));
    expect(refused).toMatchObject({ ok: false, code: "waitlist/in_game" });
    expect((await waitlistOfPlayer(t.db, p))?.status).toBe("waiting");
    seated = false;
    const removed = await removeFromWaitlist(t.db, entry.id, () => Promise.resolve(seated));
    expect(removed).toMatchObject({ ok: true, entry: { status: "removed", position: null } });
    await expectAuditClean(t);
  });

  it("200 parallel withdrawals of one account never overdraw, and coins still sum to 0", async () => {
    const p = await newPlayer("spender");
    expect((await transfer(t.db, deposit(p, 1000))).ok).toBe(true);
    const results = await Promise.all(Array.from({ length: 200 }, () => transfer(t.db, withdrawal(p, 7))));
    const applied = results.filter((r) => r.ok).length;
    const refused = results.filter((r) => !r.ok);
    expect(applied).toBe(Math.floor(1000 / 7));
    expect(new Set(refused.map((r) => (r.ok ? "" : r.code)))).toEqual(new Set(["wallet/insufficient_funds"]));
    expect(await balancesOf(t.db, p)).toEqual([{ currency: "coins", balance: 1000 - 7 * applied }]);
    const [sum] = await t.db.select({ s: sql<string>`sum(${walletAccounts.balance})` }).from(walletAccounts);
    expect(Number(sum?.s)).toBe(0);
    await expectAuditClean(t);
  });

  it("50 repeats of one idempotency key apply once and all answer the same transaction", async () => {
    const p = await newPlayer("repeat");
    const req = deposit(p, 25, "same-key");
    const results = await Promise.all(Array.from({ length: 50 }, () => transfer(t.db, req)));
    const ids = new Set(results.map((r) => (r.ok ? r.transaction.id : r.code)));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.ok && !r.replayed)).toHaveLength(1);
    expect(await balancesOf(t.db, p)).toEqual([{ currency: "coins", balance: 25 }]);
    expect(await transfer(t.db, { ...req, amount: 26 })).toMatchObject({ ok: false, code: "idempotency/key_reused" });
    await expectAuditClean(t);
  });

  it("50 concurrent inventory writes with the same If-Match apply exactly one", async () => {
    const p = await newPlayer("collector");
    const results = await Promise.all(Array.from({ length: 50 }, () => applyInventory(t.db, { kind: "add", playerId: p, itemId: "founder_badge", quantity: 1, expectedVersion: 0 })));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(new Set(results.filter((r) => !r.ok).map((r) => (r.ok ? "" : r.code)))).toEqual(new Set(["inventory/version_conflict"]));
    expect(await inventoryOf(t.db, p)).toMatchObject({ version: 1, items: [{ id: "founder_badge", quantity: 1 }] });
    await expectAuditClean(t);
  });

  it("removing an item not held, or an unknown item, is refused and changes nothing", async () => {
    const p = await newPlayer("empty-handed");
    expect(await applyInventory(t.db, { kind: "remove", playerId: p, itemId: "card_back_gold", quantity: 1, expectedVersion: 0 })).toMatchObject({ ok: false, code: "inventory/item_not_held" });
    expect(await applyInventory(t.db, { kind: "add", playerId: p, itemId: "no_such_item", quantity: 1, expectedVersion: 0 })).toMatchObject({ ok: false, code: "inventory/unknown_item" });
    expect(await inventoryOf(t.db, p)).toEqual({ playerId: p, version: 0, items: [] });
    expect((await readSeasonEvents(t.db, { limit: 10, playerId: p })).events).toEqual([]);
    await expectAuditClean(t);
  });

  it(`property (fast-check seed ${PROPERTY_SEED}): random deposits, withdrawals and transfers keep balances >= 0, every currency at 0, and the log's fold equal to the tables`, async () => {
    const people = await Promise.all(Array.from({ length: 4 }, (_, i) => newPlayer(`prop${i}`)));
    const op = fc.oneof(
      fc.record({ kind: fc.constant("deposit" as const), to: fc.nat(3), amount: fc.integer({ min: 1, max: 500 }) }),
      fc.record({ kind: fc.constant("withdrawal" as const), from: fc.nat(3), amount: fc.integer({ min: 1, max: 500 }) }),
      fc.record({ kind: fc.constant("transfer" as const), from: fc.nat(3), to: fc.nat(3), amount: fc.integer({ min: 1, max: 500 }) }),
    );
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
        runs++;
        const who = (i: number): string => people[i] ?? "";
        for (const o of ops) {
          switch (o.kind) {
            case "deposit":
              await transfer(t.db, deposit(who(o.to), o.amount));
              break;
            case "withdrawal":
              await transfer(t.db, withdrawal(who(o.from), o.amount));
              break;
            case "transfer":
              await transfer(t.db, { kind: "transfer", currency: "coins", amount: o.amount, from: { kind: "player", playerId: who(o.from) }, to: { kind: "player", playerId: who(o.to) }, requestedBy: `player:${who(o.from)}`, idempotencyKey: randomUUID() });
              break;
          }
        }
        const checks = await runSeasonAudit(t.db);
        expect(checks.filter((c) => c.breaches.length > 0)).toEqual([]);
      }),
      { seed: PROPERTY_SEED, numRuns: 20 },
    );
    expect(runs).toBe(20);
  });

  it("deleting a player keeps its ledger account (coins still sum to 0) and the audit stays clean", async () => {
    const p = await newPlayer("leaver");
    await transfer(t.db, deposit(p, 40));
    await joinWaitlist(t.db, p);
    await applyInventory(t.db, { kind: "add", playerId: p, itemId: "emote_pack_1", quantity: 1, expectedVersion: 0 });
    await t.db.execute(sql`DELETE FROM players WHERE id = ${p}`);
    expect(await waitlistOfPlayer(t.db, p)).toBeNull();
    expect(await balancesOf(t.db, p)).toEqual([{ currency: "coins", balance: 40 }]);
    await expectAuditClean(t);
  });

  it("the audit catches a corrupted balance row", async () => {
    const p = await newPlayer("corrupt");
    await transfer(t.db, deposit(p, 10));
    await t.db.execute(sql`UPDATE wallet_accounts SET balance = balance + 1 WHERE player_id = ${p}`);
    const checks = await runSeasonAudit(t.db);
    const broken = checks.filter((c) => c.breaches.length > 0).map((c) => c.name);
    expect(broken).toEqual(["each currency's accounts sum to 0", "balances equal the fold of the log"]);
    await t.db.execute(sql`UPDATE wallet_accounts SET balance = balance - 1 WHERE player_id = ${p}`);
    await expectAuditClean(t);
  });

  // Last: it adds a currency, which every later balance list would show.
  it("a deposit that would take the mint past the safe range is wallet/overflow and moves nothing (the mint is not locked to decide)", async () => {
    await t.db.execute(sql`INSERT INTO currencies (code, name) VALUES ('gems', 'Gems')`);
    await t.db.execute(sql`INSERT INTO wallet_accounts (currency, system_name) VALUES ('gems', 'mint'), ('gems', 'sink'), ('gems', 'rewards')`);
    const [a, b] = [await newPlayer("rich"), await newPlayer("late")];
    expect((await transfer(t.db, { ...deposit(a, Number.MAX_SAFE_INTEGER), currency: "gems" })).ok).toBe(true);
    expect(await transfer(t.db, { ...deposit(b, 1), currency: "gems" })).toMatchObject({ ok: false, code: "wallet/overflow" });
    expect(await balancesOf(t.db, b)).toEqual([
      { currency: "coins", balance: 0 },
      { currency: "gems", balance: 0 },
    ]);
    expect((await readSeasonEvents(t.db, { limit: 10, playerId: b })).events).toEqual([]);
    await expectAuditClean(t);
  });
});
