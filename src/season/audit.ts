/**
 * The Season 0 audit (pure): compares the tables with the fold of `season_events` and checks
 * the ledger's invariants. `npm run season:audit` reads both and prints every check.
 */
import { foldSeasonEvents, type SeasonFold } from "./fold.js";
import type { SeasonEvent } from "./events.js";
import { waitingPositions, type WaitlistEntryState } from "./waitlist.js";

/** What the tables hold, as the audit compares it. */
export interface SeasonTables {
  /** Accounts: currency, account key (`player:<id>` / `system:<name>`), balance. */
  readonly accounts: readonly { readonly currency: string; readonly account: string; readonly balance: number }[];
  /** Inventories: player, version, holdings. */
  readonly inventories: readonly { readonly playerId: string; readonly version: number; readonly held: ReadonlyMap<string, number> }[];
  /** Waitlist entries with the position the database computes (null unless waiting). */
  readonly waitlist: readonly (WaitlistEntryState & { readonly position: number | null })[];
  /** Transactions whose postings are not two summing to 0 (the database's own check). */
  readonly unbalancedTransactions: readonly string[];
  /** How many transactions there are. */
  readonly transactionCount: number;
  /**
   * Players that exist. A deleted player's waitlist entry and inventory go with it (ON DELETE
   * CASCADE) while its events stay, so the fold's entries for other players are not compared.
   */
  readonly players: ReadonlySet<string>;
}

/** One audit check. */
export interface AuditCheck {
  readonly name: string;
  /** How many things it looked at. */
  readonly checked: number;
  readonly breaches: readonly string[];
}

function diffMaps<V>(name: string, table: ReadonlyMap<string, V>, fold: ReadonlyMap<string, V>, eq: (a: V, b: V) => boolean, show: (v: V | undefined) => string): AuditCheck {
  const breaches: string[] = [];
  const keys = new Set([...table.keys(), ...fold.keys()]);
  for (const k of keys) {
    const a = table.get(k);
    const b = fold.get(k);
    if (a === undefined || b === undefined || !eq(a, b)) breaches.push(`${k}: table ${show(a)}, log ${show(b)}`);
  }
  return { name, checked: keys.size, breaches };
}

const heldText = (h: ReadonlyMap<string, number>): string => JSON.stringify([...h.entries()].sort(([a], [b]) => a.localeCompare(b)));

/** Runs every check. `parseErrors` are log rows that failed their schema. */
export function auditSeason(events: readonly SeasonEvent[], parseErrors: readonly string[], tables: SeasonTables): AuditCheck[] {
  const fold: SeasonFold = foldSeasonEvents(events);
  const checks: AuditCheck[] = [];
  checks.push({ name: "every season_events row parses against its type's schema", checked: events.length + parseErrors.length, breaches: parseErrors });
  checks.push({ name: "the log folds without contradictions", checked: events.length, breaches: fold.errors });

  const sums = new Map<string, number>();
  for (const a of tables.accounts) sums.set(a.currency, (sums.get(a.currency) ?? 0) + a.balance);
  checks.push({ name: "each currency's accounts sum to 0", checked: sums.size, breaches: [...sums].filter(([, s]) => s !== 0).map(([c, s]) => `${c} sums to ${s}`) });
  const players = tables.accounts.filter((a) => a.account.startsWith("player:"));
  checks.push({ name: "no player balance is below 0", checked: players.length, breaches: players.filter((a) => a.balance < 0).map((a) => `${a.currency}|${a.account} = ${a.balance}`) });
  checks.push({ name: "every transaction has two postings summing to 0", checked: tables.transactionCount, breaches: tables.unbalancedTransactions.map((t) => `transaction ${t}`) });

  // Accounts with a zero balance and no postings are equal to an absent fold entry.
  const tableBalances = new Map(tables.accounts.filter((a) => a.balance !== 0 || fold.balances.has(`${a.currency}|${a.account}`)).map((a) => [`${a.currency}|${a.account}`, a.balance]));
  const foldBalances = new Map([...fold.balances].filter(([k, v]) => v !== 0 || tableBalances.has(k)));
  checks.push(diffMaps("balances equal the fold of the log", tableBalances, foldBalances, (a, b) => a === b, (v) => String(v ?? "absent")));

  const tableInv = new Map(tables.inventories.map((i) => [i.playerId, i] as const));
  const foldInv = new Map([...fold.inventories].filter(([p]) => tables.players.has(p)).map(([p, i]) => [p, { playerId: p, version: i.version, held: i.held }] as const));
  checks.push(
    diffMaps("inventories (version and holdings) equal the fold", tableInv, foldInv, (a, b) => a.version === b.version && heldText(a.held) === heldText(b.held), (v) => (v === undefined ? "absent" : `v${v.version} ${heldText(v.held)}`)),
  );

  const liveWaitlist = [...fold.waitlist.values()].filter((w) => tables.players.has(w.playerId));
  const foldPositions = waitingPositions(liveWaitlist);
  const tableWl = new Map(tables.waitlist.map((w) => [w.id, `${w.playerId} #${w.queueSeq} ${w.status} pos=${w.position ?? "-"}`] as const));
  const foldWl = new Map(liveWaitlist.map((w) => [w.id, `${w.playerId} #${w.queueSeq} ${w.status} pos=${foldPositions.get(w.id) ?? "-"}`] as const));
  checks.push(diffMaps("waitlist entries and positions equal the fold", tableWl, foldWl, (a, b) => a === b, (v) => v ?? "absent"));
  return checks;
}
