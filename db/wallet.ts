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
import { currencies, postings, transactions, walletAccounts } from "./schema/index.js";
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
}

/** A transfer's outcome. */
export type TransferResult =
  | { readonly ok: true; readonly transaction: TransactionView; readonly replayed: boolean; readonly balance: number | null }
  | Refused;

function toView(r: typeof transactions.$inferSelect): TransactionView {
  return { id: r.id, kind: r.kind, currency: r.currency, amount: r.amount, playerId: r.playerId, reason: r.reason, createdAt: r.createdAt.toISOString() };
}

/** The player a transaction row is filed under. */
function subjectOf(req: TransferRequest): string {
  if (req.kind === "deposit" && req.to.kind === "player") return req.to.playerId;
  if (req.from.kind === "player") return req.from.playerId;
  if (req.to.kind === "player") return req.to.playerId;
  throw new SeasonRejection("validation/failed", "a transaction needs a player account on one side");
}

function accountWhere(currency: string, ref: AccountRef) {
  return ref.kind === "player"
    ? and(eq(walletAccounts.currency, currency), eq(walletAccounts.playerId, ref.playerId))
    : and(eq(walletAccounts.currency, currency), eq(walletAccounts.systemName, ref.name));
}

/** Locks the account (creating a player's on first use); returns its id and balance. */
export async function lockAccount(tx: Transaction, currency: string, ref: AccountRef): Promise<{ id: string; balance: number }> {
  if (ref.kind === "player") {
    await tx.insert(walletAccounts).values({ currency, playerId: ref.playerId }).onConflictDoNothing();
  }
  const [row] = await tx.select({ id: walletAccounts.id, balance: walletAccounts.balance }).from(walletAccounts).where(accountWhere(currency, ref)).for("update");
  if (row === undefined) throw new Error(`no ${ref.kind} account ${JSON.stringify(ref)} in ${currency}`);
  return row;
}

/** A transfer inside the caller's transaction (a refusal throws {@link SeasonRejection}). */
export async function transferIn(tx: Transaction, req: TransferRequest): Promise<TransferResult> {
  const [cur] = await tx.select({ code: currencies.code }).from(currencies).where(eq(currencies.code, req.currency));
  if (cur === undefined) throw new SeasonRejection("wallet/unknown_currency", `no currency ${req.currency}`);
  const subject = subjectOf(req);
  const [inserted] = await tx
    .insert(transactions)
    .values({ currency: req.currency, kind: req.kind, amount: req.amount, playerId: subject, requestedBy: req.requestedBy, idempotencyKey: req.idempotencyKey, reason: req.reason ?? null })
    .onConflictDoNothing()
    .returning();
  if (inserted === undefined) {
    const [first] = await tx.select().from(transactions).where(and(eq(transactions.requestedBy, req.requestedBy), eq(transactions.idempotencyKey, req.idempotencyKey)));
    if (first === undefined) throw new Error("idempotency key conflicted but no transaction holds it");
    if (first.kind !== req.kind || first.currency !== req.currency || first.amount !== req.amount || first.playerId !== subject) {
      throw new SeasonRejection("idempotency/key_reused", "this key was used for a different transfer");
    }
    return { ok: true, transaction: toView(first), replayed: true, balance: null };
  }
  // Lock both accounts in a fixed order (by key) so two transfers never wait on each other in a cycle.
  const refs = [req.from, req.to];
  const order = refs.map((r, i) => ({ r, i, k: JSON.stringify(r) })).sort((a, b) => a.k.localeCompare(b.k));
  const locked: { id: string; balance: number }[] = [];
  for (const o of order) locked[o.i] = await lockAccount(tx, req.currency, o.r);
  const [from, to] = locked;
  if (from === undefined || to === undefined) throw new Error("accounts not locked");
  const cmd: TransferCommand = { transactionId: inserted.id, kind: req.kind, currency: req.currency, amount: req.amount, from: req.from, to: req.to };
  const d = decideTransfer({ fromBalance: from.balance, toBalance: to.balance }, cmd);
  if (!d.ok) throw new SeasonRejection(d.code);
  await tx.update(walletAccounts).set({ balance: sql`${walletAccounts.balance} - ${req.amount}` }).where(eq(walletAccounts.id, from.id));
  await tx.update(walletAccounts).set({ balance: sql`${walletAccounts.balance} + ${req.amount}` }).where(eq(walletAccounts.id, to.id));
  await tx.insert(postings).values([
    { transactionId: inserted.id, accountId: from.id, amount: -req.amount },
    { transactionId: inserted.id, accountId: to.id, amount: req.amount },
  ]);
  await appendSeasonEvents(tx, d.events);
  const balance = req.to.kind === "player" && req.to.playerId === subject ? to.balance + req.amount : req.from.kind === "player" ? from.balance - req.amount : null;
  return { ok: true, transaction: toView(inserted), replayed: false, balance };
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

/** A player's balance in every currency (0 where the account does not exist yet). */
export async function balancesOf(db: Database, playerId: string): Promise<BalanceView[]> {
  const rows = await db
    .select({ currency: currencies.code, balance: sql<number>`coalesce(${walletAccounts.balance}, 0)`.mapWith(Number) })
    .from(currencies)
    .leftJoin(walletAccounts, and(eq(walletAccounts.currency, currencies.code), eq(walletAccounts.playerId, playerId)))
    .orderBy(currencies.code);
  return rows;
}

/** Whether a currency exists. */
export async function currencyExists(db: Database, code: string): Promise<boolean> {
  const rows = await db.select({ code: currencies.code }).from(currencies).where(eq(currencies.code, code));
  return rows.length > 0;
}

/** A page of a player's transactions, newest first; the cursor is the last row's `(created_at, id)`. */
export async function transactionsOf(db: Database, playerId: string, opts: { readonly limit: number; readonly before?: { at: Date; id: string } | undefined }): Promise<{ items: TransactionView[]; next: { at: Date; id: string } | null }> {
  const b = opts.before;
  const rows = await db
    .select()
    .from(transactions)
    .where(and(eq(transactions.playerId, playerId), b === undefined ? undefined : or(lt(transactions.createdAt, b.at), and(eq(transactions.createdAt, b.at), lt(transactions.id, b.id)))))
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
