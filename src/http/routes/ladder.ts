/**
 * Rankings and the ladder: the two tiers' pages, one player's rank, the players around one,
 * verified external scores (action tokens), the live delta stream (SSE) and the admin season
 * reset. The ladder service (src/ladder) does the work; these routes validate and translate.
 */
import { z } from "zod";
import { problem } from "../problem.js";
import { fail, jsonRoute, none, ok, rawRoute, type Reply } from "../route.js";
import type { TierQuery } from "../ports.js";
import {
  actionTokenSchema,
  cursor,
  issueActionBody,
  limit,
  playerIdParams,
  rankingSchema,
  scoreResultSchema,
  submitScoreBody,
  tierQuery,
} from "../schemas.js";
import type { RouteDeps } from "./deps.js";

const radius = z.coerce.number().int().min(1).max(50).default(5);
const tierOf = (q: { tier: "all_time" | "season" | "rating"; season?: number | undefined }): TierQuery =>
  q.tier !== "season" ? { tier: q.tier } : q.season === undefined ? { tier: "season" } : { tier: "season", season: q.season };

/** SSE heartbeat interval: keeps proxies from closing an idle stream. */
const HEARTBEAT_MS = 15_000;

/** The ladder routes. */
export function ladderRoutes(deps: RouteDeps) {
  const rankings = jsonRoute({
    method: "get",
    path: "/api/rankings",
    summary: "Rankings of a tier, best first (cursor pagination)",
    description: "Order: total descending; a tie goes to whoever reached the total first. Ranks are distinct.",
    tags: ["rankings"],
    access: "public",
    group: "read",
    paginated: true,
    errors: [],
    params: none,
    query: tierQuery.extend({ limit, cursor }),
    body: none,
    response: z.array(rankingSchema),
    async handler({ query }) {
      const page = await deps.ladder.top(tierOf(query), query.limit, query.cursor ?? null);
      if (page === null) return fail("validation/failed", "bad cursor", { errors: [{ in: "query", path: "cursor", message: "not a ranking cursor" }] });
      return ok([...page.entries], { meta: { nextCursor: page.nextCursor, total: page.total } });
    },
  });

  const rankOf = jsonRoute({
    method: "get",
    path: "/api/rankings/:playerId",
    summary: "One player's rank and entry in a tier",
    tags: ["rankings"],
    access: "public",
    group: "read",
    errors: ["not_found"],
    params: playerIdParams,
    query: tierQuery,
    body: none,
    response: rankingSchema,
    async handler({ params, query }) {
      const r = await deps.ladder.rankOf(tierOf(query), params.playerId);
      return r === null ? fail("not_found", "the player has no entry in this tier") : ok(r);
    },
  });

  const around = jsonRoute({
    method: "get",
    path: "/api/rankings/:playerId/around",
    summary: "The players ranked around one player (up to `radius` above and below, the player included)",
    tags: ["rankings"],
    access: "public",
    group: "read",
    errors: ["not_found"],
    params: playerIdParams,
    query: tierQuery.extend({ radius }),
    body: none,
    response: z.array(rankingSchema),
    async handler({ params, query }) {
      const r = await deps.ladder.around(tierOf(query), params.playerId, query.radius);
      return r === null ? fail("not_found", "the player has no entry in this tier") : ok([...r]);
    },
  });

  const top = jsonRoute({
    method: "get",
    path: "/api/ladder/top",
    summary: "The top N of a tier (default 10)",
    tags: ["ladder"],
    access: "public",
    group: "read",
    errors: [],
    params: none,
    query: tierQuery.extend({ limit: z.coerce.number().int().min(1).max(100).default(10) }),
    body: none,
    response: z.array(rankingSchema),
    async handler({ query }) {
      const page = await deps.ladder.top(tierOf(query), query.limit, null);
      return ok(page === null ? [] : [...page.entries], { meta: { total: page?.total ?? 0 } });
    },
  });

  const aroundMe = jsonRoute({
    method: "get",
    path: "/api/ladder/around-me",
    summary: "The players ranked around the caller",
    tags: ["ladder"],
    access: "player",
    group: "read",
    errors: ["not_found"],
    params: none,
    query: tierQuery.extend({ radius }),
    body: none,
    response: z.array(rankingSchema),
    async handler({ auth, query }) {
      if (auth === null) return fail("auth/missing_token");
      const r = await deps.ladder.around(tierOf(query), auth.playerId, query.radius);
      return r === null ? fail("not_found", "you have no entry in this tier yet") : ok([...r]);
    },
  });

  const actions = jsonRoute({
    method: "post",
    path: "/api/actions",
    summary: "Issue an action token for a completed action (trusted services, X-Service-Key)",
    description: "The token is `base64(action_id:user_id:max_score:expires_at)` + `.` + HMAC-SHA256 signature. It is valid once, until it expires.",
    tags: ["ladder"],
    access: "service",
    group: "write",
    idempotent: true,
    errors: ["not_found", "service/disabled", "auth/invalid_service_key"],
    status: 201,
    params: none,
    query: none,
    body: issueActionBody,
    response: actionTokenSchema,
    async handler({ body }): Promise<Reply<z.input<typeof actionTokenSchema>>> {
      const scores = deps.ladder.scores;
      if (scores === null) return fail("service/disabled", "action tokens are not available in this build");
      if ((await deps.accounts.getUser(body.userId)) === null) return fail("not_found", "no such user");
      return ok(await scores.issueActionToken(body), { status: 201 });
    },
  });

  const scores = jsonRoute({
    method: "post",
    path: "/api/ladder/scores",
    summary: "Submit an external score with an action token",
    description:
      "Checks the token's signature (constant time), expiry, that it was issued to the caller, and that delta <= max_score; each token is used once. A replayed token gets 409 action_token/replayed with the first response in `firstResponse`, and changes nothing.",
    tags: ["ladder"],
    access: "user",
    group: "scores",
    idempotent: true,
    status: 201,
    errors: [
      "action_token/malformed",
      "action_token/bad_signature",
      "action_token/expired",
      "action_token/wrong_user",
      "action_token/over_max_score",
      "action_token/replayed",
      "ladder/overflow",
      "not_found",
      "service/disabled",
    ],
    params: none,
    query: none,
    body: submitScoreBody,
    response: scoreResultSchema,
    async handler({ auth, body }): Promise<Reply<z.input<typeof scoreResultSchema>>> {
      if (auth?.userId === null || auth === null) return fail("auth/forbidden", "external scores count for registered users");
      const scores = deps.ladder.scores;
      if (scores === null) return fail("service/disabled", "score submission is not available in this build");
      const r = await scores.submitScore({ userId: auth.userId, playerId: auth.playerId, token: body.token, delta: body.delta });
      switch (r.kind) {
        case "applied":
          return ok(r.result, { status: 201 });
        case "replayed":
          return fail("action_token/replayed", "this action token was already used; nothing changed", { extra: { firstResponse: r.first } });
        case "rejected":
          return fail(r.code, r.message);
      }
    },
  });

  const stream = rawRoute({
    method: "get",
    path: "/api/ladder/stream",
    summary: "Live ladder deltas (Server-Sent Events)",
    description:
      "Each committed ladder change produces one `delta` event per tier (`id:` is monotonic). Reconnect with `Last-Event-ID` (header, or `lastEventId` query) to resume after the last delta seen. A comment line is sent every 15 s.",
    tags: ["ladder"],
    access: "public",
    group: "stream",
    errors: [],
    params: none,
    query: z.object({ lastEventId: z.string().max(128).optional().describe("Same as the Last-Event-ID header") }),
    produces: { contentType: "text/event-stream", description: "`event: delta` messages with JSON data" },
    async handle({ query, headers, signal }, res) {
      const header = headers["last-event-id"];
      const lastEventId = (typeof header === "string" && header !== "" ? header : undefined) ?? query.lastEventId ?? null;
      if (lastEventId !== null && !/^[\x20-\x7e]{1,128}$/.test(lastEventId)) {
        return problem("validation/failed", "bad Last-Event-ID", { errors: [{ in: "header", path: "Last-Event-ID", message: "1-128 visible ASCII characters" }] });
      }
      res.status(200);
      res.setHeader("Content-Type", "text/event-stream; charset=utf-8");
      res.setHeader("Cache-Control", "no-cache, no-transform");
      res.setHeader("Connection", "keep-alive");
      res.setHeader("X-Accel-Buffering", "no");
      res.flushHeaders();
      res.write("retry: 3000\n\n");
      const unsubscribe = deps.ladder.subscribe(lastEventId, (e) => {
        res.write(`id: ${e.id}\nevent: delta\ndata: ${JSON.stringify(e.data)}\n\n`);
      });
      const heartbeat = setInterval(() => res.write(": ping\n\n"), HEARTBEAT_MS);
      await new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        else signal.addEventListener("abort", () => resolve(), { once: true });
      });
      clearInterval(heartbeat);
      unsubscribe();
      res.end();
      return null;
    },
  });

  const seasonReset = jsonRoute({
    method: "post",
    path: "/api/admin/seasons",
    summary: "Season reset (admin): archive the current season's tier and start the next season",
    description:
      "Only administrators may reset (spec 001's edge case: anyone else is 403 auth/forbidden). The same path as a scheduled season end: the season's final standings are snapshotted, the next season opens, LEADERBOARD_RESET goes into the season event log, and the coin rewards by rank band are granted (idempotent per season and player).",
    tags: ["admin", "ladder"],
    access: "admin",
    group: "admin",
    idempotent: true,
    errors: [],
    status: 201,
    params: none,
    query: none,
    body: none,
    response: z.object({ endedSeason: z.number().int(), currentSeason: z.number().int() }),
    async handler() {
      return ok(await deps.ladder.resetSeason(), { status: 201 });
    },
  });

  const standings = jsonRoute({
    method: "get",
    path: "/api/seasons/:season/standings",
    summary: "An ended season's final standings, as snapshotted when it ended (rank 1 first)",
    description: "`fromRank` (default 1) and `limit` page through them. 404 while the season has not ended.",
    tags: ["ladder"],
    access: "public",
    group: "read",
    errors: ["not_found"],
    params: z.object({ season: z.coerce.number().int().min(0).max(999_999_999) }),
    query: z.object({ limit, fromRank: z.coerce.number().int().min(1).max(2_000_000_000).default(1) }),
    body: none,
    response: z.object({
      season: z.number().int(),
      trigger: z.enum(["schedule", "admin"]),
      endedAt: z.iso.datetime(),
      scheduledFor: z.iso.datetime().nullable(),
      standings: z.array(z.object({ rank: z.number().int(), playerId: z.string(), total: z.number().int(), games: z.number().int(), wins: z.number().int() })),
    }),
    async handler({ params, query }) {
      const r = await deps.ladder.seasonStandings(params.season, query.limit, query.fromRank);
      return r === null ? fail("not_found", `season ${params.season} has not ended`) : ok({ ...r, standings: [...r.standings] });
    },
  });

  const rebuild = jsonRoute({
    method: "post",
    path: "/api/admin/ladder/rebuild",
    summary: "Recompute every skill rating from the stored summaries, then rebuild the ladder cache from PostgreSQL (admin)",
    description:
      "Replays every completed game in completion order from its stored summary (one transaction; completions that rate wait for it), replaces the ratings and the `rating` tier, then reloads every active tier's cache. `entries`: cache entries loaded over all tiers; `ratings`: games replayed, games rated, players rated. No ladder deltas are published.",
    tags: ["admin", "ladder"],
    access: "admin",
    group: "admin",
    errors: [],
    params: none,
    query: none,
    body: none,
    response: z.object({
      entries: z.number().int(),
      ratings: z.object({ games: z.number().int(), rated: z.number().int(), players: z.number().int() }).nullable(),
    }),
    async handler() {
      return ok(await deps.ladder.rebuild());
    },
  });

  // The spec's Leaderboard Service paths: aliases of the same routes (one implementation).
  const leaderboard = { ...rankings, path: "/api/leaderboard", summary: `${rankings.summary} (alias of GET /api/rankings)` };
  const leaderboardOf = { ...rankOf, path: "/api/leaderboard/:playerId", summary: `${rankOf.summary} (alias of GET /api/rankings/:playerId)` };
  const leaderboardReset = { ...seasonReset, path: "/api/leaderboard/reset", summary: `${seasonReset.summary} (alias of POST /api/admin/seasons)` };
  return [rankings, around, rankOf, top, aroundMe, actions, scores, stream, seasonReset, standings, rebuild, leaderboard, leaderboardOf, leaderboardReset];
}
