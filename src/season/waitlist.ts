/**
 * The waitlist's rules (pure). Statuses move forward only: `waiting -> invited -> admitted`
 * (an admission may skip `invited`); any live entry can be `removed`, and a removed player who
 * joins again re-enters the queue at the back. Positions are first come, first served: a
 * waiting entry's position is 1 + the number of waiting entries with a smaller `queueSeq`.
 */
import type { NewSeasonEvent, WaitlistStatus } from "./events.js";

/** A waitlist entry as the rules see it. */
export interface WaitlistEntryState {
  readonly id: string;
  readonly playerId: string;
  readonly queueSeq: number;
  readonly status: WaitlistStatus;
}

/** Why a waitlist change is refused. */
export type WaitlistRejection = "waitlist/in_game" | "waitlist/already_removed" | "waitlist/bad_transition";

/** The forward moves: from -> the statuses it may move to (removal aside). */
const FORWARD: Readonly<Record<WaitlistStatus, readonly WaitlistStatus[]>> = {
  waiting: ["invited", "admitted"],
  invited: ["admitted"],
  admitted: [],
  removed: [],
};

/** Whether `from -> to` is a forward move. */
export function canAdvance(from: WaitlistStatus, to: WaitlistStatus): boolean {
  return FORWARD[from].includes(to);
}

/**
 * Decides a join. `existing` is the player's entry (if any); `firstJoin` whether the player has
 * never joined before; `id`/`queueSeq` are the new entry's (or the re-join's) values.
 * A join while live (not removed) is idempotent: no events.
 */
export function decideJoin(
  existing: WaitlistEntryState | null,
  cmd: { readonly playerId: string; readonly id: string; readonly queueSeq: number },
): { readonly changed: boolean; readonly events: readonly NewSeasonEvent[] } {
  if (existing !== null && existing.status !== "removed") return { changed: false, events: [] };
  const id = existing?.id ?? cmd.id;
  const added: NewSeasonEvent = { type: "WAITLIST_ADDED", playerId: cmd.playerId, payload: { _v: 1, waitlistId: id, queueSeq: cmd.queueSeq } };
  if (existing !== null) return { changed: true, events: [added] };
  return { changed: true, events: [{ type: "SEASON0_JOINED", playerId: cmd.playerId, payload: { _v: 1, waitlistId: id } }, added] };
}

/** Decides a removal; `seated` is whether the player holds a seat at a live table. */
export function decideRemove(entry: WaitlistEntryState, seated: boolean): { ok: true; events: readonly NewSeasonEvent[] } | { ok: false; code: WaitlistRejection } {
  if (entry.status === "removed") return { ok: false, code: "waitlist/already_removed" };
  if (seated) return { ok: false, code: "waitlist/in_game" };
  return { ok: true, events: [{ type: "WAITLIST_REMOVED", playerId: entry.playerId, payload: { _v: 1, waitlistId: entry.id, from: entry.status } }] };
}

/** Decides moving entries forward to `to` (an admission wave): one event per entry. */
export function decideAdvance(entries: readonly WaitlistEntryState[], to: WaitlistStatus): { ok: true; events: readonly NewSeasonEvent[] } | { ok: false; code: WaitlistRejection } {
  const events: NewSeasonEvent[] = [];
  for (const e of entries) {
    if (!canAdvance(e.status, to)) return { ok: false, code: "waitlist/bad_transition" };
    events.push({ type: "WAITLIST_STATUS_UPDATED", playerId: e.playerId, payload: { _v: 1, waitlistId: e.id, from: e.status, to } });
  }
  return { ok: true, events };
}

/** Positions of waiting entries (1-based, by `queueSeq`); entries not waiting have none. */
export function waitingPositions(entries: Iterable<WaitlistEntryState>): Map<string, number> {
  const waiting = [...entries].filter((e) => e.status === "waiting").sort((a, b) => a.queueSeq - b.queueSeq);
  return new Map(waiting.map((e, i) => [e.id, i + 1]));
}
