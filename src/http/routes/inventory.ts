/**
 * Inventory: the item catalogue, a player's holdings with their version (ETag), and add /
 * remove writes guarded by `If-Match`. A stale version is 412 inventory/version_conflict;
 * removing more than is held is inventory/item_not_held; both change nothing.
 */
import { z } from "zod";
import { fail, jsonRoute, none, ok, type Reply } from "../route.js";
import { idParams } from "../schemas.js";
import { etagOf, inventoryBody, inventorySchema, itemSchema, newItemBody, ownerOrAdminOfPlayer, parseIfMatch } from "../seasonSchemas.js";
import type { RouteDeps } from "./deps.js";

type InventoryData = z.input<typeof inventorySchema>;

/** The inventory routes. */
export function inventoryRoutes(deps: RouteDeps) {
  async function read(playerId: string): Promise<Reply<InventoryData>> {
    const inv = await deps.season.inventoryOf(playerId);
    return ok(inv, { headers: { ETag: etagOf(inv.version) } });
  }

  const mine = jsonRoute({
    method: "get",
    path: "/api/inventory",
    summary: "The caller's inventory; the ETag header is its version",
    tags: ["inventory"],
    access: "player",
    group: "read",
    errors: [],
    params: none,
    query: none,
    body: none,
    response: inventorySchema,
    async handler({ auth }) {
      if (auth === null) return fail("auth/missing_token");
      return read(auth.playerId);
    },
  });

  const items = jsonRoute({
    method: "get",
    path: "/api/items",
    summary: "The item catalogue",
    tags: ["inventory"],
    access: "public",
    group: "read",
    errors: [],
    params: none,
    query: none,
    body: none,
    response: z.array(itemSchema),
    async handler() {
      return ok(await deps.season.listItems());
    },
  });

  const addItem = jsonRoute({
    method: "post",
    path: "/api/admin/items",
    summary: "Add an item to the catalogue (admin)",
    tags: ["inventory", "admin"],
    access: "admin",
    group: "admin",
    errors: ["inventory/item_exists"],
    status: 201,
    params: none,
    query: none,
    body: newItemBody,
    response: itemSchema,
    async handler({ body }) {
      return (await deps.season.addItem(body)) ? ok(body, { status: 201 }) : fail("inventory/item_exists");
    },
  });

  const write = (kind: "add" | "remove") =>
    jsonRoute({
      method: "post",
      path: `/api/inventory/${kind}`,
      summary: kind === "add" ? "Add items to a player's inventory (admin; If-Match required)" : "Remove items from the caller's inventory (or, for an admin, any player's; If-Match required)",
      description: `Send If-Match with the ETag of GET /api/inventory. A stale version is 412 inventory/version_conflict; a missing If-Match is 428. Events: ${kind === "add" ? "ITEM_ADDED, INVENTORY_UPDATED, and COSMETIC_UNLOCKED when the item confers a cosmetic the player did not own (granted with it)" : "ITEM_REMOVED, INVENTORY_UPDATED"}.`,
      tags: ["inventory"],
      access: kind === "add" ? "admin" : "player",
      group: "write",
      errors: ["inventory/unknown_item", "inventory/version_conflict", "inventory/if_match_required", kind === "add" ? "inventory/overflow" : "inventory/item_not_held"],
      params: none,
      query: none,
      body: inventoryBody,
      response: inventorySchema,
      async handler({ auth, headers, body }) {
        if (auth === null) return fail("auth/missing_token");
        const playerId = body.playerId ?? auth.playerId;
        const denied = ownerOrAdminOfPlayer(auth, playerId);
        if (denied !== null) return denied;
        const ifMatch = parseIfMatch(headers["if-match"]);
        if (!ifMatch.ok) {
          return ifMatch.missing
            ? fail("inventory/if_match_required")
            : fail("validation/failed", "bad If-Match", { errors: [{ in: "header", path: "If-Match", message: 'the ETag of the inventory, e.g. "3"' }] });
        }
        const r = await deps.season.applyInventory({ kind, playerId, itemId: body.itemId, quantity: body.quantity, expectedVersion: ifMatch.version });
        if (!r.ok) return fail(r.code, r.detail);
        return ok(r.inventory, { headers: { ETag: etagOf(r.inventory.version) } });
      },
    });

  const ofPlayer = jsonRoute({
    method: "get",
    path: "/api/inventory/:id",
    summary: "A player's inventory (the player or an admin); the ETag header is its version",
    tags: ["inventory"],
    access: "player",
    group: "read",
    errors: [],
    params: idParams.describe("`id` is the player id"),
    query: none,
    body: none,
    response: inventorySchema,
    async handler({ auth, params }) {
      return ownerOrAdminOfPlayer(auth, params.id) ?? read(params.id);
    },
  });

  // The literal paths go before `/api/inventory/:id`.
  return [mine, items, addItem, write("add"), write("remove"), ofPlayer];
}
