/**
 * A `create` carries the creator's join options too (Colyseus passes the same options to the
 * room's creation and to the creator's join). This checks, before the table writes anything,
 * whether that join would be refused, so a refused `create` leaves no game row behind.
 */
import type { JoinErrorCode, TableJoinOptions } from "../../src/shared/protocol.js";

/** The creator's join options as `parseJoinOptions` read them from the `create` options. */
export type ParsedJoinOptions = { readonly ok: true; readonly options: TableJoinOptions } | { readonly ok: false; readonly code: JoinErrorCode; readonly detail: string };

/** Why the creator's own join would be refused at a new table of `seats` with `bots` bots, or null. */
export function creatorJoinRefusal(join: ParsedJoinOptions, seats: number, bots: number): { readonly code: JoinErrorCode; readonly detail: string } | null {
  if (!join.ok) return { code: join.code, detail: join.detail };
  const { seat, spectate } = join.options;
  if (spectate === true) return null;
  if (seat !== undefined && seat >= seats) return { code: "join/invalid_options", detail: `seat must be 0..${seats - 1} at a table of ${seats} seats` };
  // The last `bots` seats are promised to the table's bots when it is created.
  if (seat !== undefined && seat >= seats - bots) return { code: "table/seat_unavailable", detail: `seat ${seat} is reserved for a bot` };
  if (seat === undefined && bots >= seats) return { code: "table/seat_unavailable", detail: "every seat is promised to a bot: create with { spectate: true } to watch" };
  return null;
}
