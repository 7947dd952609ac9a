/**
 * The wallet's rules (pure): a transfer moves `amount` from one account to another of the same
 * currency as two postings that sum to 0. A player's account never goes below 0; every balance
 * stays within the safe-integer range (docs/LADDER.md's overflow rule, applied to money).
 */
import { accountKey, type AccountRef, type NewSeasonEvent } from "./events.js";

/** What moves money. `deposit`: mint -> player; `withdrawal`: player -> sink; `transfer`: any. */
export type TransferKind = "deposit" | "withdrawal" | "transfer";

/** A transfer command. */
export interface TransferCommand {
  readonly transactionId: string;
  readonly kind: TransferKind;
  readonly currency: string;
  readonly amount: number;
  readonly from: AccountRef;
  readonly to: AccountRef;
}

/** The balances the decision needs (read under the rows' locks). */
export interface TransferState {
  readonly fromBalance: number;
  readonly toBalance: number;
}

/** Why a transfer is refused. */
export type TransferRejection = "wallet/insufficient_funds" | "wallet/overflow" | "wallet/same_account" | "validation/failed";

/** One leg of a transaction. */
export interface Posting {
  readonly account: AccountRef;
  readonly amount: number;
}

/** The outcome of {@link decideTransfer}. */
export type TransferDecision =
  | { readonly ok: true; readonly postings: readonly [Posting, Posting]; readonly events: readonly NewSeasonEvent[] }
  | { readonly ok: false; readonly code: TransferRejection };

const MAX = Number.MAX_SAFE_INTEGER;

/** The deposit command: from the currency's mint to the player. */
export function depositCommand(transactionId: string, currency: string, playerId: string, amount: number): TransferCommand {
  return { transactionId, kind: "deposit", currency, amount, from: { kind: "system", name: "mint" }, to: { kind: "player", playerId } };
}

/** The withdrawal command: from the player to the currency's sink. */
export function withdrawalCommand(transactionId: string, currency: string, playerId: string, amount: number): TransferCommand {
  return { transactionId, kind: "withdrawal", currency, amount, from: { kind: "player", playerId }, to: { kind: "system", name: "sink" } };
}

/** The player whose event a transaction is: the depositee, else the payer. */
export function transactionOwner(cmd: TransferCommand): string | null {
  if (cmd.to.kind === "player" && cmd.kind === "deposit") return cmd.to.playerId;
  if (cmd.from.kind === "player") return cmd.from.playerId;
  return cmd.to.kind === "player" ? cmd.to.playerId : null;
}

/** Decides a transfer: the two postings and the events, or why not. */
export function decideTransfer(state: TransferState, cmd: TransferCommand): TransferDecision {
  if (!Number.isSafeInteger(cmd.amount) || cmd.amount <= 0) return { ok: false, code: "validation/failed" };
  if (accountKey(cmd.from) === accountKey(cmd.to)) return { ok: false, code: "wallet/same_account" };
  const fromAfter = state.fromBalance - cmd.amount;
  const toAfter = state.toBalance + cmd.amount;
  if (cmd.from.kind === "player" && fromAfter < 0) return { ok: false, code: "wallet/insufficient_funds" };
  if (fromAfter < -MAX || toAfter > MAX) return { ok: false, code: "wallet/overflow" };
  const postings: readonly [Posting, Posting] = [
    { account: cmd.from, amount: -cmd.amount },
    { account: cmd.to, amount: cmd.amount },
  ];
  const owner = transactionOwner(cmd);
  const base = { _v: 1 as const, transactionId: cmd.transactionId, currency: cmd.currency, amount: cmd.amount };
  const events: NewSeasonEvent[] = [];
  switch (cmd.kind) {
    case "deposit":
      events.push({ type: "CURRENCY_DEPOSITED", playerId: owner, payload: base });
      break;
    case "withdrawal":
      events.push({ type: "CURRENCY_WITHDRAWN", playerId: owner, payload: base });
      break;
    case "transfer":
      break;
  }
  events.push({ type: "TRANSACTION_COMPLETED", playerId: owner, payload: { ...base, kind: cmd.kind, postings: postings.map((p) => ({ account: p.account, amount: p.amount })) } });
  return { ok: true, postings, events };
}
