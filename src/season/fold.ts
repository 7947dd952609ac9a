/**
 * Folds the Season 0 event log into the state the tables hold: every account's balance, every
 * inventory (version and holdings) and every waitlist entry. The log is the source the tables
 * must agree with (`npm run season:audit`, and the property tests).
 */
import { accountKey, type SeasonEvent, type NewSeasonEvent } from "./events.js";
import type { WaitlistEntryState } from "./waitlist.js";

/** One inventory in the fold. */
export interface FoldedInventory {
  readonly version: number;
  readonly held: Map<string, number>;
}

/** The folded Season 0 state. */
export interface SeasonFold {
  /** `<currency>|player:<id>` or `<currency>|system:<name>` -> balance. */
  readonly balances: Map<string, number>;
  /** player id -> inventory. */
  readonly inventories: Map<string, FoldedInventory>;
  /** waitlist entry id -> entry. */
  readonly waitlist: Map<string, WaitlistEntryState>;
  /** Events that do not fit the state before them (a broken log). */
  readonly errors: string[];
}

/** The balance key of an account of a currency. */
export function balanceKey(currency: string, account: string): string {
  return `${currency}|${account}`;
}

/** An empty fold. */
export function emptyFold(): SeasonFold {
  return { balances: new Map(), inventories: new Map(), waitlist: new Map(), errors: [] };
}

function inventoryOf(fold: SeasonFold, playerId: string): FoldedInventory {
  let inv = fold.inventories.get(playerId);
  if (inv === undefined) {
    inv = { version: 0, held: new Map() };
    fold.inventories.set(playerId, inv);
  }
  return inv;
}

/** Applies one event to `fold` (mutating it, for speed over long logs). */
export function foldEvent(fold: SeasonFold, e: NewSeasonEvent & { readonly seq?: number }): void {
  const at = `seq ${e.seq ?? "?"}`;
  switch (e.type) {
    case "TRANSACTION_COMPLETED": {
      let sum = 0;
      for (const p of e.payload.postings) {
        const k = balanceKey(e.payload.currency, accountKey(p.account));
        fold.balances.set(k, (fold.balances.get(k) ?? 0) + p.amount);
        sum += p.amount;
      }
      if (sum !== 0) fold.errors.push(`${at}: transaction ${e.payload.transactionId} postings sum to ${sum}`);
      return;
    }
    case "ITEM_ADDED":
    case "ITEM_REMOVED": {
      if (e.playerId === null) {
        fold.errors.push(`${at}: ${e.type} without a player`);
        return;
      }
      const inv = inventoryOf(fold, e.playerId);
      if (e.payload.held === 0) inv.held.delete(e.payload.itemId);
      else inv.held.set(e.payload.itemId, e.payload.held);
      return;
    }
    case "INVENTORY_UPDATED": {
      if (e.playerId === null) {
        fold.errors.push(`${at}: INVENTORY_UPDATED without a player`);
        return;
      }
      const inv = inventoryOf(fold, e.playerId);
      fold.inventories.set(e.playerId, { version: e.payload.version, held: inv.held });
      return;
    }
    case "WAITLIST_ADDED": {
      if (e.playerId === null) {
        fold.errors.push(`${at}: WAITLIST_ADDED without a player`);
        return;
      }
      fold.waitlist.set(e.payload.waitlistId, { id: e.payload.waitlistId, playerId: e.playerId, queueSeq: e.payload.queueSeq, status: "waiting" });
      return;
    }
    case "WAITLIST_STATUS_UPDATED":
    case "WAITLIST_REMOVED": {
      const entry = fold.waitlist.get(e.payload.waitlistId);
      if (entry === undefined || entry.status !== e.payload.from) {
        fold.errors.push(`${at}: ${e.type} of ${e.payload.waitlistId} from ${e.payload.from}, but the entry is ${entry?.status ?? "absent"}`);
        return;
      }
      fold.waitlist.set(entry.id, { ...entry, status: e.type === "WAITLIST_REMOVED" ? "removed" : e.payload.to });
      return;
    }
    case "SEASON0_JOINED":
    case "USER_REGISTERED":
    case "USER_LOGGED_IN":
    case "USER_PREFERENCES_UPDATED":
    case "CURRENCY_DEPOSITED":
    case "CURRENCY_WITHDRAWN":
    case "ACHIEVEMENT_UNLOCKED":
    case "COSMETIC_UNLOCKED":
    case "COSMETICS_EQUIPPED":
    case "GAME_CREATED":
    case "GAME_JOINED":
    case "GAME_STARTED":
    case "GAME_LEFT":
    case "LEADERBOARD_UPDATED":
    case "LEADERBOARD_RESET":
      // Facts with no state of their own here (balances follow TRANSACTION_COMPLETED).
      return;
  }
}

/** Folds a whole log. */
export function foldSeasonEvents(events: Iterable<SeasonEvent | NewSeasonEvent>): SeasonFold {
  const fold = emptyFold();
  for (const e of events) foldEvent(fold, e);
  return fold;
}
