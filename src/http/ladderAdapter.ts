/**
 * Adapts the ladder service (src/ladder/service.ts) and its delta history to the HTTP layer's
 * {@link LadderPort}: ids and tiers in, API views out, and the SSE resume by `Last-Event-ID`.
 */
import type { PlayerId } from "../game/types.js";
import type { SequencedDelta } from "../ladder/deltas.js";
import { toPlayerId, type RankedEntry } from "../ladder/ranking.js";
import { isProvisional, type RatingRebuildResult } from "../ladder/rating.js";
import type { LadderService, SeasonReset, TierQuery } from "../ladder/service.js";
import type { LadderPort, RankingView, ScoresPort, SeasonStandingsView } from "./ports.js";

/** Where the SSE stream reads deltas: live subscription plus a bounded history (InProcessDeltaPublisher fits). */
export interface DeltaFeed {
  subscribe(listener: (d: SequencedDelta) => void): () => void;
  since(lastId: number): { readonly deltas: readonly SequencedDelta[]; readonly complete: boolean };
}

/** A ranked entry as the API shows it (the rating tier's entries say whether they are provisional). */
export function rankingView(r: RankedEntry, tier: TierQuery["tier"] = "all_time"): RankingView {
  const view = {
    rank: r.rank,
    playerId: r.entry.playerId,
    total: r.entry.total,
    highest: r.entry.highest,
    average: r.entry.average,
    games: r.entry.games,
    wins: r.entry.wins,
    firstReachedAt: new Date(r.entry.firstReachedAt).toISOString(),
  };
  return tier === "rating" ? { ...view, provisional: isProvisional(r.entry.games) } : view;
}

function pid(raw: string): PlayerId | null {
  try {
    return toPlayerId(raw);
  } catch {
    return null;
  }
}

/** What the composition root adds to the port beside the ladder service. */
export interface LadderPortExtras {
  /** Runs first in an admin rebuild (db/ratings.ts `rebuildRatings` over the database). */
  readonly rebuildRatings?: () => Promise<RatingRebuildResult>;
  /** The admin season reset: the same path as a scheduled end, rewards included (src/app/seasons.ts). */
  readonly endSeason?: () => Promise<SeasonReset>;
  /** An ended season's final standings (db/seasonEnd.ts); unset: none are served. */
  readonly seasonStandings?: (season: number, limit: number, fromRank: number) => Promise<SeasonStandingsView | null>;
}

/** Builds the port. `scores` is null until action tokens are wired (the routes answer 503). */
export function createLadderPort(service: LadderService, feed: DeltaFeed, scores: ScoresPort | null, extras: LadderPortExtras = {}): LadderPort {
  const { rebuildRatings } = extras;
  return {
    async top(q, limit, cursor) {
      const [page, count] = await Promise.all([service.top(q, limit, cursor), service.count(q)]);
      if (!page.ok) return null;
      return {
        tier: q.tier,
        season: q.tier === "season" ? (q.season ?? null) : null,
        entries: page.value.entries.map((e) => rankingView(e, q.tier)),
        nextCursor: page.value.nextCursor,
        total: count.ok ? count.value : 0,
      };
    },
    async rankOf(q, playerId) {
      const id = pid(playerId);
      if (id === null) return null;
      const r = await service.rankOf(q, id);
      return r.ok && r.value !== null ? rankingView(r.value, q.tier) : null;
    },
    async around(q, playerId, radius) {
      const id = pid(playerId);
      if (id === null) return null;
      const r = await service.around(q, id, radius);
      return r.ok && r.value !== null ? r.value.map((e) => rankingView(e, q.tier)) : null;
    },
    scores,
    seasonStandings: (season, limit, fromRank) => extras.seasonStandings?.(season, limit, fromRank) ?? Promise.resolve(null),
    async resetSeason() {
      const r = extras.endSeason === undefined ? await service.resetSeason() : await extras.endSeason();
      if (r === null) throw new Error("season reset: an admin reset always ends the current season");
      return { endedSeason: r.closed, currentSeason: r.opened };
    },
    async rebuild() {
      const ratings = rebuildRatings === undefined ? null : await rebuildRatings();
      const r = await service.rebuild();
      let n = 0;
      for (const v of Object.values(r)) n += v ?? 0;
      return { entries: n, ratings };
    },
    async removePlayer(playerId, deleteRows) {
      const id = pid(playerId);
      if (id === null) return deleteRows();
      const known = await service.standingsOf(id);
      const gone = await deleteRows();
      if (gone) await service.removePlayer(id, known);
      return gone;
    },
    subscribe(lastEventId, onDelta) {
      const send = (d: SequencedDelta): void => onDelta({ id: String(d.id), data: d.delta });
      let last = 0;
      const live = feed.subscribe((d) => {
        if (d.id > last) {
          last = d.id;
          send(d);
        }
      });
      const after = lastEventId === null ? null : Number(lastEventId);
      if (after !== null && Number.isSafeInteger(after) && after >= 0) {
        for (const d of feed.since(after).deltas) {
          if (d.id > last) {
            last = d.id;
            send(d);
          }
        }
      }
      return live;
    },
  };
}
