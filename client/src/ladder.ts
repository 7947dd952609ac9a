/**
 * The ladder as the lobby shows it: top rows per tier from a snapshot, moved by deltas. A delta
 * names only the players whose entry changed; everyone else keeps their order and fills the
 * remaining ranks, which is exactly what a rank move does to them. Each changed row remembers
 * its old rank and total so the page can show the move.
 */
import { z } from "zod";

export const TOP_N = 20;

const row = z.object({
  playerId: z.string(),
  displayName: z.string(),
  tier: z.string(),
  rank: z.number().int(),
  rating: z.number(),
  gamesPlayed: z.number().int(),
});
export type LadderRowData = z.infer<typeof row>;

export const snapshotSchema = z.object({ tiers: z.record(z.string(), z.array(row)), generatedAt: z.string() });
export const deltaSchema = z.object({ gameId: z.string(), committedAt: z.string(), changes: z.array(row) });

export interface LadderEntry extends LadderRowData {
  /** Set on rows a delta changed: where they were before (null: they were not in the top). */
  readonly move?: { readonly oldRank: number | null; readonly oldRating: number | null; readonly at: number };
}

export type Ladder = ReadonlyMap<string, readonly LadderEntry[]>;

export function fromSnapshot(s: z.infer<typeof snapshotSchema>): Ladder {
  const out = new Map<string, readonly LadderEntry[]>();
  for (const [tier, rows] of Object.entries(s.tiers)) out.set(tier, [...rows].sort((a, b) => a.rank - b.rank).slice(0, TOP_N));
  return out;
}

/** Applies one delta; `now` stamps the moves (the page fades them after a while). */
export function applyDelta(ladder: Ladder, changes: readonly LadderRowData[], now: number): Ladder {
  const out = new Map(ladder);
  const byTier = new Map<string, LadderRowData[]>();
  for (const c of changes) byTier.set(c.tier, [...(byTier.get(c.tier) ?? []), c]);
  for (const [tier, tierChanges] of byTier) {
    const before = out.get(tier) ?? [];
    const changedIds = new Set(tierChanges.map((c) => c.playerId));
    const slots: (LadderEntry | undefined)[] = [];
    for (const c of tierChanges) {
      const old = before.find((r) => r.playerId === c.playerId);
      if (c.rank >= 1 && c.rank <= TOP_N) {
        slots[c.rank - 1] = { ...c, move: { oldRank: old?.rank ?? null, oldRating: old?.rating ?? null, at: now } };
      }
    }
    const rest = before.filter((r) => !changedIds.has(r.playerId));
    const merged: LadderEntry[] = [];
    let next = 0;
    for (let i = 0; i < TOP_N; i++) {
      const fixed = slots[i];
      if (fixed !== undefined) merged.push(fixed);
      else {
        const r = rest[next++];
        if (r === undefined) continue;
        merged.push(r.rank === i + 1 ? r : { ...r, rank: i + 1 });
      }
    }
    out.set(tier, merged.sort((a, b) => a.rank - b.rank));
  }
  return out;
}

/** "All time", "Season 0", ... from a tier key. */
export function tierTitle(tier: string): string {
  const t = tier.toLowerCase();
  if (t === "all_time" || t === "alltime" || t === "all-time" || t === "global") return "All time";
  const season = /^season[:_ -]?(\d+)$/.exec(t);
  if (season) return `Season ${season[1]}`;
  if (t === "season") return "This season";
  return tier.replace(/[_:-]+/g, " ").replace(/^\w/, (c) => c.toUpperCase());
}
