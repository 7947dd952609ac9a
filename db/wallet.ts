/**
 * The wallet: a double-entry ledger on `currencies`, `wallet_accounts`, `transactions` and
 * `postings`. Every transfer is one transaction row with two postings summing to 0, the
 * accounts' balances updated and its events appended, all in one database transaction.
 *
 * Idempotency: `(requested_by, idempotency_key)` is unique. The transaction row is inserted
 * first, so concurrent repeats of one key queue on that index; a repeat finds the first
 * transaction and moves nothing. A refused transfer (e.g. insufficient funds) rolls back and
 * records nothing, so retrying its key decides afresh.
 */
import { and, desc, eq, lt, or, sql } from "drizzle-orm";
import type { Database, Transaction } from "./client.js";
import { appendSeasonEvents } from "./seasonLog.js";
import { refusalsAsValues, SeasonRejection, type Refused } from "./seasonErrors.js";
import { pgConstraintName, pgErrorCode, SQLSTATE } from "./pgError.js";
import { preparedPerDatabase } from "./prepared.js";
import { currencies, postings, TRANSACTION_KINDS, transactions, walletAccounts } from "./schema/index.js";
import { int, runStatement, text, textOrNull, timestamp, type Statement } from "./statements.js";
import type { AccountRef } from "../src/season/events.js";
import { decideTransfer, type TransferCommand, type TransferKind } from "../src/season/wallet.js";

/** A committed transaction as the API shows it. */
export interface TransactionView {
  readonly id: string;
  readonly kind: TransferKind;
  readonly currency: string;
  readonly amount: number;
  readonly playerId: string;
  readonly reason: string | null;
  readonly createdAt: string;
}

/** A transfer request: the command plus who asked and their key. */
export interface TransferRequest {
  readonly kind: TransferKind;
  readonly currency: string;
  readonly amount: number;
  readonly from: AccountRef;
  readonly to: AccountRef;
  readonly requestedBy: string;
  readonly idempotencyKey: string;
  readonly reason?: string | undefined;
  /**
   * The new transaction's id, chosen by the caller (a uuid; default: the database's), so a row
   * naming it can be written before the transfer (db/achievements.ts). A replayed key answers
   * the first transaction, whose id differs.
   */
  readonly transactionId?: string | undefined;
}

/** A transfer's outcome. */
export type TransferResult =
  | { readonly ok: true; readonly transaction: TransactionView; readonly replayed: boolean; readonly balance: number | null }
  | Refused;

function toView(r: typeof transactions.$inferSelect): TransactionView {
  return { id: r.id, kind: r.kind, currency: r.currency, amount: r.amount, playerId: r.playerId, reason: r.reason, createdAt: r.createdAt.toISOString() };
}

/**
 * The statements of a transfer, as constant text (db/statements.ts): Drizzle building them on
 * every transfer was most of what a transfer allocated. Each is the statement the query builder
 * made before, column for column.
 */
const TX_COLUMNS = "id, kind, currency, amount, player_id, reason, created_at";
const S = {
  currencyExists: { name: "wallet_currency_exists", text: "SELECT code FROM currencies WHERE code = $1" },
  insertTransaction: {
    name: "wallet_insert_transaction",
    text: `INSERT INTO transactions (currency, kind, amount, player_id, requested_by, idempotency_key, reason) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING ${TX_COLUMNS}`,
  },
  insertTransactionWithId: {
    name: "wallet_insert_transaction_with_id",
    text: `INSERT INTO transactions (currency, kind, amount, player_id, requested_by, idempotency_key, reason, id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING ${TX_COLUMNS}`,
  },
  transactionOfKey: { name: "wallet_transaction_of_key", text: `SELECT ${TX_COLUMNS} FROM transactions WHERE requested_by = $1 AND idempotency_key = $2` },
  createPlayerAccount: { name: "wallet_create_player_account", text: "INSERT INTO wallet_accounts (currency, player_id) VALUES ($1, $2) ON CONFLICT DO NOTHING" },
  lockPlayerAccount: { name: "wallet_lock_player_account", text: "SELECT id, balance FROM wallet_accounts WHERE currency = $1 AND player_id = $2 FOR UPDATE" },
  lockSystemAccount: { name: "wallet_lock_system_account", text: "SELECT id, balance FROM wallet_accounts WHERE currency = $1 AND system_name = $2 FOR UPDATE" },
  peekSystemAccount: { name: "wallet_peek_system_account", text: "SELECT id, balance FROM wallet_accounts WHERE currency = $1 AND system_name = $2" },
  insertPostings: { name: "wallet_insert_postings", text: "INSERT INTO postings (transaction_id, account_id, amount) VALUES ($1, $2, $3), ($4, $5, $6)" },
  moveBalance: { name: "wallet_move_balance", text: "UPDATE wallet_accounts SET balance = balance + $1 WHERE id = $2" },
} as const satisfies Record<string, Statement>;

/** A transaction row of {@link TX_COLUMNS}, as the API shows it. */
function rowView(r: readonly unknown[]): TransactionView {
  return { id: text(r, 0), kind: kindOf(text(r, 1)), currency: text(r, 2), amount: int(r, 3), playerId: text(r, 4), reason: textOrNull(r, 5), createdAt: timestamp(r, 6).toISOString() };
}

function kindOf(k: string): TransferKind {
  const kind = TRANSACTION_KINDS.find((t) => t === k);
  if (kind === undefined) throw new Error(`transactions.kind holds ${k}`);
  return kind;
}

/** An account row (`id, balance`). */
function accountOf(rows: readonly (readonly unknown[])[]): { id: string; balance: number } | undefined {
  const [r] = rows;
  return r === undefined ? undefined : { id: text(r, 0), balance: int(r, 1) };
}

/** The player a transaction row is filed under. */
function subjectOf(req: TransferRequest): string {
  if (req.kind === "deposit" && req.to.kind === "player") return req.to.playerId;
  if (req.from.kind === "player") return req.from.playerId;
  if (req.to.kind === "player") return req.to.playerId;
  throw new SeasonRejection("validation/failed", "a transaction needs a player account on one side");
}

/** Locks a player's account (creating it on first use): two statements, sent together. */
async function lockPlayerAccount(tx: Transaction, currency: string, playerId: string): Promise<{ id: string; balance: number }> {
  const [, rows] = await Promise.all([runStatement(tx, S.createPlayerAccount, [currency, playerId]), runStatement(tx, S.lockPlayerAccount, [currency, playerId])]);
  const row = accountOf(rows);
  if (row === undefined) throw new Error(`no account of player ${playerId} in ${currency}`);
  return row;
}

/**
 * Locks an account (creating a player's on first use), for a caller that makes several transfers
 * in one transaction and takes its locks up front in a fixed order (db/achievements.ts).
 */
export async function lockAccount(tx: Transaction, currency: string, ref: AccountRef): Promise<{ id: string; balance: number }> {
  if (ref.kind === "player") return lockPlayerAccount(tx, currency, ref.playerId);
  const row = accountOf(await runStatement(tx, S.lockSystemAccount, [currency, ref.name]));
  if (row === undefined) throw new Error(`no system account ${ref.name} in ${currency}`);
  return row;
}

/**
 * A system account's id and its balance as last committed, without a lock. Every deposit moves
 * the mint and every spend the sink: locking those rows early would queue all deposits (or all
 * spends) behind one another for their whole transaction. Their balance only matters to the
 * overflow rule, which the balance CHECK enforces when the row is updated last.
 */
async function peekSystemAccount(tx: Transaction, currency: string, name: Extract<AccountRef, { kind: "system" }>["name"]): Promise<{ id: string; balance: number }> {
  const row = accountOf(await runStatement(tx, S.peekSystemAccount, [currency, name]));
  if (row === undefined) throw new Error(`no system account ${name} in ${currency}`);
  return row;
}

/** The first transaction of a repeated key (replay), or the refusal when the key was used otherwise. */
async function replayOf(tx: Transaction, req: TransferRequest, subject: string): Promise<TransferResult> {
  const [row] = await runStatement(tx, S.transactionOfKey, [req.requestedBy, req.idempotencyKey]);
  if (row === undefined) throw new Error("idempotency key conflicted but no transaction holds it");
  const first = rowView(row);
  if (first.kind !== req.kind || first.currency !== req.currency || first.amount !== req.amount || first.playerId !== subject) {
    throw new SeasonRejection("idempotency/key_reused", "this key was used for a different transfer");
  }
  return { ok: true, transaction: first, replayed: true, balance: null };
}

/**
 * Takes each side's account: player accounts locked in a fixed order (by player id, one after
 * the other, so two transfers never wait on each other in a cycle), system accounts read
 * without a lock. With one player side, both are asked at once.
 */
async function takeAccounts(tx: Transaction, currency: string, refs: readonly [AccountRef, AccountRef]): Promise<[{ id: string; balance: number }, { id: string; balance: number }]> {
  const take = (r: AccountRef) => (r.kind === "player" ? lockPlayerAccount(tx, currency, r.playerId) : peekSystemAccount(tx, currency, r.name));
  const [a, b] = refs;
  if (a.kind !== "player" || b.kind !== "player") return Promise.all([take(a), take(b)]);
  if (b.playerId < a.playerId) {
    const second = await take(b);
    return [await take(a), second];
  }
  const first = await take(a);
  return [first, await take(b)];
}

/** The balance CHECK of a system account, mapped to the overflow rule. */
function asOverflow(err: unknown): never {
  if (pgErrorCode(err) === SQLSTATE.checkViolation && pgConstraintName(err) === "wallet_accounts_balance_safe_check") throw new SeasonRejection("wallet/overflow");
  throw err;
}

/** Starts the insert of a transfer's transaction row (nothing when its key was used before). */
function insertTransaction(tx: Transaction, req: TransferRequest, subject: string): Promise<unknown[][]> {
  const values = [req.currency, req.kind, req.amount, subject, req.requestedBy, req.idempotencyKey, req.reason ?? null];
  return req.transactionId === undefined ? runStatement(tx, S.insertTransaction, values) : runStatement(tx, S.insertTransactionWithId, [...values, req.transactionId]);
}

/** A transfer inside the caller's transaction (a refusal throws {@link SeasonRejection}). */
export async function transferIn(tx: Transaction, req: TransferRequest): Promise<TransferResult> {
  const subject = subjectOf(req);
  // The currency check, the transaction row and the accounts go in one round trip (a repeat of
  // the key has then locked its player's account for nothing, and moves nothing). An unknown
  // currency fails the insert (foreign key) and what follows; the check's answer explains it.
  const [curs, ins, accounts] = await Promise.allSettled([runStatement(tx, S.currencyExists, [req.currency]), insertTransaction(tx, req, subject), takeAccounts(tx, req.currency, [req.from, req.to])]);
  if (curs.status === "fulfilled" && curs.value.length === 0) throw new SeasonRejection("wallet/unknown_currency", `no currency ${req.currency}`);
  if (curs.status === "rejected") throw curs.reason;
  if (ins.status === "rejected") throw ins.reason;
  const [insertedRow] = ins.value;
  if (insertedRow === undefined) return replayOf(tx, req, subject);
  const inserted = rowView(insertedRow);
  if (accounts.status === "rejected") throw accounts.reason;
  const [from, to] = accounts.value;
  const cmd: TransferCommand = { transactionId: inserted.id, kind: req.kind, currency: req.currency, amount: req.amount, from: req.from, to: req.to };
  const d = decideTransfer({ fromBalance: from.balance, toBalance: to.balance }, cmd);
  if (!d.ok) throw new SeasonRejection(d.code);
  // Player rows first (already locked), system rows last (in id order): a system row's lock is
  // held only from here to the commit. All of it is sent in one round trip.
  const moves = [
    { ref: req.from, id: from.id, delta: -req.amount },
    { ref: req.to, id: to.id, delta: req.amount },
  ].sort((a, b) => Number(a.ref.kind === "system") - Number(b.ref.kind === "system") || (a.ref.kind === "system" && b.ref.kind === "system" ? a.id.localeCompare(b.id) : 0));
  // Each statement starts when called, so they are sent in this order (the events last).
  await Promise.all([
    runStatement(tx, S.insertPostings, [inserted.id, from.id, -req.amount, inserted.id, to.id, req.amount]),
    ...moves.map((m) => runStatement(tx, S.moveBalance, [m.delta, m.id])),
    appendSeasonEvents(tx, d.events),
  ]).catch(asOverflow);
  const balance = req.to.kind === "player" && req.to.playerId === subject ? to.balance + req.amount : req.from.kind === "player" ? from.balance - req.amount : null;
  return { ok: true, transaction: inserted, replayed: false, balance };
}

/** Moves money, once per idempotency key. */
export async function transfer(db: Database, req: TransferRequest): Promise<TransferResult> {
  return refusalsAsValues(() => db.transaction((tx) => transferIn(tx, req)));
}

/** One of a player's balances. */
export interface BalanceView {
  readonly currency: string;
  readonly balance: number;
}

const balancesQuery = preparedPerDatabase((db) =>
  db
    .select({ currency: currencies.code, balance: sql<number>`coalesce(${walletAccounts.balance}, 0)`.mapWith(Number) })
    .from(currencies)
    .leftJoin(walletAccounts, and(eq(walletAccounts.currency, currencies.code), eq(walletAccounts.playerId, sql.placeholder("playerId"))))
    .orderBy(currencies.code)
    .prepare("season_balances_of"),
);

/** A player's balance in every currency (0 where the account does not exist yet). */
export async function balancesOf(db: Database, playerId: string): Promise<BalanceView[]> {
  return balancesQuery(db).execute({ playerId });
}

/** Whether a currency exists. */
export async function currencyExists(db: Database, code: string): Promise<boolean> {
  const rows = await db.select({ code: currencies.code }).from(currencies).where(eq(currencies.code, code));
  return rows.length > 0;
}

const firstPageQuery = preparedPerDatabase((db) =>
  db
    .select()
    .from(transactions)
    .where(eq(transactions.playerId, sql.placeholder("playerId")))
    .orderBy(desc(transactions.createdAt), desc(transactions.id))
    .limit(sql.placeholder("limit"))
    .prepare("season_transactions_first_page"),
);

/** A page of a player's transactions, newest first; the cursor is the last row's `(created_at, id)`. */
export async function transactionsOf(db: Database, playerId: string, opts: { readonly limit: number; readonly before?: { at: Date; id: string } | undefined }): Promise<{ items: TransactionView[]; next: { at: Date; id: string } | null }> {
  const b = opts.before;
  const rows =
    b === undefined
      ? await firstPageQuery(db).execute({ playerId, limit: opts.limit + 1 })
      : await db
          .select()
          .from(transactions)
          .where(and(eq(transactions.playerId, playerId), or(lt(transactions.createdAt, b.at), and(eq(transactions.createdAt, b.at), lt(transactions.id, b.id)))))
          .orderBy(desc(transactions.createdAt), desc(transactions.id))
          .limit(opts.limit + 1);
  const page = rows.slice(0, opts.limit);
  const last = page.at(-1);
  return { items: page.map(toView), next: rows.length > opts.limit && last !== undefined ? { at: last.createdAt, id: last.id } : null };
}

/** Every account's balance, keyed for the audit. */
export async function allAccounts(db: Database): Promise<{ currency: string; account: string; balance: number }[]> {
  const rows = await db.select().from(walletAccounts);
  return rows.map((r) => ({ currency: r.currency, account: r.playerId !== null ? `player:${r.playerId}` : `system:${r.systemName ?? "?"}`, balance: r.balance }));
}

/** Transactions whose postings are not exactly two summing to 0. */
export async function unbalancedTransactions(db: Database): Promise<string[]> {
  const rows = await db
    .select({ id: transactions.id })
    .from(transactions)
    .leftJoin(postings, eq(postings.transactionId, transactions.id))
    .groupBy(transactions.id)
    .having(sql`count(${postings.id}) <> 2 OR coalesce(sum(${postings.amount}), 0) <> 0`);
  return rows.map((r) => r.id);
}


/** How many transactions the ledger holds. */
export async function transactionCount(db: Database): Promise<number> {
  const [r] = await db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(transactions);
  return r?.n ?? 0;
}
