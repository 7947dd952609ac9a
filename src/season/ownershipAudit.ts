/**
 * The Season 0 audit's checks of achievements and ownership (pure): the unlock rows against
 * `ACHIEVEMENT_UNLOCKED`, each unlock's rewards (coins, items) against the log and the tables,
 * and owned and equipped cosmetics against the fold of `COSMETIC_UNLOCKED` and
 * `COSMETICS_EQUIPPED`. db/seasonAudit.ts reads the tables; `npm run season:audit` prints these
 * checks beside the ledger's (src/season/audit.ts).
 */
import type { AuditCheck } from "./audit.js";
import { COSMETIC_SLOTS, type CosmeticSlot } from "./cosmetics.js";
import { accountKey, type SeasonEvent } from "./events.js";

/** The achievement and cosmetic tables as the audit compares them. */
export interface OwnershipTables {
  /** `player_achievements`. */
  readonly unlocks: readonly { readonly playerId: string; readonly achievementId: string; readonly gameId: string | null; readonly transactionId: string | null }[];
  /** `inventory_grants`: items the system gave (achievement item rewards). */
  readonly itemGrants: readonly { readonly idempotencyKey: string; readonly playerId: string; readonly itemId: string; readonly quantity: number }[];
  /** `player_cosmetics`. */
  readonly owned: readonly { readonly playerId: string; readonly cosmeticId: string; readonly source: string }[];
  /** `equipped_cosmetics`: one row per filled slot. */
  readonly equipped: readonly { readonly playerId: string; readonly slot: CosmeticSlot; readonly cosmeticId: string }[];
  /** Players that exist (a deleted player's rows go with it; its events stay). */
  readonly players: ReadonlySet<string>;
}

type Unlocked = Extract<SeasonEvent, { type: "ACHIEVEMENT_UNLOCKED" }>;
type Completed = Extract<SeasonEvent, { type: "TRANSACTION_COMPLETED" }>;

/** What the log says about ownership, folded in `seq` order. */
interface OwnershipFold {
  /** `player|achievement` -> its ACHIEVEMENT_UNLOCKED events. */
  readonly unlocks: Map<string, Unlocked[]>;
  /** transaction id -> its TRANSACTION_COMPLETED. */
  readonly transactions: Map<string, Completed>;
  /** Each player's events in order (for "right before" checks). */
  readonly byPlayer: Map<string, SeasonEvent[]>;
  /** `player|cosmetic` -> source of its first COSMETIC_UNLOCKED. */
  readonly owned: Map<string, string>;
  /** player -> equipped set after its last COSMETICS_EQUIPPED. */
  readonly equipped: Map<string, Record<CosmeticSlot, string | null>>;
  readonly errors: string[];
}

const pairKey = (playerId: string, id: string): string => `${playerId}|${id}`;

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list === undefined) m.set(k, [v]);
  else list.push(v);
}

/** Folds the ownership facts of the log (events in `seq` order). */
function foldOwnership(events: readonly SeasonEvent[]): OwnershipFold {
  const fold: OwnershipFold = { unlocks: new Map(), transactions: new Map(), byPlayer: new Map(), owned: new Map(), equipped: new Map(), errors: [] };
  for (const e of events) {
    if (e.playerId !== null) push(fold.byPlayer, e.playerId, e);
    switch (e.type) {
      case "ACHIEVEMENT_UNLOCKED":
        if (e.playerId === null) fold.errors.push(`seq ${e.seq}: ACHIEVEMENT_UNLOCKED without a player`);
        else push(fold.unlocks, pairKey(e.playerId, e.payload.achievementId), e);
        break;
      case "TRANSACTION_COMPLETED":
        fold.transactions.set(e.payload.transactionId, e);
        break;
      case "COSMETIC_UNLOCKED": {
        if (e.playerId === null) {
          fold.errors.push(`seq ${e.seq}: COSMETIC_UNLOCKED without a player`);
          break;
        }
        const k = pairKey(e.playerId, e.payload.cosmeticId);
        if (fold.owned.has(k)) fold.errors.push(`seq ${e.seq}: ${e.payload.cosmeticId} unlocked again for ${e.playerId}`);
        else fold.owned.set(k, e.payload.source);
        break;
      }
      case "COSMETICS_EQUIPPED": {
        if (e.playerId === null) {
          fold.errors.push(`seq ${e.seq}: COSMETICS_EQUIPPED without a player`);
          break;
        }
        const set = { card_back: e.payload.card_back, seat_frame: e.payload.seat_frame, table_felt: e.payload.table_felt };
        for (const slot of COSMETIC_SLOTS) {
          const id = set[slot];
          if (id !== null && !fold.owned.has(pairKey(e.playerId, id))) fold.errors.push(`seq ${e.seq}: ${e.playerId} equipped ${id} (${slot}) without owning it per the log`);
        }
        fold.equipped.set(e.playerId, set);
        break;
      }
      case "SEASON0_JOINED":
      case "USER_REGISTERED":
      case "USER_LOGGED_IN":
      case "USER_PREFERENCES_UPDATED":
      case "WAITLIST_ADDED":
      case "WAITLIST_REMOVED":
      case "WAITLIST_STATUS_UPDATED":
      case "ITEM_ADDED":
      case "ITEM_REMOVED":
      case "INVENTORY_UPDATED":
      case "CURRENCY_DEPOSITED":
      case "CURRENCY_WITHDRAWN":
      case "GAME_CREATED":
      case "GAME_JOINED":
      case "GAME_STARTED":
      case "GAME_LEFT":
      case "LEADERBOARD_UPDATED":
      case "LEADERBOARD_RESET":
        // No ownership of their own (balances and inventories are src/season/audit.ts's).
        break;
    }
  }
  return fold;
}

/** Breaches of one unlock's coin reward: the row's transaction is the event's, and the log moved exactly `rewardCoins` from `rewards` to the player. */
function coinRewardBreaches(e: Unlocked, rowTransactionId: string | null | undefined, transactions: ReadonlyMap<string, Completed>): string[] {
  const who = `${e.playerId ?? "?"}|${e.payload.achievementId}`;
  const out: string[] = [];
  if (rowTransactionId !== undefined && rowTransactionId !== e.payload.transactionId) out.push(`${who}: unlock row transaction ${rowTransactionId ?? "none"}, event ${e.payload.transactionId ?? "none"}`);
  const txId = e.payload.transactionId;
  if (e.payload.rewardCoins === 0) {
    if (txId !== null) out.push(`${who}: no coin reward but transaction ${txId}`);
    return out;
  }
  const t = txId === null ? undefined : transactions.get(txId);
  if (t === undefined) return [...out, `${who}: reward of ${e.payload.rewardCoins} coins has no TRANSACTION_COMPLETED ${txId ?? "(none named)"}`];
  const legs = new Map(t.payload.postings.map((p) => [accountKey(p.account), p.amount]));
  const paid = t.payload.amount === e.payload.rewardCoins && legs.get("system:rewards") === -e.payload.rewardCoins && legs.get(`player:${e.playerId ?? "?"}`) === e.payload.rewardCoins;
  if (!paid) out.push(`${who}: transaction ${t.payload.transactionId} moves ${t.payload.amount} (${[...legs].map(([k, v]) => `${k} ${v}`).join(", ")}), not ${e.payload.rewardCoins} rewards -> player`);
  return out;
}

/** Breaches of one unlock's item reward: ITEM_ADDED and INVENTORY_UPDATED right before it among the player's events of its transaction, and its grant row. */
function itemRewardBreaches(e: Unlocked, mine: readonly SeasonEvent[], grants: Map<string, OwnershipTables["itemGrants"][number][]>): string[] {
  const itemId = e.payload.rewardItemId ?? null;
  const quantity = e.payload.rewardQuantity ?? 0;
  if (itemId === null) return [];
  const who = `${e.playerId ?? "?"}|${e.payload.achievementId}`;
  const out: string[] = [];
  // The unlock's own transaction: its rows share `created_at` (the transaction's start), while
  // another transaction's rows for the same player may draw a `seq` in between.
  const sameTx = mine.filter((x) => x.createdAt === e.createdAt);
  const at = sameTx.findIndex((x) => x.seq === e.seq);
  const [added, updated] = at < 2 ? [undefined, undefined] : [sameTx[at - 2], sameTx[at - 1]];
  const ok = added?.type === "ITEM_ADDED" && added.payload.itemId === itemId && added.payload.quantity === quantity && updated?.type === "INVENTORY_UPDATED";
  if (!ok) out.push(`${who}: item reward ${quantity} x ${itemId} is not ITEM_ADDED and INVENTORY_UPDATED right before seq ${e.seq}`);
  const rows = grants.get(`${e.payload.achievementId}:${e.playerId ?? "?"}`) ?? [];
  const row = rows.shift();
  if (row === undefined) out.push(`${who}: item reward ${quantity} x ${itemId} has no inventory_grants row`);
  else if (row.itemId !== itemId || row.quantity !== quantity) out.push(`${who}: inventory_grants ${row.idempotencyKey} is ${row.quantity} x ${row.itemId}, the event ${quantity} x ${itemId}`);
  return out;
}

/** Grant rows keyed by the achievement and player their key ends with (`achievement:<source>:<achievement>:<player>`). */
function grantsByUnlock(rows: OwnershipTables["itemGrants"]): { byUnlock: Map<string, OwnershipTables["itemGrants"][number][]>; stray: string[] } {
  const byUnlock = new Map<string, OwnershipTables["itemGrants"][number][]>();
  const stray: string[] = [];
  for (const g of rows) {
    const m = /^achievement:.+:([^:]+):([^:]+)$/.exec(g.idempotencyKey);
    if (m === null || m[2] !== g.playerId) stray.push(`inventory_grants ${g.idempotencyKey}: not an achievement reward key of ${g.playerId}`);
    else push(byUnlock, `${m[1] ?? ""}:${g.playerId}`, g);
  }
  return { byUnlock, stray };
}

function unlockChecks(fold: OwnershipFold, tables: OwnershipTables): AuditCheck[] {
  const rows = new Map(tables.unlocks.map((u) => [pairKey(u.playerId, u.achievementId), u] as const));
  const live = [...fold.unlocks].filter(([k]) => tables.players.has(k.split("|")[0] ?? ""));
  const eventBreaches: string[] = [];
  for (const [k, evs] of live) {
    if (evs.length !== 1) eventBreaches.push(`${k}: ${evs.length} ACHIEVEMENT_UNLOCKED events (seq ${evs.map((e) => e.seq).join(", ")})`);
    if (!rows.has(k)) eventBreaches.push(`${k}: ACHIEVEMENT_UNLOCKED without an unlock row`);
  }
  for (const [k, row] of rows) {
    const evs = fold.unlocks.get(k);
    if (evs === undefined) eventBreaches.push(`${k}: unlock row without an ACHIEVEMENT_UNLOCKED`);
    else if (row.gameId !== null && evs.some((e) => e.payload.gameId !== row.gameId)) eventBreaches.push(`${k}: unlock row game ${row.gameId}, event game ${evs.map((e) => e.payload.gameId ?? "none").join(", ")}`);
  }
  const { byUnlock, stray } = grantsByUnlock(tables.itemGrants.filter((g) => tables.players.has(g.playerId)));
  const rewardBreaches: string[] = [...stray];
  let rewards = 0;
  for (const [k, evs] of live) {
    for (const e of evs) {
      rewards += 1;
      rewardBreaches.push(...coinRewardBreaches(e, rows.get(k)?.transactionId, fold.transactions));
      rewardBreaches.push(...itemRewardBreaches(e, fold.byPlayer.get(e.playerId ?? "") ?? [], byUnlock));
    }
  }
  for (const left of byUnlock.values()) for (const g of left) rewardBreaches.push(`inventory_grants ${g.idempotencyKey}: ${g.quantity} x ${g.itemId} without an ACHIEVEMENT_UNLOCKED naming it`);
  return [
    { name: "every achievement unlock row has exactly one ACHIEVEMENT_UNLOCKED, and every event its row", checked: new Set([...rows.keys(), ...live.map(([k]) => k)]).size, breaches: eventBreaches },
    { name: "every achievement reward (coin transfer, item grant) matches the log", checked: rewards + tables.itemGrants.length, breaches: rewardBreaches },
  ];
}

function cosmeticChecks(fold: OwnershipFold, tables: OwnershipTables): AuditCheck[] {
  const tableOwned = new Map(tables.owned.map((o) => [pairKey(o.playerId, o.cosmeticId), o.source] as const));
  const foldOwned = new Map([...fold.owned].filter(([k]) => tables.players.has(k.split("|")[0] ?? "")));
  const ownedBreaches: string[] = [];
  for (const k of new Set([...tableOwned.keys(), ...foldOwned.keys()])) {
    const [a, b] = [tableOwned.get(k), foldOwned.get(k)];
    if (a !== b) ownedBreaches.push(`${k}: table ${a ?? "not owned"}, log ${b ?? "not owned"}`);
  }
  const tableEquipped = new Map<string, string>(tables.equipped.map((r) => [`${r.playerId}|${r.slot}`, r.cosmeticId]));
  const foldEquipped = new Map<string, string>();
  for (const [playerId, set] of fold.equipped) {
    if (!tables.players.has(playerId)) continue;
    for (const slot of COSMETIC_SLOTS) {
      const id = set[slot];
      if (id !== null) foldEquipped.set(`${playerId}|${slot}`, id);
    }
  }
  const equippedBreaches: string[] = [...fold.errors];
  for (const k of new Set([...tableEquipped.keys(), ...foldEquipped.keys()])) {
    const [a, b] = [tableEquipped.get(k), foldEquipped.get(k)];
    if (a !== b) equippedBreaches.push(`${k}: table ${a ?? "empty"}, log ${b ?? "empty"}`);
    const [playerId] = k.split("|");
    if (a !== undefined && !foldOwned.has(pairKey(playerId ?? "", a))) equippedBreaches.push(`${k}: ${a} is equipped but not owned per the log`);
  }
  return [
    { name: "owned cosmetics (and how they were obtained) equal the fold of COSMETIC_UNLOCKED", checked: new Set([...tableOwned.keys(), ...foldOwned.keys()]).size, breaches: ownedBreaches },
    { name: "equipped cosmetics equal the fold of COSMETICS_EQUIPPED and are owned per the log", checked: tableEquipped.size + fold.equipped.size, breaches: equippedBreaches },
  ];
}

/** The achievement and ownership checks, on the whole log (in `seq` order) and the tables. */
export function auditOwnership(events: readonly SeasonEvent[], tables: OwnershipTables): AuditCheck[] {
  const fold = foldOwnership(events);
  return [...unlockChecks(fold, tables), ...cosmeticChecks(fold, tables)];
}
