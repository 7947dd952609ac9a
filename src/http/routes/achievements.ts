/**
 * Achievements: the definitions with the caller's progress, one definition, an explicit unlock
 * (admin, or a trusted service on its own path: for conditions outside the game; refused with
 * `achievements/condition_not_met` when a game condition is not met), and the admin's edit.
 * Games unlock achievements by themselves, in the completion transaction (db/achievements.ts).
 */
import { z } from "zod";
import { achievementConditionSchema, MAX_REWARD_QUANTITY } from "../../season/achievements.js";
import { fail, jsonRoute, none, ok } from "../route.js";
import { uuid } from "../schemas.js";
import type { RouteDeps } from "./deps.js";

const achievementId = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, "an achievement id such as first_win");

/** A definition, with the caller's progress when a token was sent. */
export const achievementSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  condition: achievementConditionSchema,
  rewardCoins: z.number().int().min(0).describe("Coins paid from the rewards account on unlock"),
  rewardItemId: z.string().nullable().describe("The catalogue item added to the player's inventory on unlock; null when none"),
  rewardQuantity: z.number().int().min(0).describe("How many of rewardItemId (0 when none)"),
  enabled: z.boolean().describe("A disabled achievement is listed but never unlocked"),
  progress: z
    .object({ current: z.number().int(), target: z.number().int(), met: z.boolean() })
    .nullable()
    .describe("The caller's progress (current capped at target; an unlocked one shows target of target); null without a token"),
  unlockedAt: z.string().nullable().describe("When the caller unlocked it; null when not unlocked or without a token"),
});

/** `PUT /api/admin/achievements/:id`. */
export const achievementBody = z.object({
  name: z.string().trim().min(1).max(64),
  description: z.string().trim().max(280),
  condition: achievementConditionSchema,
  rewardCoins: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
  rewardItemId: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,63}$/, "an item id such as card_back_gold")
    .nullable()
    .default(null)
    .describe("A catalogue item given on unlock (null: none; unknown: 422 inventory/unknown_item)"),
  rewardQuantity: z.number().int().min(1).max(MAX_REWARD_QUANTITY).default(1).describe("How many of rewardItemId (ignored, stored as 0, without an item)"),
  enabled: z.boolean().default(true),
});

/** `POST /api/achievements/unlock`. */
export const unlockBody = z.object({ playerId: uuid, achievementId });

const unlockResult = z.object({
  unlocked: z.boolean().describe("False when the player already held it: nothing changed"),
  unlock: z
    .object({ playerId: uuid, achievementId: z.string(), rewardCoins: z.number().int(), transactionId: uuid.nullable(), seq: z.number().int() })
    .nullable(),
});

/** The achievement routes. */
export function achievementRoutes(deps: RouteDeps) {
  const list = jsonRoute({
    method: "get",
    path: "/api/achievements",
    summary: "Every achievement definition, with the caller's progress toward each (send a token for progress)",
    tags: ["achievements"],
    access: "public",
    group: "read",
    errors: [],
    params: none,
    query: none,
    body: none,
    response: z.array(achievementSchema),
    async handler({ auth }) {
      return ok(await deps.season.achievementsFor(auth?.playerId ?? null));
    },
  });

  const one = jsonRoute({
    method: "get",
    path: "/api/achievements/:id",
    summary: "One achievement definition, with the caller's progress (send a token for progress)",
    tags: ["achievements"],
    access: "public",
    group: "read",
    errors: ["not_found"],
    params: z.object({ id: achievementId }),
    query: none,
    body: none,
    response: achievementSchema,
    async handler({ auth, params }) {
      const found = (await deps.season.achievementsFor(auth?.playerId ?? null)).find((a) => a.id === params.id);
      return found === undefined ? fail("not_found", `no achievement ${params.id}`) : ok(found);
    },
  });

  const unlockRoute = (access: "admin" | "service") =>
    jsonRoute({
      method: "post",
      path: access === "admin" ? "/api/achievements/unlock" : "/api/service/achievements/unlock",
      summary: access === "admin" ? "Unlock an achievement for a player (admin)" : "Unlock an achievement for a player (trusted service, X-Service-Key)",
      description:
        "For conditions outside the game. A `manual` achievement is always unlocked; any other only when the player's lifetime figures meet its condition now (else 409 achievements/condition_not_met, nothing changed). 201 when unlocked (its coin reward paid, ACHIEVEMENT_UNLOCKED appended); 200 with `unlocked: false` when the player already held it.",
      tags: ["achievements"],
      access,
      group: access === "admin" ? "admin" : "write",
      errors: ["not_found", "achievements/condition_not_met", "achievements/disabled"],
      status: 201,
      params: none,
      query: none,
      body: unlockBody,
      response: unlockResult,
      async handler({ body }) {
        const r = await deps.season.unlockAchievement({ playerId: body.playerId, achievementId: body.achievementId, by: access });
        if (!r.ok) return fail(r.code, r.detail);
        const unlock = r.unlock === null ? null : { playerId: r.unlock.playerId, achievementId: r.unlock.achievementId, rewardCoins: r.unlock.rewardCoins, transactionId: r.unlock.transactionId, seq: r.unlock.seq };
        return ok({ unlocked: r.unlocked, unlock }, { status: r.unlocked ? 201 : 200 });
      },
    });

  const put = jsonRoute({
    method: "put",
    path: "/api/admin/achievements/:id",
    summary: "Create or replace an achievement definition (admin)",
    description: "201 when created, 200 when replaced. Unlocks already made stay; a changed condition applies from the next evaluation.",
    tags: ["achievements", "admin"],
    access: "admin",
    group: "admin",
    errors: ["inventory/unknown_item"],
    status: 201,
    params: z.object({ id: achievementId }),
    query: none,
    body: achievementBody,
    response: achievementSchema.omit({ progress: true, unlockedAt: true }),
    async handler({ params, body }) {
      const r = await deps.season.putAchievement({ id: params.id, ...body });
      if (!r.ok) return fail(r.code, r.detail);
      return ok(r.definition, { status: r.created ? 201 : 200 });
    },
  });

  return [list, one, unlockRoute("admin"), unlockRoute("service"), put];
}
