/**
 * Achievements (pure): a definition is data (`achievements` table, seeded by a migration and
 * editable by an admin) holding a condition over a player's lifetime figures and a reward. The
 * completion participant (db/achievements.ts) reads each human seat's figures (its lifetime stats)
 * after the game just finished and asks {@link decideUnlocks} which definitions it now meets.
 *
 * Figures are lifetime totals AFTER the finished game, so "the game just finished" counts: a
 * perfect game raises `perfectGames`, a 100-point game raises `highestScore`.
 */
import { z } from "zod";

const atLeast = z.number().int().min(1).max(1_000_000);

/**
 * A condition. `manual`: never met by a game; only `POST /api/achievements/unlock` (admin or
 * trusted service) awards it, for conditions outside the game.
 */
export const achievementConditionSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("games_played"), atLeast }).describe("lifetime games played >= atLeast"),
  z.object({ kind: z.literal("games_won"), atLeast }).describe("lifetime games won >= atLeast"),
  z.object({ kind: z.literal("perfect_games"), atLeast }).describe("games in which every one of the player's bids was made >= atLeast"),
  z.object({ kind: z.literal("game_score"), atLeast }).describe("a final score >= atLeast in one game (the lifetime highest score)"),
  z.object({ kind: z.literal("win_streak"), atLeast }).describe("won games in a row >= atLeast (the longest run ever)"),
  z.object({ kind: z.literal("exact_zero_bids"), atLeast }).describe("rounds bid 0 and taken 0, lifetime >= atLeast"),
  z.object({ kind: z.literal("manual") }).describe("awarded only through POST /api/achievements/unlock"),
]);
/** A condition. */
export type AchievementCondition = z.infer<typeof achievementConditionSchema>;
/** A condition's kind. */
export type ConditionKind = AchievementCondition["kind"];

/** What an unlock gives: coins from the `rewards` account (0: none). */
export const achievementRewardSchema = z.object({ coins: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) });

/** The most of one item an achievement may give (`achievements_reward_item_check`). */
export const MAX_REWARD_QUANTITY = 1_000_000;

/** An achievement definition. */
export interface AchievementDefinition {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly condition: AchievementCondition;
  readonly rewardCoins: number;
  /** The catalogue item given on unlock (null: none). */
  readonly rewardItemId: string | null;
  /** How many of `rewardItemId` (0 when none). */
  readonly rewardQuantity: number;
  /** A disabled definition is listed but never unlocked. */
  readonly enabled: boolean;
}

/** A player's lifetime figures that conditions read (after the game just finished). */
export interface PlayerFigures {
  readonly gamesPlayed: number;
  readonly gamesWon: number;
  readonly highestScore: number;
  readonly longestWinStreak: number;
  readonly perfectGames: number;
  readonly exactZeroBids: number;
}

/** Figures of a player with no games. */
export const NO_FIGURES: PlayerFigures = { gamesPlayed: 0, gamesWon: 0, highestScore: 0, longestWinStreak: 0, perfectGames: 0, exactZeroBids: 0 };

/** Progress toward a condition: `current` of `target` (capped at `target`), and whether met. */
export interface Progress {
  readonly current: number;
  readonly target: number;
  readonly met: boolean;
}

const FIGURE_OF: Record<Exclude<ConditionKind, "manual">, keyof PlayerFigures> = {
  games_played: "gamesPlayed",
  games_won: "gamesWon",
  perfect_games: "perfectGames",
  game_score: "highestScore",
  win_streak: "longestWinStreak",
  exact_zero_bids: "exactZeroBids",
};

/** Progress of `figures` toward `condition`. A `manual` condition is 0 of 1, never met. */
export function progressOf(condition: AchievementCondition, figures: PlayerFigures): Progress {
  if (condition.kind === "manual") return { current: 0, target: 1, met: false };
  const value = figures[FIGURE_OF[condition.kind]];
  return { current: Math.max(0, Math.min(value, condition.atLeast)), target: condition.atLeast, met: value >= condition.atLeast };
}

/** One unlock decided for a player. */
export interface DecidedUnlock {
  readonly playerId: string;
  readonly achievementId: string;
  readonly rewardCoins: number;
  /** The item reward (null: none) and its quantity (0 when none). */
  readonly rewardItemId: string | null;
  readonly rewardQuantity: number;
}

/** A definition's item reward, normalised: an item with a quantity >= 1, or null and 0. */
export function rewardItemOf(definition: Pick<AchievementDefinition, "rewardItemId" | "rewardQuantity">): { rewardItemId: string | null; rewardQuantity: number } {
  return definition.rewardItemId !== null && definition.rewardQuantity > 0 ? { rewardItemId: definition.rewardItemId, rewardQuantity: definition.rewardQuantity } : { rewardItemId: null, rewardQuantity: 0 };
}

/** The unlock of `definition` for a player, carrying its rewards. */
export function unlockOf(definition: AchievementDefinition, playerId: string): DecidedUnlock {
  return { playerId, achievementId: definition.id, rewardCoins: definition.rewardCoins, ...rewardItemOf(definition) };
}

/**
 * Which enabled definitions each player now meets and does not hold yet, in player order then
 * definition order (the order rows are written, so concurrent completions lock alike).
 */
export function decideUnlocks(
  definitions: readonly AchievementDefinition[],
  players: readonly { readonly playerId: string; readonly figures: PlayerFigures; readonly held: ReadonlySet<string> }[],
): DecidedUnlock[] {
  const out: DecidedUnlock[] = [];
  const defs = [...definitions].filter((d) => d.enabled).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const ordered = [...players].sort((a, b) => (a.playerId < b.playerId ? -1 : a.playerId > b.playerId ? 1 : 0));
  for (const p of ordered) {
    for (const d of defs) {
      if (!p.held.has(d.id) && progressOf(d.condition, p.figures).met) out.push(unlockOf(d, p.playerId));
    }
  }
  return out;
}

/** Why an explicit unlock (`POST /api/achievements/unlock`) is refused. */
export type UnlockRejection = "achievements/condition_not_met" | "achievements/disabled";

/**
 * An explicit unlock by an admin or a trusted service: a `manual` condition is always allowed;
 * any other must be met by the player's figures now.
 */
export function decideExplicitUnlock(definition: AchievementDefinition, figures: PlayerFigures): { ok: true } | { ok: false; code: UnlockRejection; detail: string } {
  if (!definition.enabled) return { ok: false, code: "achievements/disabled", detail: `achievement ${definition.id} is disabled` };
  if (definition.condition.kind === "manual") return { ok: true };
  const p = progressOf(definition.condition, figures);
  if (!p.met) return { ok: false, code: "achievements/condition_not_met", detail: `achievement ${definition.id} needs ${definition.condition.kind} >= ${p.target}; the player has ${p.current}` };
  return { ok: true };
}

/** The idempotency key of an achievement's reward: one per game (or unlock request), player and achievement. */
export function rewardIdempotencyKey(source: string, achievementId: string, playerId: string): string {
  return `achievement:${source}:${achievementId}:${playerId}`;
}

/** The `requested_by` of achievement reward transactions. */
export const ACHIEVEMENT_REQUESTER = "system:achievements";
