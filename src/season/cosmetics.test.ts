/** The cosmetics rules: who may unlock what, and what may be equipped where. */
import { describe, expect, it } from "vitest";
import { decideCosmeticUnlock, decideEquip, NOTHING_EQUIPPED, type Cosmetic } from "./cosmetics.js";

const back: Cosmetic = { id: "midnight_back", name: "Midnight", kind: "card_back", availability: "shop", priceCoins: 40, requiredAchievementId: null };
const perfect: Cosmetic = { id: "perfect_back", name: "Perfect", kind: "card_back", availability: "shop", priceCoins: 0, requiredAchievementId: "perfect_game" };
const streak: Cosmetic = { id: "streak_frame", name: "Streak", kind: "seat_frame", availability: "shop", priceCoins: 25, requiredAchievementId: "hat_trick" };
const founder: Cosmetic = { id: "founder_frame", name: "Founder", kind: "seat_frame", availability: "grant", priceCoins: 0, requiredAchievementId: null };
const none = new Set<string>();

describe("decideCosmeticUnlock", () => {
  it("a priced cosmetic is a purchase at its price; a free one with its achievement is a claim", () => {
    expect(decideCosmeticUnlock(back, { owned: false, achievements: none })).toEqual({ ok: true, owned: false, priceCoins: 40, source: "purchase" });
    expect(decideCosmeticUnlock(perfect, { owned: false, achievements: new Set(["perfect_game"]) })).toEqual({ ok: true, owned: false, priceCoins: 0, source: "claim" });
  });
  it("price and achievement: the achievement is required first (cosmetics/requires_achievement)", () => {
    expect(decideCosmeticUnlock(streak, { owned: false, achievements: none })).toMatchObject({ ok: false, code: "cosmetics/requires_achievement" });
    expect(decideCosmeticUnlock(streak, { owned: false, achievements: new Set(["hat_trick"]) })).toMatchObject({ ok: true, priceCoins: 25 });
  });
  it("a granted cosmetic is not for sale; anything owned is a no-op", () => {
    expect(decideCosmeticUnlock(founder, { owned: false, achievements: none })).toMatchObject({ ok: false, code: "cosmetics/not_for_sale" });
    expect(decideCosmeticUnlock(founder, { owned: true, achievements: none })).toEqual({ ok: true, owned: true });
    expect(decideCosmeticUnlock(streak, { owned: true, achievements: none })).toEqual({ ok: true, owned: true });
  });
});

describe("decideEquip", () => {
  const owned = new Map([back, streak].map((c) => [c.id, c]));
  it("equips owned cosmetics in their slot, keeps unnamed slots, empties a slot on null", () => {
    const r = decideEquip({ ...NOTHING_EQUIPPED, table_felt: "green_felt" }, { card_back: "midnight_back", seat_frame: "streak_frame" }, owned);
    expect(r).toEqual({ ok: true, equipped: { card_back: "midnight_back", seat_frame: "streak_frame", table_felt: "green_felt" } });
    expect(decideEquip({ ...NOTHING_EQUIPPED, card_back: "midnight_back" }, { card_back: null }, owned)).toEqual({ ok: true, equipped: NOTHING_EQUIPPED });
  });
  it("refuses a cosmetic not owned, or in the wrong slot", () => {
    expect(decideEquip(NOTHING_EQUIPPED, { card_back: "perfect_back" }, owned)).toMatchObject({ ok: false, code: "cosmetics/not_owned" });
    expect(decideEquip(NOTHING_EQUIPPED, { card_back: "streak_frame" }, owned)).toMatchObject({ ok: false, code: "cosmetics/wrong_slot" });
  });
});
