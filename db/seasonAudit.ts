/**
 * Reads what the Season 0 audit compares: the whole `season_events` log and the tables it must
 * fold into (src/season/audit.ts decides).
 */
import type { Database } from "./client.js";
import { allInventories } from "./inventory.js";
import { players } from "./schema/index.js";
import { readWholeSeasonLog } from "./seasonLog.js";
import { allWaitlist } from "./waitlist.js";
import { allAccounts, transactionCount, unbalancedTransactions } from "./wallet.js";
import { auditSeason, type AuditCheck, type SeasonTables } from "../src/season/audit.js";

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

/** Runs the audit against a database. Read the log first: state written later is not in it. */
export async function runSeasonAudit(db: Database): Promise<AuditCheck[]> {
  // Tables and log are read in one repeatable-read snapshot, so a write landing between the
  // two reads cannot look like a breach.
  return db.transaction(
    async (tx) => {
      const log = await readWholeSeasonLog(tx);
      const tables = await readSeasonTables(tx);
      return auditSeason(log.events, log.errors, tables);
    },
    { isolationLevel: "repeatable read", accessMode: "read only" },
  );
}
