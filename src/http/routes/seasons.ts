/**
 * Seasons: the open season with the time left on its schedule, and a player's past seasons
 * (final rank, rewards granted). An ended season's whole standings are in ladder.ts
 * (`GET /api/seasons/:season/standings`). docs/LADDER.md, "Seasons on a schedule".
 */
import { z } from "zod";
import { fail, jsonRoute, none, ok } from "../route.js";
import { idParams, rankingSchema } from "../schemas.js";
import type { RouteDeps } from "./deps.js";

const currentSchema = z.object({
  season: z.number().int(),
  startedAt: z.iso.datetime(),
  endsAt: z.iso.datetime().nullable().describe("When the schedule ends the season; null without SEASON_SCHEDULE (admin resets only)"),
  secondsLeft: z.number().int().min(0).nullable().describe("Whole seconds until endsAt, rounded up; 0 once due (the scheduler ends it within its next check, at most 60 s)"),
  schedule: z.object({ expression: z.string(), timeZone: z.string() }).nullable(),
});

const finalStanding = z.object({ rank: z.number().int().min(1), total: z.number().int(), games: z.number().int(), wins: z.number().int() });

const pastSeasonSchema = z.object({
  season: z.number().int(),
  endedAt: z.iso.datetime(),
  trigger: z.enum(["schedule", "admin"]),
  tiers: z.object({
    season: finalStanding.nullable().describe("The final standing in the season's points tier (the rewards follow it); null: no entry"),
    rating: finalStanding.nullable().describe("The rating tier as it stood when the season ended (total: the shown rating); null: not rated then"),
  }),
  rewards: z.object({
    coins: z.number().int().min(0).describe("Coins deposited for the season (0: none, or not granted yet)"),
    cosmeticId: z.string().nullable().describe("The season's frame (season_<n>_frame) when granted"),
  }),
});

/** The season routes. */
export function seasonRoutes(deps: RouteDeps) {
  const current = jsonRoute({
    method: "get",
    path: "/api/seasons/current",
    summary: "The open season: its number, start, scheduled end and seconds left",
    tags: ["ladder"],
    access: "public",
    group: "read",
    errors: [],
    params: none,
    query: none,
    body: none,
    response: currentSchema,
    async handler() {
      return ok(await deps.seasons.current());
    },
  });

  const ofPlayer = jsonRoute({
    method: "get",
    path: "/api/players/:id/seasons",
    summary: "A player's rating now and past seasons, newest first: final rank and the rewards granted",
    description:
      "`rating`: the player's entry in the rating tier now, as GET /api/rankings/:playerId?tier=rating answers it, or null when not rated yet. `seasons`: only ended seasons in which the player had an entry in the season tier or the rating tier when the season ended (at most 100).",
    tags: ["players", "ladder"],
    access: "public",
    group: "read",
    errors: ["not_found"],
    params: idParams,
    query: none,
    body: none,
    response: z.object({
      playerId: z.string(),
      rating: rankingSchema.nullable().describe("The rating tier's entry now; null: not rated yet"),
      seasons: z.array(pastSeasonSchema),
    }),
    async handler({ params }) {
      if ((await deps.accounts.getPlayer(params.id)) === null) return fail("not_found", "no such player");
      const [rating, seasons] = await Promise.all([deps.ladder.rankOf({ tier: "rating" }, params.id), deps.seasons.ofPlayer(params.id)]);
      return ok({ playerId: params.id, rating, seasons });
    },
  });

  return [current, ofPlayer];
}
