/**
 * Cosmetics (pure): who may unlock a catalogue entry, what it costs, and what may be equipped
 * where. A `shop` cosmetic is bought for `priceCoins` (0: claimed free) once its required
 * achievement, if any, is unlocked; a `grant` cosmetic (the Founder frame) is never sold.
 */
import type { NewSeasonEvent } from "./events.js";

/** Cosmetic kinds; each is also the slot it is equipped in. */
export const COSMETIC_SLOTS = ["card_back", "seat_frame", "table_felt"] as const;
/** A cosmetic kind / equip slot. */
export type CosmeticSlot = (typeof COSMETIC_SLOTS)[number];

/** A catalogue entry. */
export interface Cosmetic {
  readonly id: string;
  readonly name: string;
  readonly kind: CosmeticSlot;
  readonly availability: "shop" | "grant";
  readonly priceCoins: number;
  readonly requiredAchievementId: string | null;
}

/** Why an unlock is refused (the wallet adds `wallet/insufficient_funds`). */
export type CosmeticRejection = "cosmetics/requires_achievement" | "cosmetics/not_for_sale";

/** The outcome of {@link decideCosmeticUnlock}. */
export type CosmeticUnlockDecision =
  | { readonly ok: true; readonly owned: true }
  | { readonly ok: true; readonly owned: false; readonly priceCoins: number; readonly source: "purchase" | "claim" }
  | { readonly ok: false; readonly code: CosmeticRejection; readonly detail: string };

/**
 * Decides a player's unlock of `cosmetic`: already owned is a no-op (idempotent); a `grant`
 * cosmetic is not for sale; a missing required achievement refuses. The price is checked by the
 * wallet (no overdraft).
 */
export function decideCosmeticUnlock(cosmetic: Cosmetic, state: { readonly owned: boolean; readonly achievements: ReadonlySet<string> }): CosmeticUnlockDecision {
  if (state.owned) return { ok: true, owned: true };
  if (cosmetic.availability !== "shop") return { ok: false, code: "cosmetics/not_for_sale", detail: `${cosmetic.id} is granted, never sold` };
  const needed = cosmetic.requiredAchievementId;
  if (needed !== null && !state.achievements.has(needed)) return { ok: false, code: "cosmetics/requires_achievement", detail: `${cosmetic.id} requires the achievement ${needed}` };
  return { ok: true, owned: false, priceCoins: cosmetic.priceCoins, source: cosmetic.priceCoins > 0 ? "purchase" : "claim" };
}

/** What equipped: a cosmetic id per slot, null for an empty slot. */
export type Equipped = Readonly<Record<CosmeticSlot, string | null>>;

/** Nothing equipped. */
export const NOTHING_EQUIPPED: Equipped = { card_back: null, seat_frame: null, table_felt: null };

/** Why an equip is refused. */
export type EquipRejection = "cosmetics/not_owned" | "cosmetics/wrong_slot";

/**
 * Decides an equip request: each named slot takes an owned cosmetic of that slot's kind, or null
 * to empty it; slots not named keep what they hold. Returns the new equipment.
 */
export function decideEquip(
  current: Equipped,
  request: Partial<Record<CosmeticSlot, string | null>>,
  owned: ReadonlyMap<string, Cosmetic>,
): { ok: true; equipped: Equipped } | { ok: false; code: EquipRejection; detail: string } {
  const next: Record<CosmeticSlot, string | null> = { ...current };
  for (const slot of COSMETIC_SLOTS) {
    const id = request[slot];
    if (id === undefined) continue;
    if (id === null) {
      next[slot] = null;
      continue;
    }
    const c = owned.get(id);
    if (c === undefined) return { ok: false, code: "cosmetics/not_owned", detail: `the player does not own ${id}` };
    if (c.kind !== slot) return { ok: false, code: "cosmetics/wrong_slot", detail: `${id} is a ${c.kind}, not a ${slot}` };
    next[slot] = id;
  }
  return { ok: true, equipped: next };
}

/** The `COSMETIC_UNLOCKED` event of an unlock. */
export function cosmeticUnlockedEvent(playerId: string, cosmeticId: string, source: "purchase" | "claim" | "founder" | "grant", priceCoins: number, transactionId: string | null): NewSeasonEvent {
  return { type: "COSMETIC_UNLOCKED", playerId, payload: { _v: 1, cosmeticId, source, priceCoins, transactionId } };
}
