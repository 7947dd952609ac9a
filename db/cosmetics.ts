/**
 * Cosmetics on `cosmetics` (the catalogue), `player_cosmetics` (ownership, one row per player
 * and cosmetic) and `equipped_cosmetics` (one row per filled slot; its foreign key to
 * `player_cosmetics` means only an owned cosmetic can be equipped).
 *
 * An unlock is one transaction: the ownership row is inserted first (a concurrent repeat of the
 * same unlock waits on its primary key, then finds it owned and moves nothing), the price is a
 * ledger withdrawal `player -> sink` (no overdraft: `wallet/insufficient_funds` rolls the whole
 * unlock back), and `COSMETIC_UNLOCKED` is appended. Lock order: ownership row, wallet rows
 * (player, then sink), the log lock last.
 */
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Database, Transaction } from "./client.js";
import { preparedPerDatabase } from "./prepared.js";
import { appendSeasonEvents } from "./seasonLog.js";
import { refusalsAsValues, SeasonRejection, type Refused } from "./seasonErrors.js";
import { COSMETIC_AVAILABILITY, cosmetics, equippedCosmetics, playerCosmetics } from "./schema/index.js";
import { int, oneOf, runStatement, text, textOrNull, type Statement } from "./statements.js";
import { transferIn } from "./wallet.js";
import type { NewSeasonEvent } from "../src/season/events.js";
import { COSMETIC_SLOTS, cosmeticUnlockedEvent, decideCosmeticUnlock, decideEquip, NOTHING_EQUIPPED, type Cosmetic, type CosmeticSlot, type Equipped } from "../src/season/cosmetics.js";

/** The currency cosmetics are priced in. */
export const COSMETIC_CURRENCY = "coins";
/** The `requested_by` of cosmetic purchases (the idempotency key names the cosmetic and player). */
export const COSMETIC_REQUESTER = "system:cosmetics";
/** The cosmetic granted to the first admitted players. */
export const FOUNDER_COSMETIC = "founder_frame";

type Reader = Database | Transaction;

/** A catalogue entry with the caller's ownership (null without a caller). */
export interface CosmeticView extends Cosmetic {
  readonly owned: boolean | null;
  readonly equipped: boolean | null;
}

const columns = { id: cosmetics.id, name: cosmetics.name, kind: cosmetics.kind, availability: cosmetics.availability, priceCoins: cosmetics.priceCoins, requiredAchievementId: cosmetics.requiredAchievementId };

/**
 * The statements of an unlock and an equip, as constant text (db/statements.ts): Drizzle building
 * them on every request was most of what such a request allocated.
 */
const COSMETIC_COLUMNS = "c.id, c.name, c.kind, c.availability, c.price_coins, c.required_achievement_id";
const S = {
  cosmetic: { name: "cosmetics_one", text: `SELECT ${COSMETIC_COLUMNS} FROM cosmetics c WHERE c.id = $1` },
  ownedBy: { name: "cosmetics_owned_by", text: `SELECT ${COSMETIC_COLUMNS} FROM player_cosmetics pc INNER JOIN cosmetics c ON c.id = pc.cosmetic_id WHERE pc.player_id = $1` },
  equippedOf: { name: "cosmetics_equipped_of", text: "SELECT slot, cosmetic_id FROM equipped_cosmetics WHERE player_id = $1" },
  achievementHeld: { name: "cosmetics_achievement_held", text: "SELECT achievement_id FROM player_achievements WHERE player_id = $1 AND achievement_id = $2" },
  owns: { name: "cosmetics_owns", text: "SELECT cosmetic_id FROM player_cosmetics WHERE player_id = $1 AND cosmetic_id = $2" },
  insertOwnership: { name: "cosmetics_insert_ownership", text: "INSERT INTO player_cosmetics (player_id, cosmetic_id, source) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING player_id" },
  setPurchase: { name: "cosmetics_set_purchase", text: "UPDATE player_cosmetics SET transaction_id = $1 WHERE player_id = $2 AND cosmetic_id = $3" },
  lockEquip: { name: "cosmetics_lock_equip", text: "SELECT pg_advisory_xact_lock(hashtext($1))" },
  emptySlot: { name: "cosmetics_empty_slot", text: "DELETE FROM equipped_cosmetics WHERE player_id = $1 AND slot = $2" },
  fillSlot: {
    name: "cosmetics_fill_slot",
    text: "INSERT INTO equipped_cosmetics (player_id, slot, cosmetic_id) VALUES ($1, $2, $3) ON CONFLICT (player_id, slot) DO UPDATE SET cosmetic_id = excluded.cosmetic_id, updated_at = now()",
  },
} as const satisfies Record<string, Statement>;

/** A row of {@link COSMETIC_COLUMNS}. */
function cosmeticOf(r: readonly unknown[]): Cosmetic {
  return { id: text(r, 0), name: text(r, 1), kind: oneOf(COSMETIC_SLOTS, r, 2), availability: oneOf(COSMETIC_AVAILABILITY, r, 3), priceCoins: int(r, 4), requiredAchievementId: textOrNull(r, 5) };
}

/** The catalogue, by id. */
export async function listCosmetics(db: Reader): Promise<Cosmetic[]> {
  return db.select(columns).from(cosmetics).orderBy(asc(cosmetics.id));
}

/** What a player has equipped (empty slots null). */
export async function equippedOf(db: Reader, playerId: string): Promise<Equipped> {
  const rows = await runStatement(db, S.equippedOf, [playerId]);
  const out: Record<CosmeticSlot, string | null> = { ...NOTHING_EQUIPPED };
  for (const r of rows) out[oneOf(COSMETIC_SLOTS, r, 0)] = text(r, 1);
  return out;
}

/** Several players' equipment, keyed by player id (players with nothing equipped included). */
export async function equippedOfMany(db: Reader, playerIds: readonly string[]): Promise<Map<string, Equipped>> {
  const out = new Map<string, Record<CosmeticSlot, string | null>>(playerIds.map((id) => [id, { ...NOTHING_EQUIPPED }]));
  if (playerIds.length === 0) return out;
  const rows = await db.select().from(equippedCosmetics).where(inArray(equippedCosmetics.playerId, [...playerIds]));
  for (const r of rows) {
    const e = out.get(r.playerId);
    if (e !== undefined) e[r.slot] = r.cosmeticId;
  }
  return out;
}

/** The cosmetics a player owns, by id. */
async function ownedBy(db: Reader, playerId: string): Promise<Map<string, Cosmetic>> {
  const rows = await runStatement(db, S.ownedBy, [playerId]);
  return new Map(rows.map((r) => [text(r, 0), cosmeticOf(r)]));
}

/**
 * The catalogue with one player's ownership and equipment, in one statement prepared once per
 * database handle (a hot read: `GET /api/cosmetics`).
 */
const catalogueForQuery = preparedPerDatabase((db) => {
  const playerId = sql.placeholder("playerId");
  return db
    .select({
      ...columns,
      owned: sql<boolean>`(${playerCosmetics.playerId} IS NOT NULL)`,
      equipped: sql<boolean>`EXISTS (SELECT 1 FROM ${equippedCosmetics} WHERE ${equippedCosmetics.playerId} = ${playerId} AND ${equippedCosmetics.cosmeticId} = ${cosmetics.id})`,
    })
    .from(cosmetics)
    .leftJoin(playerCosmetics, and(eq(playerCosmetics.cosmeticId, cosmetics.id), eq(playerCosmetics.playerId, playerId)))
    .orderBy(asc(cosmetics.id))
    .prepare("season_cosmetics_for");
});

/** The catalogue with `playerId`'s ownership and equipment (null player: both null). */
export async function cosmeticsFor(db: Database, playerId: string | null): Promise<CosmeticView[]> {
  if (playerId === null) return (await listCosmetics(db)).map((c) => ({ ...c, owned: null, equipped: null }));
  return catalogueForQuery(db).execute({ playerId });
}

/** The outcome of {@link unlockCosmetic}. */
export type CosmeticUnlockResult =
  | { readonly ok: true; readonly alreadyOwned: boolean; readonly cosmeticId: string; readonly transactionId: string | null; readonly balance: number | null }
  | Refused;

/**
 * Buys or claims a cosmetic for a player, in one transaction; already owned: nothing changes
 * (`alreadyOwned: true`). Refusals (`not_found`, `cosmetics/not_for_sale`,
 * `cosmetics/requires_achievement`, `wallet/insufficient_funds`) change nothing.
 */
export async function unlockCosmetic(db: Database, playerId: string, cosmeticId: string): Promise<CosmeticUnlockResult> {
  return refusalsAsValues(() =>
    db.transaction(async (tx) => {
      const [row] = await runStatement(tx, S.cosmetic, [cosmeticId]);
      const cosmetic = row === undefined ? undefined : cosmeticOf(row);
      if (cosmetic === undefined) throw new SeasonRejection("not_found", `no cosmetic ${cosmeticId}`);
      const needed = cosmetic.requiredAchievementId;
      const held = needed === null ? [] : await runStatement(tx, S.achievementHeld, [playerId, needed]);
      const achievements = new Set(held.map((h) => text(h, 0)));
      const ownedNow = await runStatement(tx, S.owns, [playerId, cosmeticId]);
      const d = decideCosmeticUnlock(cosmetic, { owned: ownedNow.length > 0, achievements });
      if (!d.ok) throw new SeasonRejection(d.code, d.detail);
      const alreadyOwned = { ok: true as const, alreadyOwned: true, cosmeticId, transactionId: null, balance: null };
      if (d.owned) return alreadyOwned;
      // The ownership row before the money: a concurrent repeat waits on its key, then finds it owned.
      const inserted = await runStatement(tx, S.insertOwnership, [playerId, cosmeticId, d.source]);
      if (inserted.length === 0) return alreadyOwned;
      let transactionId: string | null = null;
      let balance: number | null = null;
      if (d.priceCoins > 0) {
        const paid = await transferIn(tx, {
          kind: "withdrawal",
          currency: COSMETIC_CURRENCY,
          amount: d.priceCoins,
          from: { kind: "player", playerId },
          to: { kind: "system", name: "sink" },
          requestedBy: COSMETIC_REQUESTER,
          idempotencyKey: `cosmetic:${cosmeticId}:${playerId}`,
          reason: `cosmetic ${cosmeticId}`,
        });
        if (!paid.ok) throw new SeasonRejection(paid.code, paid.detail);
        transactionId = paid.transaction.id;
        balance = paid.balance;
        await runStatement(tx, S.setPurchase, [transactionId, playerId, cosmeticId]);
      }
      await appendSeasonEvents(tx, [cosmeticUnlockedEvent(playerId, cosmeticId, d.source, d.priceCoins, transactionId)]);
      return { ok: true as const, alreadyOwned: false, cosmeticId, transactionId, balance };
    }),
  );
}

/**
 * Equips owned cosmetics (slots not named keep theirs; null empties one) and appends
 * `COSMETICS_EQUIPPED` with the whole new set when it changed. Refused with
 * `cosmetics/not_owned` or `cosmetics/wrong_slot`, nothing changed.
 */
export async function equipCosmetics(db: Database, playerId: string, request: Partial<Record<CosmeticSlot, string | null>>): Promise<{ ok: true; equipped: Equipped } | Refused> {
  return refusalsAsValues(() =>
    db.transaction(async (tx) => {
      // Serialize one player's equips (two requests at once must not interleave their rows).
      await runStatement(tx, S.lockEquip, [`equip:${playerId}`]);
      const [current, owned] = await Promise.all([equippedOf(tx, playerId), ownedBy(tx, playerId)]);
      const d = decideEquip(current, request, owned);
      if (!d.ok) throw new SeasonRejection(d.code, d.detail);
      const changed = COSMETIC_SLOTS.some((s) => d.equipped[s] !== current[s]);
      if (!changed) return { ok: true as const, equipped: current };
      for (const slot of COSMETIC_SLOTS) {
        const id = d.equipped[slot];
        if (id === current[slot]) continue;
        if (id === null) await runStatement(tx, S.emptySlot, [playerId, slot]);
        else await runStatement(tx, S.fillSlot, [playerId, slot, id]);
      }
      await appendSeasonEvents(tx, [{ type: "COSMETICS_EQUIPPED", playerId, payload: { _v: 1, ...d.equipped } }]);
      return { ok: true as const, equipped: d.equipped };
    }),
  );
}

/**
 * Grants the cosmetics `itemId` confers (`cosmetics.item_id`) to a player who was just given that
 * item, in the caller's transaction (the inventory's add, db/inventory.ts): an ownership row with
 * `source` `grant` unless already owned. Returns their `COSMETIC_UNLOCKED` for the caller to
 * append. Removing the item later does not take the cosmetic back.
 */
export async function grantItemCosmeticsIn(tx: Transaction, playerId: string, itemId: string): Promise<NewSeasonEvent[]> {
  const conferred = await tx.select({ id: cosmetics.id }).from(cosmetics).where(eq(cosmetics.itemId, itemId));
  const events: NewSeasonEvent[] = [];
  for (const c of conferred) {
    const ins = await tx.insert(playerCosmetics).values({ playerId, cosmeticId: c.id, source: "grant" }).onConflictDoNothing().returning({ playerId: playerCosmetics.playerId });
    if (ins.length > 0) events.push(cosmeticUnlockedEvent(playerId, c.id, "grant", 0, null));
  }
  return events;
}

/**
 * Grants the Founder cosmetic, inside an admission transaction (db/waitlist.ts), to the admitted
 * players in queue order while fewer than `limit` players hold it. The caller holds the log lock
 * (admissions serialize on it), so the count cannot race. Returns who got it.
 */
export async function grantFounders(tx: Transaction, admittedInOrder: readonly string[], limit: number): Promise<string[]> {
  if (limit <= 0 || admittedInOrder.length === 0) return [];
  const [row] = await tx.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(playerCosmetics).where(and(eq(playerCosmetics.cosmeticId, FOUNDER_COSMETIC), eq(playerCosmetics.source, "founder")));
  const room = Math.max(0, limit - (row?.n ?? 0));
  const granted: string[] = [];
  for (const playerId of admittedInOrder.slice(0, room)) {
    const ins = await tx.insert(playerCosmetics).values({ playerId, cosmeticId: FOUNDER_COSMETIC, source: "founder" }).onConflictDoNothing().returning({ playerId: playerCosmetics.playerId });
    if (ins.length > 0) granted.push(playerId);
  }
  await appendSeasonEvents(
    tx,
    granted.map((playerId) => cosmeticUnlockedEvent(playerId, FOUNDER_COSMETIC, "founder", 0, null)),
  );
  return granted;
}

/**
 * Grants a season's cosmetic (docs/LADDER.md, S3), inside the season end's transaction
 * (db/seasonEnd.ts): creates the catalogue entry (a `grant` seat frame, never sold) when it is
 * missing, then gives it to `playerIds` (final rank order) with `source` `grant` and appends
 * `COSMETIC_UNLOCKED` for each new owner. Idempotent: the ownership row's key is (player,
 * `season_<n>_frame`), one per season and player, so a player who already holds it gets no second
 * row and no second event. Returns who got it now.
 */
export async function grantSeasonCosmetic(tx: Transaction, cosmetic: { readonly id: string; readonly name: string }, playerIds: readonly string[]): Promise<string[]> {
  await tx.insert(cosmetics).values({ id: cosmetic.id, name: cosmetic.name, kind: "seat_frame", availability: "grant", priceCoins: 0 }).onConflictDoNothing();
  if (playerIds.length === 0) return [];
  const ins = await tx
    .insert(playerCosmetics)
    .values(playerIds.map((playerId) => ({ playerId, cosmeticId: cosmetic.id, source: "grant" as const })))
    .onConflictDoNothing()
    .returning({ playerId: playerCosmetics.playerId });
  const got = new Set(ins.map((r) => r.playerId));
  const granted = playerIds.filter((p) => got.has(p));
  await appendSeasonEvents(
    tx,
    granted.map((playerId) => cosmeticUnlockedEvent(playerId, cosmetic.id, "grant", 0, null)),
  );
  return granted;
}
