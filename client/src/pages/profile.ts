/**
 * `#/profile/:playerId`: a player's public profile, lifetime stats and recent games (each with
 * a link to its replay).
 */
import { z } from "zod";
import { h, mount } from "../dom.js";
import { request } from "../http.js";
import { identity } from "../session.js";

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const profileSchema = z
  .object({
    id: z.string().optional(),
    playerId: z.string().optional(),
    displayName: z.string().optional(),
    isBot: z.boolean().optional(),
    createdAt: z.string().optional(),
    stats: z.record(z.string(), scalar).nullish(),
    lifetime: z.record(z.string(), scalar).nullish(),
    lifetimeStats: z.record(z.string(), scalar).nullish(),
  })
  .passthrough();

const sessionRow = z
  .object({
    gameId: z.string(),
    score: z.number().nullish(),
    finalScore: z.number().nullish(),
    won: z.boolean().nullish(),
    seat: z.number().nullish(),
    status: z.string().nullish(),
    completedAt: z.string().nullish(),
    endedAt: z.string().nullish(),
    createdAt: z.string().nullish(),
  })
  .passthrough();
const sessionsSchema = z.union([
  z.array(sessionRow),
  z.object({ items: z.array(sessionRow) }).transform((x) => x.items),
  z.object({ sessions: z.array(sessionRow) }).transform((x) => x.sessions),
]);

/** `gamesPlayed` -> "Games played". */
function label(key: string): string {
  const words = key.replace(/_/g, " ").replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function when(s: string | null | undefined): string {
  if (s === null || s === undefined) return "";
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? s : d.toLocaleString();
}

export function profilePage(root: HTMLElement, playerId: string): () => void {
  let closed = false;
  mount(root, h("p", { class: "muted" }, "Loading the profile…"));
  const load = async (): Promise<void> => {
    const id = encodeURIComponent(playerId);
    const [profile, sessions] = await Promise.all([
      request(`/api/players/${id}`, profileSchema),
      request(`/api/players/${id}/sessions`, sessionsSchema),
    ]);
    if (closed) return;
    if (!profile.ok) {
      mount(root, h("div", { class: "panel", role: "alert", "data-testid": "profile-error" }, profile.problem.status === 404 ? "There is no such player." : profile.problem.message));
      return;
    }
    const p = profile.data;
    const stats = p.stats ?? p.lifetimeStats ?? p.lifetime ?? {};
    const isMe = identity()?.playerId === playerId;
    mount(
      root,
      h(
        "div",
        { class: "profile", "data-testid": "profile" },
        h(
          "section",
          { class: "panel" },
          h("h1", { "data-testid": "profile-name" }, p.displayName ?? "Player", p.isBot === true ? h("span", { class: "badge" }, "bot") : null, isMe ? h("span", { class: "badge me" }, "you") : null),
          p.createdAt !== undefined ? h("p", { class: "muted small" }, `Playing since ${when(p.createdAt)}`) : null,
          h("h2", null, "Lifetime"),
          Object.keys(stats).length === 0
            ? h("p", { class: "muted" }, "No finished games yet.")
            : h(
                "dl",
                { class: "stats", "data-testid": "profile-stats" },
                Object.entries(stats)
                  .filter(([k]) => k !== "playerId")
                  .map(([k, v]) => h("div", { "data-stat": k }, h("dt", null, label(k)), h("dd", null, v === null ? "–" : String(v)))),
              ),
        ),
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
                  h("thead", null, h("tr", null, h("th", { scope: "col" }, "When"), h("th", { scope: "col" }, "Score"), h("th", { scope: "col" }, "Result"), h("th", { scope: "col" }, "Replay"))),
                  h(
                    "tbody",
                    null,
                    sessions.data.slice(0, 20).map((g) => {
                      const done = g.status === undefined || g.status === null || g.status === "completed";
                      return h(
                        "tr",
                        { "data-testid": "recent-game", "data-game-id": g.gameId },
                        h("td", null, when(g.completedAt ?? g.endedAt ?? g.createdAt)),
                        h("td", null, String(g.score ?? g.finalScore ?? "–")),
                        h("td", null, g.won === true ? "won" : g.won === false ? "lost" : (g.status ?? "")),
                        h("td", null, done ? h("a", { href: `#/replay/${g.gameId}` }, "Replay") : "live"),
                      );
                    }),
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
