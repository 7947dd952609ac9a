/**
 * Reads what the Season 0 audit compares: the whole `season_events` log and the tables it must
 * fold into (src/season/audit.ts decides).
 */
import type { Database } from "./client.js";
import { allInventories, allItemGrants } from "./inventory.js";
import { equippedCosmetics, playerAchievements, playerCosmetics, players } from "./schema/index.js";
import { readWholeSeasonLog } from "./seasonLog.js";
import { allWaitlist } from "./waitlist.js";
import { allAccounts, transactionCount, unbalancedTransactions } from "./wallet.js";
import { auditSeason, type AuditCheck, type SeasonTables } from "../src/season/audit.js";
import { auditOwnership, type OwnershipTables } from "../src/season/ownershipAudit.js";

/** The tables as the audit compares them. */
export async function readSeasonTables(db: Database): Promise<SeasonTables> {
  return {
    accounts: await allAccounts(db),
    inventories: await allInventories(db),
    waitlist: await allWaitlist(db),
    unbalancedTransactions: await unbalancedTransactions(db),
    transactionCount: await transactionCount(db),
    players: new Set((await db.select({ id: players.id }).from(players)).map((r) => r.id)),
  };
}

/** The achievement and cosmetic tables as the ownership checks compare them. */
export async function readOwnershipTables(db: Database, players: ReadonlySet<string>): Promise<OwnershipTables> {
  return {
    unlocks: await db
      .select({ playerId: playerAchievements.playerId, achievementId: playerAchievements.achievementId, gameId: playerAchievements.gameId, transactionId: playerAchievements.transactionId })
      .from(playerAchievements),
    itemGrants: await allItemGrants(db),
    owned: await db.select({ playerId: playerCosmetics.playerId, cosmeticId: playerCosmetics.cosmeticId, source: playerCosmetics.source }).from(playerCosmetics),
    equipped: await db.select({ playerId: equippedCosmetics.playerId, slot: equippedCosmetics.slot, cosmeticId: equippedCosmetics.cosmeticId }).from(equippedCosmetics),
    players,
  };
}

/** Runs the audit against a database. Read the log first: state written later is not in it. */
export async function runSeasonAudit(db: Database): Promise<AuditCheck[]> {
  // Tables and log are read in one repeatable-read snapshot, so a write landing between the
  // two reads cannot look like a breach.
  return db.transaction(
    async (tx) => {
      const log = await readWholeSeasonLog(tx);
      const tables = await readSeasonTables(tx);
      const ownership = await readOwnershipTables(tx, tables.players);
      return [...auditSeason(log.events, log.errors, tables), ...auditOwnership(log.events, ownership)];
    },
    { isolationLevel: "repeatable read", accessMode: "read only" },
  );
}
