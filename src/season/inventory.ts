/**
 * The inventory's rules (pure). A player's inventory has a `version` (its ETag); a write names
 * the version it read (`If-Match`) and is refused if the inventory has moved on since. Removing
 * more than is held is refused and changes nothing.
 */
import type { NewSeasonEvent } from "./events.js";

/** A player's inventory as read under its row lock. */
export interface InventoryState {
  readonly version: number;
  /** item id -> quantity held (absent: 0). */
  readonly held: ReadonlyMap<string, number>;
}

/** An inventory write. */
export interface InventoryCommand {
  readonly kind: "add" | "remove";
  readonly playerId: string;
  readonly itemId: string;
  readonly quantity: number;
  /** The version the caller read (`If-Match`). */
  readonly expectedVersion: number;
}

/** Why an inventory write is refused. */
export type InventoryRejection = "inventory/version_conflict" | "inventory/item_not_held" | "inventory/overflow";

/** The outcome of {@link decideInventory}: the new version, the item's new count and the events. */
export type InventoryDecision =
  | { readonly ok: true; readonly version: number; readonly held: number; readonly events: readonly NewSeasonEvent[] }
  | { readonly ok: false; readonly code: InventoryRejection };

/** Decides an inventory write. */
export function decideInventory(state: InventoryState, cmd: InventoryCommand): InventoryDecision {
  if (cmd.expectedVersion !== state.version) return { ok: false, code: "inventory/version_conflict" };
  const now = state.held.get(cmd.itemId) ?? 0;
  const version = state.version + 1;
  switch (cmd.kind) {
    case "add": {
      const held = now + cmd.quantity;
      if (!Number.isSafeInteger(held)) return { ok: false, code: "inventory/overflow" };
      return {
        ok: true,
        version,
        held,
        events: [
          { type: "ITEM_ADDED", playerId: cmd.playerId, payload: { _v: 1, itemId: cmd.itemId, quantity: cmd.quantity, held } },
          { type: "INVENTORY_UPDATED", playerId: cmd.playerId, payload: { _v: 1, version } },
        ],
      };
    }
    case "remove": {
      if (now < cmd.quantity) return { ok: false, code: "inventory/item_not_held" };
      const held = now - cmd.quantity;
      return {
        ok: true,
        version,
        held,
        events: [
          { type: "ITEM_REMOVED", playerId: cmd.playerId, payload: { _v: 1, itemId: cmd.itemId, quantity: cmd.quantity, held } },
          { type: "INVENTORY_UPDATED", playerId: cmd.playerId, payload: { _v: 1, version } },
        ],
      };
    }
  }
}
