/**
 * The profile's seasons section: the player's current skill rating (provisional shown as such) and
 * past seasons' final rank and rewards, both from `GET /api/players/:id/seasons` (one read, and no
 * 404 for a player not rated yet).
 * docs/CLIENT.md, docs/API.md.
 */
import * as z from "zod/mini";
import { h } from "../dom.js";
import { request } from "../http.js";
import { rewardsText } from "../seasonText.js";

const ratingSchema = z.object({ rank: z.int(), total: z.number(), games: z.int(), provisional: z.optional(z.boolean()) });

const finalStanding = z.object({ rank: z.int(), total: z.number(), games: z.int(), wins: z.int() });

const pastSeasonsSchema = z.object({
  playerId: z.string(),
  rating: z.nullable(ratingSchema),
  seasons: z.array(
    z.object({
      season: z.int(),
      endedAt: z.string(),
      tiers: z.object({ season: z.nullable(finalStanding), rating: z.nullable(finalStanding) }),
      rewards: z.object({ coins: z.number(), cosmeticId: z.nullable(z.string()) }),
    }),
  ),
});

function ratingLine(rating: z.infer<typeof ratingSchema> | "none" | "error"): HTMLElement {
  if (rating === "none") return h("p", { class: "muted", "data-testid": "profile-rating" }, "Not rated yet: ratings start after a game with at least two people.");
  if (rating === "error") return h("p", { class: "muted", "data-testid": "profile-rating" }, "The rating is not available.");
  return h(
    "p",
    { "data-testid": "profile-rating", "data-provisional": String(rating.provisional === true) },
    `Rating ${rating.total} (rank ${rating.rank}, ${rating.games} rated game${rating.games === 1 ? "" : "s"})`,
    rating.provisional === true ? h("span", { class: "badge", title: "Fewer than 5 rated games: the rating is still settling" }, "provisional") : null,
  );
}

/** Builds the section (resolves once both reads answered; failures are shown, never thrown). */
export async function seasonsSection(playerId: string): Promise<HTMLElement> {
  const id = encodeURIComponent(playerId);
  const past = await request(`/api/players/${id}/seasons`, pastSeasonsSchema);
  const rating = past.ok ? (past.data.rating ?? "none") : "error";
  return h(
    "section",
    { class: "panel", "data-testid": "profile-seasons" },
    h("h2", null, "Rating and seasons"),
    ratingLine(rating),
    !past.ok
      ? h("p", { class: "muted" }, `Past seasons are not available: ${past.problem.message}`)
      : past.data.seasons.length === 0
        ? h("p", { class: "muted", "data-testid": "no-past-seasons" }, "No finished season yet.")
        : h(
            "table",
            { class: "games", "data-testid": "past-seasons" },
            h(
              "thead",
              null,
              h("tr", null, h("th", { scope: "col" }, "Season"), h("th", { scope: "col" }, "Final rank"), h("th", { scope: "col" }, "Points"), h("th", { scope: "col" }, "Rating"), h("th", { scope: "col" }, "Rewards")),
            ),
            h(
              "tbody",
              null,
              past.data.seasons.map((s) =>
                h(
                  "tr",
                  { "data-testid": "past-season", "data-season": String(s.season) },
                  h("td", null, `Season ${s.season}`),
                  h("td", null, s.tiers.season === null ? "–" : `#${s.tiers.season.rank}`),
                  h("td", null, s.tiers.season === null ? "–" : `${s.tiers.season.total} (${s.tiers.season.games} game${s.tiers.season.games === 1 ? "" : "s"})`),
                  h("td", null, s.tiers.rating === null ? "–" : `${s.tiers.rating.total} (#${s.tiers.rating.rank})`),
                  h("td", null, rewardsText(s.rewards)),
                ),
              ),
            ),
          ),
  );
}
