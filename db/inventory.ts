/**
 * Inventories on `items`, `inventory` (one row per player: the version, i.e. the ETag) and
 * `inventory_items` (holdings). A write locks the player's inventory row, lets the pure rules
 * decide against the version the caller read (`If-Match`), and applies the holdings, the new
 * version and the events in one transaction. Concurrent writes with the same `If-Match` queue
 * on the row lock; the first moves the version on, so every other one is a version conflict.
 */
import { and, asc, eq, sql, type Placeholder } from "drizzle-orm";
import { preparedPerDatabase } from "./prepared.js";
import type { Database, Transaction } from "./client.js";
import { appendSeasonEvents } from "./seasonLog.js";
import { refusalsAsValues, SeasonRejection, type Refused } from "./seasonErrors.js";
import { grantItemCosmeticsIn } from "./cosmetics.js";
import { inventory, inventoryGrants, inventoryItems, items } from "./schema/index.js";
import { decideInventory, type InventoryCommand } from "../src/season/inventory.js";
import type { NewSeasonEvent } from "../src/season/events.js";

/** A catalogue item. */
export interface ItemView {
  readonly id: string;
  readonly name: string;
  readonly kind: string;
}

/** A player's inventory as the API shows it. */
export interface InventoryView {
  readonly playerId: string;
  readonly version: number;
  readonly items: (ItemView & { readonly quantity: number })[];
}

const catalogueQuery = preparedPerDatabase((db) => db.select({ id: items.id, name: items.name, kind: items.kind }).from(items).orderBy(asc(items.id)).prepare("season_items"));

/** The catalogue. */
export async function listItems(db: Database): Promise<ItemView[]> {
  return catalogueQuery(db).execute();
}

/** Adds a catalogue item; false when the id exists. */
export async function addItem(db: Database, item: ItemView): Promise<boolean> {
  const rows = await db.insert(items).values(item).onConflictDoNothing().returning({ id: items.id });
  return rows.length > 0;
}

function inventoryQuery(db: Database | Transaction, playerId: string | Placeholder) {
  return db
    .select({ version: inventory.version, id: items.id, name: items.name, kind: items.kind, quantity: inventoryItems.quantity })
    .from(sql`(SELECT 1) AS one`)
    .leftJoin(inventory, eq(inventory.playerId, playerId))
    .leftJoin(inventoryItems, eq(inventoryItems.playerId, playerId))
    .leftJoin(items, eq(items.id, inventoryItems.itemId))
    .orderBy(asc(items.id));
}

const preparedInventory = preparedPerDatabase((db) => inventoryQuery(db, sql.placeholder("playerId")).prepare("season_inventory_of"));

type InventoryRow = Awaited<ReturnType<typeof inventoryQuery>>[number];

function toInventory(playerId: string, rows: readonly InventoryRow[]): InventoryView {
  const held: InventoryView["items"] = [];
  for (const r of rows) if (r.id !== null && r.name !== null && r.kind !== null && r.quantity !== null) held.push({ id: r.id, name: r.name, kind: r.kind, quantity: r.quantity });
  return { playerId, version: rows[0]?.version ?? 0, items: held };
}

/**
 * A player's inventory (version 0 and nothing held when it never had a write): the version and
 * the holdings in one statement, so they come from one snapshot (the version is the ETag).
 */
export async function inventoryOf(db: Database, playerId: string): Promise<InventoryView> {
  return toInventory(playerId, await preparedInventory(db).execute({ playerId }));
}

/** An inventory write as applied: `expectedVersion` "current" (a system grant) takes the version it finds under the lock. */
type AppliedCommand = Omit<InventoryCommand, "expectedVersion"> & { readonly expectedVersion: number | "current" };

/**
 * Applies a write under the inventory's row lock and appends its events (`ITEM_ADDED` /
 * `ITEM_REMOVED`, then `INVENTORY_UPDATED`). An add of an item that confers a cosmetic also grants
 * the cosmetic; its `COSMETIC_UNLOCKED` is returned in `deferred` for the caller to append (an
 * achievement reward appends it after its `ACHIEVEMENT_UNLOCKED`).
 */
async function applyLockedIn(tx: Transaction, cmd: AppliedCommand): Promise<{ deferred: NewSeasonEvent[] }> {
  const [item] = await tx.select({ id: items.id }).from(items).where(eq(items.id, cmd.itemId));
  if (item === undefined) throw new SeasonRejection("inventory/unknown_item", `no item ${cmd.itemId}`);
  await tx.insert(inventory).values({ playerId: cmd.playerId, version: 0 }).onConflictDoNothing();
  const [head] = await tx.select({ version: inventory.version }).from(inventory).where(eq(inventory.playerId, cmd.playerId)).for("update");
  if (head === undefined) throw new Error(`inventory row of ${cmd.playerId} vanished`);
  const rows = await tx.select({ itemId: inventoryItems.itemId, quantity: inventoryItems.quantity }).from(inventoryItems).where(eq(inventoryItems.playerId, cmd.playerId));
  const d = decideInventory({ version: head.version, held: new Map(rows.map((r) => [r.itemId, r.quantity])) }, { ...cmd, expectedVersion: cmd.expectedVersion === "current" ? head.version : cmd.expectedVersion });
  if (!d.ok) throw new SeasonRejection(d.code);
  await tx.update(inventory).set({ version: d.version, updatedAt: new Date() }).where(eq(inventory.playerId, cmd.playerId));
  if (d.held === 0) {
    await tx.delete(inventoryItems).where(and(eq(inventoryItems.playerId, cmd.playerId), eq(inventoryItems.itemId, cmd.itemId)));
  } else {
    await tx
      .insert(inventoryItems)
      .values({ playerId: cmd.playerId, itemId: cmd.itemId, quantity: d.held })
      .onConflictDoUpdate({ target: [inventoryItems.playerId, inventoryItems.itemId], set: { quantity: d.held } });
  }
  await appendSeasonEvents(tx, d.events);
  return { deferred: cmd.kind === "add" ? await grantItemCosmeticsIn(tx, cmd.playerId, cmd.itemId) : [] };
}

async function applyIn(tx: Transaction, cmd: InventoryCommand): Promise<{ ok: true; inventory: InventoryView }> {
  const { deferred } = await applyLockedIn(tx, cmd);
  await appendSeasonEvents(tx, deferred);
  return { ok: true, inventory: toInventory(cmd.playerId, await inventoryQuery(tx, cmd.playerId)) };
}

/** Applies an add or remove, or says why not (changing nothing). */
export async function applyInventory(db: Database, cmd: InventoryCommand): Promise<{ ok: true; inventory: InventoryView } | Refused> {
  return refusalsAsValues(() => db.transaction((tx) => applyIn(tx, cmd)));
}

/** A system grant of items (an achievement's item reward), once per idempotency key. */
export interface ItemGrant {
  readonly playerId: string;
  readonly itemId: string;
  readonly quantity: number;
  readonly idempotencyKey: string;
}

/**
 * Adds a grant's items in the caller's transaction through the inventory's write path (its row
 * lock, the rules, `ITEM_ADDED` and `INVENTORY_UPDATED`), at whatever version the inventory has:
 * a grant is the system's, not a client's read-modify-write. The key's row in
 * `inventory_grants` is inserted first: a concurrent repeat waits on it, then finds it and adds
 * nothing (`granted: false`). `deferred` holds the `COSMETIC_UNLOCKED` of a cosmetic the item
 * confers, for the caller to append. Throws `SeasonRejection` (`inventory/unknown_item`,
 * `inventory/overflow`).
 */
export async function grantItemsIn(tx: Transaction, grant: ItemGrant): Promise<{ granted: boolean; deferred: NewSeasonEvent[] }> {
  const claimed = await tx
    .insert(inventoryGrants)
    .values({ idempotencyKey: grant.idempotencyKey, playerId: grant.playerId, itemId: grant.itemId, quantity: grant.quantity })
    .onConflictDoNothing()
    .returning({ key: inventoryGrants.idempotencyKey });
  if (claimed.length === 0) return { granted: false, deferred: [] };
  const { deferred } = await applyLockedIn(tx, { kind: "add", playerId: grant.playerId, itemId: grant.itemId, quantity: grant.quantity, expectedVersion: "current" });
  return { granted: true, deferred };
}

/** Every system grant (for the audit). */
export async function allItemGrants(db: Database | Transaction): Promise<ItemGrant[]> {
  return db.select({ idempotencyKey: inventoryGrants.idempotencyKey, playerId: inventoryGrants.playerId, itemId: inventoryGrants.itemId, quantity: inventoryGrants.quantity }).from(inventoryGrants);
}

/** Every inventory with holdings, for the audit. */
export async function allInventories(db: Database): Promise<{ playerId: string; version: number; held: Map<string, number> }[]> {
  const heads = await db.select().from(inventory);
  const held = await db.select().from(inventoryItems);
  const byPlayer = new Map(heads.map((h) => [h.playerId, { playerId: h.playerId, version: h.version, held: new Map<string, number>() }]));
  for (const r of held) byPlayer.get(r.playerId)?.held.set(r.itemId, r.quantity);
  // A row created by a refused write's first step never commits; version 0 rows are untouched inventories.
  return [...byPlayer.values()].filter((i) => i.version > 0 || i.held.size > 0);
}
