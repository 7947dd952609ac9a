/**
 * A new table under its creator's limits (rooms/admission.ts): live tables per player and the
 * server bots asked for on them. The places are taken before anything is written and held until
 * the table's room goes, so a table its people left, played on by bots, still counts against its
 * creator until the game ends and the room is disposed.
 */
import type { RoomDeps } from "../ports.js";
import { botsAskedFor, creatorOf, isRefusal, type TableLease } from "../admission.js";
import { joinError } from "./clients.js";
import { createTable, type CreatedTable } from "./lifecycle.js";
import type { SeatHandoverPorts } from "./seatHandover.js";

/** A created table and the lease it holds (null: opened by the server itself, e.g. a restore). */
export interface LimitedTable {
  readonly table: Extract<CreatedTable, { ok: true }>;
  readonly lease: TableLease | null;
}

/** Creates the table `rawOptions` ask for under its creator's limits; a refusal throws the join error. */
export async function createLimitedTable(deps: Pick<RoomDeps, "admission" | "engine" | "games" | "roomDirectory" | "now" | "randomUuid" | "randomSeed" | "restoreKey">, rawOptions: unknown): Promise<LimitedTable> {
  const creator = creatorOf(rawOptions);
  const lease = creator === null ? null : await deps.admission.openTable(creator, botsAskedFor(rawOptions));
  if (lease !== null && isRefusal(lease)) throw joinError(lease.code, lease.detail);
  const giveBack = async (): Promise<void> => {
    if (lease !== null) await deps.admission.closeTable(lease);
  };
  const table = await createTable(deps, rawOptions).catch(async (err: unknown) => {
    await giveBack();
    throw err;
  });
  if (!table.ok) {
    await giveBack();
    throw joinError(table.code, table.detail);
  }
  return { table, lease };
}

/** `add_bot` bots count against the creator's bots limit with the table's lease (none: a restored or server-opened table). */
export function leaseBotCounting(admission: RoomDeps["admission"], lease: () => TableLease | null): Pick<SeatHandoverPorts, "countBot" | "uncountBot"> {
  return {
    countBot: async () => {
      const held = lease();
      const refused = held === null ? null : await admission.addBots(held, 1);
      return refused === null ? null : { ok: false, code: refused.code, message: refused.detail };
    },
    uncountBot: () => {
      const held = lease();
      return held === null ? Promise.resolve() : admission.removeBots(held, 1);
    },
  };
}
