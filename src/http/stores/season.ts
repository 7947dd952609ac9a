/**
 * The Season 0 repositories (db/), bound to one database: what the season routes call.
 */
import type { Database } from "../../../db/client.js";
import { achievementsFor, getAchievement, putAchievement, unlockExplicitly } from "../../../db/achievements.js";
import { cosmeticsFor, equipCosmetics, equippedOf, grantFounders, unlockCosmetic } from "../../../db/cosmetics.js";
import { addItem, applyInventory, inventoryOf, listItems } from "../../../db/inventory.js";
import { preferencesOf, setPreferences } from "../../../db/preferences.js";
import { readSeasonEvents, seasonLogHorizon, type SeasonEventQuery } from "../../../db/seasonLog.js";
import { advanceWaitlist, joinWaitlist, listWaitlist, removeFromWaitlist, waitlistEntry, waitlistOfPlayer } from "../../../db/waitlist.js";
import { balancesOf, transactionsOf, transfer } from "../../../db/wallet.js";

/** Binds every Season 0 repository function to `db`. */
export function createSeasonStore(db: Database, options: { readonly founderLimit: number } = { founderLimit: 0 }) {
  return {
    joinWaitlist: (playerId: string) => joinWaitlist(db, playerId),
    waitlistOfPlayer: (playerId: string) => waitlistOfPlayer(db, playerId),
    waitlistEntry: (id: string) => waitlistEntry(db, id),
    listWaitlist: (opts: Parameters<typeof listWaitlist>[1]) => listWaitlist(db, opts),
    removeFromWaitlist: (id: string, isSeated: (playerId: string) => Promise<boolean>) => removeFromWaitlist(db, id, isSeated),
    advanceWaitlist: (n: number, to: "invited" | "admitted") => advanceWaitlist(db, n, to, (tx, admitted) => grantFounders(tx, admitted, options.founderLimit)),
    transfer: (req: Parameters<typeof transfer>[1]) => transfer(db, req),
    balancesOf: (playerId: string) => balancesOf(db, playerId),
    transactionsOf: (playerId: string, opts: Parameters<typeof transactionsOf>[2]) => transactionsOf(db, playerId, opts),
    listItems: () => listItems(db),
    addItem: (item: Parameters<typeof addItem>[1]) => addItem(db, item),
    inventoryOf: (playerId: string) => inventoryOf(db, playerId),
    applyInventory: (cmd: Parameters<typeof applyInventory>[1]) => applyInventory(db, cmd),
    preferencesOf: (userId: string) => preferencesOf(db, userId),
    setPreferences: (userId: string, playerId: string, prefs: Parameters<typeof setPreferences>[3]) => setPreferences(db, userId, playerId, prefs),
    readEvents: (q: SeasonEventQuery) => readSeasonEvents(db, q),
    /** The `seq` a reader may read up to now (null if `signal` fired while waiting). */
    horizon: (signal?: AbortSignal) => seasonLogHorizon(db, signal === undefined ? {} : { signal }),
    achievementsFor: (playerId: string | null) => achievementsFor(db, playerId),
    getAchievement: (id: string) => getAchievement(db, id),
    putAchievement: (def: Parameters<typeof putAchievement>[1]) => putAchievement(db, def),
    cosmeticsFor: (playerId: string | null) => cosmeticsFor(db, playerId),
    unlockCosmetic: (playerId: string, cosmeticId: string) => unlockCosmetic(db, playerId, cosmeticId),
    equipCosmetics: (playerId: string, request: Parameters<typeof equipCosmetics>[2]) => equipCosmetics(db, playerId, request),
    equippedOf: (playerId: string) => equippedOf(db, playerId),
    unlockAchievement: (req: Parameters<typeof unlockExplicitly>[1]) => unlockExplicitly(db, req),
  };
}

/** The Season 0 store. */
export type SeasonStore = ReturnType<typeof createSeasonStore>;
