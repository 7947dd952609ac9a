/**
 * How Season 0 repositories refuse: a rule's rejection is thrown inside the transaction (so it
 * rolls back and changes nothing) as a {@link SeasonRejection}, and the repository's public
 * function turns it into a value `{ ok: false, code }`.
 */
import type { UnlockRejection } from "../src/season/achievements.js";
import type { CosmeticRejection, EquipRejection } from "../src/season/cosmetics.js";
import type { InventoryRejection } from "../src/season/inventory.js";
import type { WaitlistRejection } from "../src/season/waitlist.js";
import type { TransferRejection } from "../src/season/wallet.js";

/** Every code a Season 0 write can be refused with. */
export type SeasonCode =
  | TransferRejection
  | InventoryRejection
  | WaitlistRejection
  | UnlockRejection
  | CosmeticRejection
  | EquipRejection
  | "wallet/unknown_currency"
  | "inventory/unknown_item"
  | "idempotency/key_reused"
  | "not_found";

/** A refusal, thrown inside a transaction to roll it back. */
export class SeasonRejection extends Error {
  constructor(
    readonly code: SeasonCode,
    message?: string,
  ) {
    super(message ?? code);
    this.name = "SeasonRejection";
  }
}

/** A refusal as a value. */
export interface Refused<C extends SeasonCode = SeasonCode> {
  readonly ok: false;
  readonly code: C;
  readonly detail: string;
}

/** Runs `work`; a {@link SeasonRejection} becomes a {@link Refused} value. */
export async function refusalsAsValues<T>(work: () => Promise<T>): Promise<T | Refused> {
  try {
    return await work();
  } catch (err: unknown) {
    if (err instanceof SeasonRejection) return { ok: false, code: err.code, detail: err.message };
    throw err;
  }
}
