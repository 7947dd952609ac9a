/**
 * The ladder as the lobby shows it: the top rows of both tiers from the lobby's snapshot, moved
 * by live deltas. Ranks in a top list are contiguous (1..N), so a delta is applied by taking the
 * player out, putting it back at its new rank and numbering the rows again: everyone between
 * the old and the new place shifts by one, exactly as on the server. Changed rows remember
 * their move so the page can show it.
 */
import * as z from "zod/mini";

export const TOP_N = 20;
export const TIERS = ["all_time", "season", "rating"] as const;
export type Tier = (typeof TIERS)[number];

const row = z.object({
  rank: z.int(),
  playerId: z.string(),
  displayName: z.string(),
  total: z.number(),
  highest: z.optional(z.number()),
  games: z.optional(z.int()),
  wins: z.optional(z.int()),
});
export type LadderRowData = z.infer<typeof row>;

/** `ladder_snapshot` (src/shared/protocol.ts). */
export const snapshotSchema = z.object({
  season: z.int(),
  tiers: z.object({ all_time: z.array(row), season: z.array(row), rating: z.optional(z.array(row)) }),
  generatedAt: z.string(),
});

/** `ladder_delta` (src/ladder/deltas.ts). */
export const deltaSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("ladder.changed"),
    tier: z.enum(TIERS),
    season: z.nullable(z.int()),
    playerId: z.string(),
    total: z.number(),
    at: z.number(),
    oldRank: z.nullable(z.int()),
    newRank: z.int(),
    change: z.number(),
  }),
  z.object({
    type: z.literal("ladder.removed"),
    tier: z.enum(TIERS),
    season: z.nullable(z.int()),
    playerId: z.string(),
    total: z.number(),
    at: z.number(),
    oldRank: z.int(),
    newRank: z.null(),
    change: z.number(),
  }),
]);
export type LadderDeltaData = z.infer<typeof deltaSchema>;

export interface LadderEntry extends LadderRowData {
  /** Set on a row a delta changed: its old rank (null: it was not ranked) and the points gained. */
  readonly move?: { readonly oldRank: number | null; readonly change: number; readonly at: number };
}

export interface Ladder {
  readonly season: number | null;
  readonly tiers: Readonly<Record<Tier, readonly LadderEntry[]>>;
}

export const EMPTY_LADDER: Ladder = { season: null, tiers: { all_time: [], season: [], rating: [] } };

export function fromSnapshot(s: z.infer<typeof snapshotSchema>): Ladder {
  const top = (rows: readonly LadderRowData[]) => [...rows].sort((a, b) => a.rank - b.rank).slice(0, TOP_N);
  return { season: s.season, tiers: { all_time: top(s.tiers.all_time), season: top(s.tiers.season), rating: top(s.tiers.rating ?? []) } };
}

/**
 * Applies one delta. `nameOf` gives a name for a player who was not in the list (the delta
 * carries none); `now` stamps the move.
 */
export function applyDelta(ladder: Ladder, d: LadderDeltaData, nameOf: (playerId: string) => string, now: number): Ladder {
  if (d.tier === "season" && ladder.season !== null && d.season !== null && d.season !== ladder.season) return ladder;
  const before = ladder.tiers[d.tier];
  const old = before.find((r) => r.playerId === d.playerId);
  const rows: LadderEntry[] = before.filter((r) => r.playerId !== d.playerId);
  if (d.type === "ladder.changed" && d.newRank >= 1 && d.newRank <= TOP_N) {
    const entry: LadderEntry = {
      ...(old ?? { displayName: nameOf(d.playerId) }),
      playerId: d.playerId,
      rank: d.newRank,
      total: d.total,
      move: { oldRank: d.oldRank, change: d.change, at: now },
    };
    rows.splice(Math.min(d.newRank - 1, rows.length), 0, entry);
  }
  const renumbered = rows.slice(0, TOP_N).map((r, i) => (r.rank === i + 1 ? r : { ...r, rank: i + 1 }));
  return { season: ladder.season, tiers: { ...ladder.tiers, [d.tier]: renumbered } };
}

/** Fills in a name learnt later for a row that came in by a delta. */
export function withName(ladder: Ladder, playerId: string, name: string): Ladder {
  const fix = (rows: readonly LadderEntry[]) => rows.map((r) => (r.playerId === playerId ? { ...r, displayName: name } : r));
  return { season: ladder.season, tiers: { all_time: fix(ladder.tiers.all_time), season: fix(ladder.tiers.season), rating: fix(ladder.tiers.rating) } };
}

export function tierTitle(tier: Tier, season: number | null): string {
  return tier === "all_time" ? "All time" : tier === "rating" ? "Rating" : season === null ? "This season" : `Season ${season}`;
}
