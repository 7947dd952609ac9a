/**
 * `#/profile/:playerId`: a player's public profile, lifetime stats, rating and past seasons
 * (profileSeasons.ts) and recent games (each with a link to its replay).
 */
import * as z from "zod/mini";
import { h, mount } from "../dom.js";
import { request } from "../http.js";
import { identity } from "../session.js";
import { seasonsSection } from "./profileSeasons.js";

/** `GET /api/players/:id` (docs/API.md). */
const profileSchema = z.object({
  id: z.string(),
  displayName: z.string(),
  isBot: z.boolean(),
  isGuest: z.boolean(),
  createdAt: z.string(),
  stats: z.object({
    gamesPlayed: z.number(),
    gamesWon: z.number(),
    highestScore: z.nullable(z.number()),
    lowestScore: z.nullable(z.number()),
    totalPoints: z.number(),
    totalTricksWon: z.number(),
    mostConsecutiveWins: z.number(),
    mostConsecutiveLosses: z.number(),
    roundsPlayed: z.number(),
    bidsMade: z.number(),
    zeroBidsMade: z.number(),
    gamesAbandoned: z.number(),
    lastGameAt: z.nullable(z.string()),
  }),
});
type Stats = z.infer<typeof profileSchema>["stats"];

/** `GET /api/players/:id/sessions`: the games the player sat in, newest first. */
const sessionsSchema = z.array(
  z.object({
    gameId: z.string(),
    status: z.enum(["created", "in_progress", "completed"]),
    seat: z.int(),
    score: z.nullable(z.number()),
    won: z.nullable(z.boolean()),
    createdAt: z.string(),
    completedAt: z.nullable(z.string()),
  }),
);

const STAT_LABELS: readonly (readonly [keyof Stats, string])[] = [
  ["gamesPlayed", "Games played"],
  ["gamesWon", "Games won"],
  ["totalPoints", "Total points"],
  ["highestScore", "Best game"],
  ["lowestScore", "Worst game"],
  ["totalTricksWon", "Tricks won"],
  ["bidsMade", "Bids made / rounds played"],
  ["zeroBidsMade", "Zero bids made (bid 0, took 0)"],
  ["mostConsecutiveWins", "Longest winning streak (games)"],
  ["mostConsecutiveLosses", "Longest losing streak (games)"],
  ["gamesAbandoned", "Games abandoned (counted as lost)"],
  ["lastGameAt", "Last game"],
];

function when(s: string | null): string {
  if (s === null) return "–";
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? s : d.toLocaleString();
}

function statText(key: keyof Stats, stats: Stats): string {
  const v = stats[key];
  if (v === null) return "–";
  if (key === "lastGameAt") return when(String(v));
  if (key === "gamesWon" && stats.gamesPlayed > 0) return `${v} (${Math.round((stats.gamesWon / stats.gamesPlayed) * 100)}%)`;
  // Bids made exactly out of the rounds played, e.g. "14 / 30 (47%)".
  if (key === "bidsMade") return stats.roundsPlayed > 0 ? `${v} / ${stats.roundsPlayed} (${Math.round((stats.bidsMade / stats.roundsPlayed) * 100)}%)` : `${v} / 0`;
  return String(v);
}

export function profilePage(root: HTMLElement, playerId: string): () => void {
  let closed = false;
  mount(root, h("p", { class: "muted" }, "Loading the profile…"));
  const load = async (): Promise<void> => {
    const id = encodeURIComponent(playerId);
    const [profile, sessions, seasons] = await Promise.all([
      request(`/api/players/${id}`, profileSchema),
      request(`/api/players/${id}/sessions?limit=20`, sessionsSchema),
      seasonsSection(playerId),
    ]);
    if (closed) return;
    if (!profile.ok) {
      mount(root, h("div", { class: "panel", role: "alert", "data-testid": "profile-error" }, profile.problem.status === 404 ? "There is no such player." : profile.problem.message));
      return;
    }
    const p = profile.data;
    const isMe = identity()?.playerId === playerId;
    mount(
      root,
      h(
        "div",
        { class: "profile", "data-testid": "profile" },
        h(
          "section",
          { class: "panel" },
          h(
            "h1",
            { "data-testid": "profile-name" },
            p.displayName,
            p.isBot ? h("span", { class: "badge" }, "bot") : null,
            p.isGuest ? h("span", { class: "badge" }, "guest") : null,
            isMe ? h("span", { class: "badge me" }, "you") : null,
          ),
          h("p", { class: "muted small" }, `Playing since ${when(p.createdAt)}`),
          h("h2", null, "Lifetime"),
          h(
            "dl",
            { class: "stats", "data-testid": "profile-stats" },
            STAT_LABELS.map(([key, text]) => h("div", { "data-stat": key }, h("dt", null, text), h("dd", null, statText(key, p.stats)))),
          ),
        ),
        p.isBot ? null : seasons,
        h(
          "section",
          { class: "panel" },
          h("h2", null, "Recent games"),
          !sessions.ok
            ? h("p", { class: "muted" }, `Recent games are not available: ${sessions.problem.message}`)
            : sessions.data.length === 0
              ? h("p", { class: "muted" }, "No games yet.")
              : h(
                  "table",
                  { class: "games", "data-testid": "recent-games" },
                  h("thead", null, h("tr", null, h("th", { scope: "col" }, "When"), h("th", { scope: "col" }, "Score"), h("th", { scope: "col" }, "Result"), h("th", { scope: "col" }, "Game"))),
                  h(
                    "tbody",
                    null,
                    sessions.data.map((g) =>
                      h(
                        "tr",
                        { "data-testid": "recent-game", "data-game-id": g.gameId },
                        h("td", null, when(g.completedAt ?? g.createdAt)),
                        h("td", null, g.score === null ? "–" : String(g.score)),
                        h("td", null, g.status !== "completed" ? (g.status === "created" ? "waiting" : "playing") : g.won === true ? "won" : "lost"),
                        h(
                          "td",
                          null,
                          g.status === "completed"
                            ? h("a", { href: `#/replay/${g.gameId}`, "data-testid": "recent-replay" }, "Replay")
                            : h("a", { href: `#/table/${g.gameId}` }, "Open table"),
                        ),
                      ),
                    ),
                  ),
                ),
        ),
      ),
    );
  };
  void load();
  return () => {
    closed = true;
  };
}
