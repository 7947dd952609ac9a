/**
 * Cosmetics: the catalogue (with the caller's ownership), buying or claiming one (one
 * transaction: ownership, the price as a ledger withdrawal with no overdraft, COSMETIC_UNLOCKED;
 * already owned: nothing changes), and equipping owned ones (COSMETICS_EQUIPPED). Equipped
 * cosmetics are public: the table room shows them on each seat.
 */
import { z } from "zod";
import { COSMETIC_SLOTS } from "../../season/cosmetics.js";
import { fail, jsonRoute, none, ok } from "../route.js";
import { uuid } from "../schemas.js";
import type { RouteDeps } from "./deps.js";

const cosmeticId = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, "a cosmetic id such as midnight_back");
const slotKind = z.enum(COSMETIC_SLOTS);

/** A catalogue entry. */
export const cosmeticSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: slotKind.describe("Also the slot it is equipped in"),
  availability: z.enum(["shop", "grant"]).describe("shop: bought or claimed; grant: never sold (the Founder frame, season frames)"),
  priceCoins: z.number().int().min(0).describe("0: claimed free (once any required achievement is unlocked)"),
  requiredAchievementId: z.string().nullable(),
  owned: z.boolean().nullable().describe("Whether the caller owns it; null without a token"),
  equipped: z.boolean().nullable().describe("Whether the caller wears it; null without a token"),
});

/** The equipped set: a cosmetic id per slot, null when empty. */
export const equippedSchema = z.object({ card_back: z.string().nullable(), seat_frame: z.string().nullable(), table_felt: z.string().nullable() });

/** `PUT /api/cosmetics/equipped`: slots to change (null empties one; omitted slots keep theirs). */
export const equipBody = z
  .object({ card_back: cosmeticId.nullable().optional(), seat_frame: cosmeticId.nullable().optional(), table_felt: cosmeticId.nullable().optional() })
  .strict()
  .refine((b) => Object.keys(b).length > 0, "name at least one slot");

/** The cosmetic routes. */
export function cosmeticRoutes(deps: RouteDeps) {
  const list = jsonRoute({
    method: "get",
    path: "/api/cosmetics",
    summary: "The cosmetics catalogue, with the caller's ownership (send a token)",
    tags: ["cosmetics"],
    access: "public",
    group: "read",
    errors: [],
    params: none,
    query: none,
    body: none,
    response: z.array(cosmeticSchema),
    async handler({ auth }) {
      return ok(await deps.season.cosmeticsFor(auth?.playerId ?? null));
    },
  });

  const equipped = jsonRoute({
    method: "get",
    path: "/api/cosmetics/equipped",
    summary: "What the caller has equipped",
    tags: ["cosmetics"],
    access: "player",
    group: "read",
    errors: [],
    params: none,
    query: none,
    body: none,
    response: equippedSchema,
    async handler({ auth }) {
      if (auth === null) return fail("auth/missing_token");
      return ok(await deps.season.equippedOf(auth.playerId));
    },
  });

  const one = jsonRoute({
    method: "get",
    path: "/api/cosmetics/:id",
    summary: "One cosmetic, with the caller's ownership (send a token)",
    tags: ["cosmetics"],
    access: "public",
    group: "read",
    errors: ["not_found"],
    params: z.object({ id: cosmeticId }),
    query: none,
    body: none,
    response: cosmeticSchema,
    async handler({ auth, params }) {
      const found = (await deps.season.cosmeticsFor(auth?.playerId ?? null)).find((c) => c.id === params.id);
      return found === undefined ? fail("not_found", `no cosmetic ${params.id}`) : ok(found);
    },
  });

  const unlock = jsonRoute({
    method: "post",
    path: "/api/cosmetics/unlock",
    summary: "Buy or claim a cosmetic for the caller",
    description:
      "One transaction: the ownership, the price as a withdrawal to the sink (no overdraft) and COSMETIC_UNLOCKED. 201 when unlocked; 200 with `alreadyOwned: true` when the caller owns it (nothing moves, so repeats are safe). Refused, with nothing changed: cosmetics/requires_achievement, cosmetics/not_for_sale, wallet/insufficient_funds, not_found.",
    tags: ["cosmetics"],
    access: "player",
    group: "write",
    errors: ["not_found", "cosmetics/requires_achievement", "cosmetics/not_for_sale", "wallet/insufficient_funds"],
    status: 201,
    params: none,
    query: none,
    body: z.object({ cosmeticId }),
    response: z.object({
      cosmeticId: z.string(),
      alreadyOwned: z.boolean(),
      transactionId: uuid.nullable().describe("The purchase's ledger transaction; null when nothing was paid"),
      balance: z.number().int().nullable().describe("The caller's coins after paying; null when nothing was paid"),
    }),
    async handler({ auth, body }) {
      if (auth === null) return fail("auth/missing_token");
      const r = await deps.season.unlockCosmetic(auth.playerId, body.cosmeticId);
      if (!r.ok) return fail(r.code, r.detail);
      return ok({ cosmeticId: r.cosmeticId, alreadyOwned: r.alreadyOwned, transactionId: r.transactionId, balance: r.balance }, { status: r.alreadyOwned ? 200 : 201 });
    },
  });

  const equip = jsonRoute({
    method: "put",
    path: "/api/cosmetics/equipped",
    summary: "Equip owned cosmetics (null empties a slot; omitted slots keep theirs)",
    description: "Appends COSMETICS_EQUIPPED with the whole new set when it changed. Refused, with nothing changed: cosmetics/not_owned, cosmetics/wrong_slot. A table shows the set a player had when they took the seat.",
    tags: ["cosmetics"],
    access: "player",
    group: "write",
    errors: ["cosmetics/not_owned", "cosmetics/wrong_slot"],
    params: none,
    query: none,
    body: equipBody,
    response: equippedSchema,
    async handler({ auth, body }) {
      if (auth === null) return fail("auth/missing_token");
      const r = await deps.season.equipCosmetics(auth.playerId, body);
      return r.ok ? ok(r.equipped) : fail(r.code, r.detail);
    },
  });

  return [list, equipped, one, unlock, equip];
}
