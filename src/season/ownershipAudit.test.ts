/** The audit's achievement and ownership checks on hand-built logs and tables (pure). */
import { describe, expect, it } from "vitest";
import type { NewSeasonEvent, SeasonEvent } from "./events.js";
import { auditOwnership, type OwnershipTables } from "./ownershipAudit.js";

const P = "00000000-0000-4000-8000-000000000001";
const Q = "00000000-0000-4000-8000-000000000002";
const GAME = "00000000-0000-4000-8000-0000000000aa";
const TX = "00000000-0000-4000-8000-0000000000bb";
const T1 = "2026-12-07T10:00:00.000Z";
const T2 = "2026-12-07T10:00:01.000Z";

/** Numbers events in order; each carries its transaction's start time. */
function log(...rows: (readonly [string, NewSeasonEvent])[]): SeasonEvent[] {
  return rows.map(([createdAt, e], i) => ({ ...e, seq: i + 1, createdAt }));
}

const paid: NewSeasonEvent = {
  type: "TRANSACTION_COMPLETED",
  playerId: P,
  payload: {
    _v: 1,
    transactionId: TX,
    currency: "coins",
    kind: "transfer",
    amount: 100,
    postings: [
      { account: { kind: "system", name: "rewards" }, amount: -100 },
      { account: { kind: "player", playerId: P }, amount: 100 },
    ],
  },
};
const added: NewSeasonEvent = { type: "ITEM_ADDED", playerId: P, payload: { _v: 1, itemId: "card_back_gold", quantity: 1, held: 1 } };
const versioned: NewSeasonEvent = { type: "INVENTORY_UPDATED", playerId: P, payload: { _v: 1, version: 1 } };
const unlocked: NewSeasonEvent = {
  type: "ACHIEVEMENT_UNLOCKED",
  playerId: P,
  payload: { _v: 1, achievementId: "perfect_game", source: "game", gameId: GAME, rewardCoins: 100, transactionId: TX, rewardItemId: "card_back_gold", rewardQuantity: 1 },
};
const conferred: NewSeasonEvent = { type: "COSMETIC_UNLOCKED", playerId: P, payload: { _v: 1, cosmeticId: "card_back_gold", source: "grant", priceCoins: 0, transactionId: null } };
const equipped: NewSeasonEvent = { type: "COSMETICS_EQUIPPED", playerId: P, payload: { _v: 1, card_back: "card_back_gold", seat_frame: null, table_felt: null } };
const deposit: NewSeasonEvent = { type: "CURRENCY_DEPOSITED", playerId: P, payload: { _v: 1, transactionId: "00000000-0000-4000-8000-0000000000cc", currency: "coins", amount: 5 } };

const tables: OwnershipTables = {
  unlocks: [{ playerId: P, achievementId: "perfect_game", gameId: GAME, transactionId: TX }],
  itemGrants: [{ idempotencyKey: `achievement:game:${GAME}:perfect_game:${P}`, playerId: P, itemId: "card_back_gold", quantity: 1 }],
  owned: [{ playerId: P, cosmeticId: "card_back_gold", source: "grant" }],
  equipped: [{ playerId: P, slot: "card_back", cosmeticId: "card_back_gold" }],
  players: new Set([P, Q]),
};
const good = log([T1, paid], [T1, added], [T1, versioned], [T1, unlocked], [T1, conferred], [T2, equipped]);
const breaches = (events: readonly SeasonEvent[], t: OwnershipTables = tables) =>
  auditOwnership(events, t)
    .filter((c) => c.breaches.length > 0)
    .map((c) => [c.name.split(" ").slice(0, 3).join(" "), c.breaches.length]);

describe("auditOwnership", () => {
  it("passes a consistent log and tables, even when another transaction's event lands between the item and the unlock", () => {
    expect(breaches(good)).toEqual([]);
    expect(breaches(log([T1, paid], [T1, added], [T1, versioned], [T2, deposit], [T1, unlocked], [T1, conferred], [T2, equipped]))).toEqual([]);
  });

  it("catches an unlock row without its event, an event without its row, and a second event", () => {
    expect(breaches(good, { ...tables, unlocks: [...tables.unlocks, { playerId: Q, achievementId: "first_win", gameId: null, transactionId: null }] })).toEqual([["every achievement unlock", 1]]);
    expect(breaches(good, { ...tables, unlocks: [] })).toEqual([["every achievement unlock", 1]]);
    expect(breaches(log([T1, paid], [T1, added], [T1, versioned], [T1, unlocked], [T1, conferred], [T2, equipped], [T2, { ...unlocked, payload: { ...unlocked.payload, rewardItemId: null, rewardQuantity: 0 } }]))).toEqual([
      ["every achievement unlock", 1],
    ]);
  });

  it("catches a coin reward that the log did not move, or moved wrong", () => {
    expect(breaches(log([T1, added], [T1, versioned], [T1, unlocked], [T1, conferred], [T2, equipped]))).toEqual([["every achievement reward", 1]]);
    const short = { ...paid, payload: { ...paid.payload, amount: 90 } } as NewSeasonEvent;
    expect(breaches(log([T1, short], [T1, added], [T1, versioned], [T1, unlocked], [T1, conferred], [T2, equipped]))).toEqual([["every achievement reward", 1]]);
    expect(breaches(good, { ...tables, unlocks: [{ ...tables.unlocks[0]!, transactionId: null }] })).toEqual([["every achievement reward", 1]]);
  });

  it("catches an item reward without its ITEM_ADDED right before it, or without (or with a different) grant row", () => {
    expect(breaches(log([T1, paid], [T1, unlocked], [T1, conferred], [T2, equipped]))).toEqual([["every achievement reward", 1]]);
    expect(breaches(log([T2, added], [T2, versioned], [T1, paid], [T1, unlocked], [T1, conferred], [T2, equipped]))).toEqual([["every achievement reward", 1]]);
    expect(breaches(good, { ...tables, itemGrants: [] })).toEqual([["every achievement reward", 1]]);
    expect(breaches(good, { ...tables, itemGrants: [{ ...tables.itemGrants[0]!, quantity: 3 }] })).toEqual([["every achievement reward", 1]]);
    expect(breaches(good, { ...tables, itemGrants: [...tables.itemGrants, { idempotencyKey: `achievement:admin:explicit:regular:${Q}`, playerId: Q, itemId: "emote_pack_1", quantity: 1 }] })).toEqual([
      ["every achievement reward", 1],
    ]);
  });

  it("catches ownership the log never gave, a different source, and an equip of something not owned per the log", () => {
    expect(breaches(good, { ...tables, owned: [...tables.owned, { playerId: Q, cosmeticId: "royal_back", source: "purchase" }] })).toEqual([["owned cosmetics (and", 1]]);
    expect(breaches(good, { ...tables, owned: [{ ...tables.owned[0]!, source: "purchase" }] })).toEqual([["owned cosmetics (and", 1]]);
    expect(breaches(good, { ...tables, equipped: [] })).toEqual([["equipped cosmetics equal", 1]]);
    // Equipped before the log gave it: a breach in the log itself, whatever the tables say.
    expect(breaches(log([T2, equipped], [T1, paid], [T1, added], [T1, versioned], [T1, unlocked], [T1, conferred]))).toEqual([["equipped cosmetics equal", 1]]);
  });

  it("ignores deleted players' events (their rows went with them)", () => {
    expect(breaches(good, { unlocks: [], itemGrants: [], owned: [], equipped: [], players: new Set([Q]) })).toEqual([]);
  });
});
