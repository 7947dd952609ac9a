/**
 * The achievement rules, one test per seeded definition. The definitions are read from the seed
 * migration itself, so the tests cover what the database actually holds.
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { achievementConditionSchema, decideExplicitUnlock, decideUnlocks, NO_FIGURES, progressOf, rewardItemOf, unlockOf, type AchievementDefinition, type PlayerFigures } from "./achievements.js";

const drizzleDir = new URL("../../drizzle/", import.meta.url);
const seedFile = readdirSync(drizzleDir).find((f) => f.endsWith("_season0_achievements_seed.sql"));
if (seedFile === undefined) throw new Error("no *_season0_achievements_seed.sql migration in drizzle/");
const seedSql = readFileSync(new URL(seedFile, drizzleDir), "utf8");
// Item rewards are seeded by their own migration (an UPDATE per definition).
const itemSeedFile = readdirSync(drizzleDir).find((f) => f.endsWith("_season0_item_rewards_seed.sql"));
if (itemSeedFile === undefined) throw new Error("no *_season0_item_rewards_seed.sql migration in drizzle/");
const ITEM_REWARDS = new Map(
  [...readFileSync(new URL(itemSeedFile, drizzleDir), "utf8").matchAll(/UPDATE achievements SET reward_item_id = '([a-z0-9_]+)', reward_quantity = (\d+) WHERE id = '([a-z_]+)'/g)].map((m) => [
    m[3] ?? "",
    { rewardItemId: m[1] ?? null, rewardQuantity: Number(m[2]) },
  ]),
);
const SEEDED: AchievementDefinition[] = [...seedSql.matchAll(/\('([a-z_]+)', '([^']+)', '([^']+)', '(\{[^']+\})', (\d+)\)/g)].map((m) => ({
  id: m[1] ?? "",
  name: m[2] ?? "",
  description: m[3] ?? "",
  condition: achievementConditionSchema.parse(JSON.parse(m[4] ?? "null")),
  rewardCoins: Number(m[5]),
  ...(ITEM_REWARDS.get(m[1] ?? "") ?? { rewardItemId: null, rewardQuantity: 0 }),
  enabled: true,
}));
const def = (id: string): AchievementDefinition => {
  const d = SEEDED.find((x) => x.id === id);
  if (d === undefined) throw new Error(`no seeded ${id}`);
  return d;
};
const fig = (f: Partial<PlayerFigures>): PlayerFigures => ({ ...NO_FIGURES, ...f });
const meets = (id: string, f: Partial<PlayerFigures>): boolean => progressOf(def(id).condition, fig(f)).met;

describe("seeded achievement definitions", () => {
  it("are the six of the issue, each with a coin reward", () => {
    expect(SEEDED.map((d) => d.id).sort()).toEqual(["centurion", "first_win", "hat_trick", "perfect_game", "regular", "zero_hero"]);
    for (const d of SEEDED) expect(d.rewardCoins).toBeGreaterThan(0);
  });

  it("regular: games played >= 10", () => {
    expect(meets("regular", { gamesPlayed: 9 })).toBe(false);
    expect(meets("regular", { gamesPlayed: 10 })).toBe(true);
    expect(progressOf(def("regular").condition, fig({ gamesPlayed: 4 }))).toEqual({ current: 4, target: 10, met: false });
  });

  it("first_win: the first won game", () => {
    expect(meets("first_win", { gamesPlayed: 5 })).toBe(false);
    expect(meets("first_win", { gamesPlayed: 5, gamesWon: 1 })).toBe(true);
  });

  it("perfect_game: one game with every bid made", () => {
    expect(meets("perfect_game", {})).toBe(false);
    expect(meets("perfect_game", { perfectGames: 1 })).toBe(true);
  });

  it("centurion: a score >= 100 in one game", () => {
    expect(meets("centurion", { highestScore: 99 })).toBe(false);
    expect(meets("centurion", { highestScore: 100 })).toBe(true);
  });

  it("hat_trick: a win streak of 3", () => {
    expect(meets("hat_trick", { longestWinStreak: 2, gamesWon: 9 })).toBe(false);
    expect(meets("hat_trick", { longestWinStreak: 3 })).toBe(true);
  });

  it("zero_hero: ten exact zero bids", () => {
    expect(meets("zero_hero", { exactZeroBids: 9 })).toBe(false);
    expect(meets("zero_hero", { exactZeroBids: 10 })).toBe(true);
    expect(progressOf(def("zero_hero").condition, fig({ exactZeroBids: 25 }))).toEqual({ current: 10, target: 10, met: true });
  });
});

describe("decideUnlocks", () => {
  it("unlocks what is met and not held, in player then id order; disabled and manual never", () => {
    const defs = [...SEEDED, { id: "beta_tester", name: "Beta", description: "", condition: { kind: "manual" as const }, rewardCoins: 5, rewardItemId: null, rewardQuantity: 0, enabled: true }, { ...def("regular"), id: "zz_disabled", enabled: false }];
    const out = decideUnlocks(defs, [
      { playerId: "b", figures: fig({ gamesPlayed: 10, gamesWon: 1 }), held: new Set(["first_win"]) },
      { playerId: "a", figures: fig({ gamesWon: 3, longestWinStreak: 3, gamesPlayed: 3 }), held: new Set() },
    ]);
    expect(out.map((u) => `${u.playerId}:${u.achievementId}`)).toEqual(["a:first_win", "a:hat_trick", "b:regular"]);
  });

  it("carries each definition's rewards: perfect_game gives its coins and one Gold card back (the item-reward seed)", () => {
    expect(def("perfect_game")).toMatchObject({ rewardCoins: 100, rewardItemId: "card_back_gold", rewardQuantity: 1 });
    const [perfect] = decideUnlocks([def("perfect_game")], [{ playerId: "a", figures: fig({ perfectGames: 1 }), held: new Set() }]);
    expect(perfect).toEqual({ playerId: "a", achievementId: "perfect_game", rewardCoins: 100, rewardItemId: "card_back_gold", rewardQuantity: 1 });
    const [coinsOnly] = decideUnlocks([def("first_win")], [{ playerId: "a", figures: fig({ gamesWon: 1 }), held: new Set() }]);
    expect(coinsOnly).toMatchObject({ rewardItemId: null, rewardQuantity: 0 });
  });

  it("an item reward with quantity 0 (or a quantity without an item) is no item reward", () => {
    expect(rewardItemOf({ rewardItemId: "card_back_gold", rewardQuantity: 0 })).toEqual({ rewardItemId: null, rewardQuantity: 0 });
    expect(rewardItemOf({ rewardItemId: null, rewardQuantity: 3 })).toEqual({ rewardItemId: null, rewardQuantity: 0 });
    expect(unlockOf({ ...def("regular"), rewardItemId: "emote_pack_1", rewardQuantity: 2 }, "p")).toMatchObject({ rewardItemId: "emote_pack_1", rewardQuantity: 2 });
  });
});

describe("decideExplicitUnlock", () => {
  it("allows a manual condition, refuses an unmet one and a disabled one", () => {
    expect(decideExplicitUnlock({ ...def("regular"), condition: { kind: "manual" } }, NO_FIGURES)).toEqual({ ok: true });
    expect(decideExplicitUnlock(def("regular"), fig({ gamesPlayed: 3 }))).toMatchObject({ ok: false, code: "achievements/condition_not_met" });
    expect(decideExplicitUnlock(def("regular"), fig({ gamesPlayed: 30 }))).toEqual({ ok: true });
    expect(decideExplicitUnlock({ ...def("regular"), enabled: false }, fig({ gamesPlayed: 30 }))).toMatchObject({ ok: false, code: "achievements/disabled" });
  });
});
