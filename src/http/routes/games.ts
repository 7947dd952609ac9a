/**
 * Games, their logs and fairness verdicts, and players' public profiles and sessions.
 *
 * A live game's log holds every hand and the secret seed, so `/events` and `/verify` answer
 * 409 `conflict/game_live` until the game completes.
 */
import { once } from "node:events";
import { z } from "zod";
import { fairnessOf } from "../../game/fairness.js";
import { INVITE_MAX_LENGTH } from "../../shared/protocol.js";
import type { GameEvent } from "../../game/types.js";
import { problem } from "../problem.js";
import { fail, jsonRoute, none, ok, okSerialized, rawRoute, type Reply } from "../route.js";
import {
  gameIdParams,
  gameListItemSchema,
  gameSchema,
  idParams,
  LIST_WITH_SUMMARY_MAX,
  listGamesQuery,
  pageQuery,
  profileSchema,
  sessionViewSchema,
  tableLookupSchema,
  uuid,
  verdictSchema,
} from "../schemas.js";
import type { AuthContext } from "../auth.js";
import { decodeListCursor, encodeListCursor, type Reader } from "../stores/games.js";
import type { RouteDeps } from "./deps.js";

/** The caller as a reader of listings: live private games show only to their players and admins. */
function readerOf(auth: AuthContext | null): Reader {
  return { playerId: auth?.playerId ?? null, admin: auth?.role === "admin" };
}

/** A short table code: the first 8 hex characters of a game id (lowercased here). */
const SHORT_CODE = /^[0-9a-f]{8}$/;

/** The game and player routes. */
export function gameRoutes(deps: RouteDeps) {
  const list = jsonRoute({
    method: "get",
    path: "/api/games",
    summary: "Games, newest first; filter by status and player; cursor pagination",
    description: `Items carry no \`summary\` unless \`include=summary\`, which allows at most ${LIST_WITH_SUMMARY_MAX} a page (\`GET /api/games/:id\` has one game's summary).`,
    tags: ["games"],
    access: "public",
    group: "read",
    paginated: true,
    errors: [],
    params: none,
    query: listGamesQuery,
    body: none,
    response: z.array(gameListItemSchema),
    async handler({ query, auth }) {
      const cursor = query.cursor === undefined ? null : decodeListCursor(query.cursor);
      if (query.cursor !== undefined && cursor === null) {
        return fail("validation/failed", "bad cursor", { errors: [{ in: "query", path: "cursor", message: "not a cursor from this list" }] });
      }
      const page = await deps.games.listGames({ status: query.status, playerId: query.player, limit: query.limit, cursor, reader: readerOf(auth), withSummary: query.include === "summary" });
      // The items are JSON already (mostly from memory): joined, not serialized again.
      return okSerialized(`[${page.items.join(",")}]`, { meta: { nextCursor: page.next === null ? null : encodeListCursor(page.next) } });
    },
  });

  const get = jsonRoute({
    method: "get",
    path: "/api/games/:id",
    summary: "A game, with its summary once completed",
    tags: ["games"],
    access: "public",
    group: "read",
    errors: ["not_found"],
    params: idParams,
    query: none,
    body: none,
    response: gameSchema,
    async handler({ params, auth }) {
      const game = await deps.games.getGame(params.id, readerOf(auth));
      return game === null ? fail("not_found", "no such game") : ok(game);
    },
  });

  const events = rawRoute({
    method: "get",
    path: "/api/games/:id/events",
    summary: "A completed game's whole event log as NDJSON, in index order",
    description: "One JSON object per line: `{ index, createdAt, event }`. A live game answers 409 conflict/game_live: its hands are secret.",
    tags: ["games"],
    access: "public",
    group: "read",
    errors: ["not_found", "conflict/game_live"],
    params: gameIdParams,
    query: z.object({ from: z.coerce.number().int().min(0).default(0).describe("First event index") }),
    produces: { contentType: "application/x-ndjson", description: "One `{ index, createdAt, event }` per line" },
    async handle({ params, query, signal }, res) {
      const status = await deps.games.statusOf(params.id);
      if (status === null) return problem("not_found", "no such game");
      if (status !== "completed") return problem("conflict/game_live", "the log is published when the game completes");
      res.status(200).type("application/x-ndjson");
      for await (const e of deps.readEvents(params.id, query.from)) {
        if (signal.aborted) break;
        const line = JSON.stringify({ index: e.eventIndex, createdAt: e.createdAt.toISOString(), event: e.event });
        if (!res.write(`${line}\n`)) await once(res, "drain", { signal }).catch(() => undefined);
      }
      res.end();
      return null;
    },
  });

  const verify = jsonRoute({
    method: "get",
    path: "/api/games/:id/verify",
    summary: "The fairness check's verdict for a completed game",
    description: "Recomputes every deal from the revealed seed, checks the seed against the commitment published at creation, and folds the log through the rules.",
    tags: ["games"],
    access: "public",
    group: "read",
    errors: ["not_found", "conflict/game_live"],
    params: gameIdParams,
    query: none,
    body: none,
    response: verdictSchema,
    async handler({ params, auth }): Promise<Reply<z.input<typeof verdictSchema>>> {
      const game = await deps.games.getGame(params.id, readerOf(auth));
      if (game === null) return fail("not_found", "no such game");
      if (game.status !== "completed" || game.sessionSeed === null) return fail("conflict/game_live", "a game is verified once it completes");
      const log: GameEvent[] = [];
      for await (const e of deps.readEvents(params.id)) log.push(e.event);
      const verdict = deps.verifyGame(log);
      return ok({
        gameId: game.id,
        ok: verdict.ok,
        problems: verdict.ok ? [] : [...verdict.problems],
        seedCommitment: game.seedCommitment,
        sessionSeed: game.sessionSeed,
        events: log.length,
        ...fairnessOf(log),
      });
    },
  });

  const profile = jsonRoute({
    method: "get",
    path: "/api/players/:id",
    summary: "A player's public profile and lifetime stats",
    tags: ["players"],
    access: "public",
    group: "read",
    errors: ["not_found"],
    params: idParams,
    query: none,
    body: none,
    response: profileSchema,
    async handler({ params }) {
      const p = await deps.games.profile(params.id);
      return p === null ? fail("not_found", "no such player") : ok(p);
    },
  });

  const sessions = jsonRoute({
    method: "get",
    path: "/api/players/:id/sessions",
    summary: "A player's sessions (the games it sat in), newest first",
    tags: ["players"],
    access: "public",
    group: "read",
    paginated: true,
    errors: ["not_found"],
    params: idParams,
    query: pageQuery,
    body: none,
    response: z.array(sessionViewSchema),
    async handler({ params, query, auth }) {
      const cursor = query.cursor === undefined ? null : decodeListCursor(query.cursor);
      if (query.cursor !== undefined && cursor === null) {
        return fail("validation/failed", "bad cursor", { errors: [{ in: "query", path: "cursor", message: "not a cursor from this list" }] });
      }
      if ((await deps.accounts.getPlayer(params.id)) === null) return fail("not_found", "no such player");
      const page = await deps.games.sessions(params.id, query.limit, cursor, readerOf(auth));
      return ok(page.items, { meta: { nextCursor: page.next === null ? null : encodeListCursor(page.next) } });
    },
  });

  const lookup = jsonRoute({
    method: "get",
    path: "/api/tables/:code",
    summary: "What a table code matches: the game and its status, or nothing",
    description:
      "A code is a game id, or its short form: the id's first 8 characters, which match a game not yet completed (and only when exactly one does). Any case. A live private table matches only for its players and admins, or with `?invite=` its invitation (docs/PROTOCOL.md, Private tables: what a shared invitation link carries). Always 200: `{ found: false }` when the code matches nothing, so a page can say so without a failed request.",
    tags: ["games"],
    access: "public",
    group: "read",
    errors: [],
    params: z.object({ code: z.string().max(100) }),
    query: z.object({ invite: z.string().min(1).max(INVITE_MAX_LENGTH).optional().describe("a private table's invitation (welcome.invite)") }),
    body: none,
    response: tableLookupSchema,
    async handler({ params, query, auth }) {
      const code = params.code.trim().toLowerCase();
      if (uuid.safeParse(code).success) {
        const game = await deps.games.getGame(code, readerOf(auth));
        if (game !== null) return ok({ found: true as const, gameId: game.id, status: game.status });
        // A live private table this reader may not see: its invitation opens it.
        const [invited] = query.invite === undefined ? [] : await deps.games.liveByPrefix(code, readerOf(auth), query.invite);
        return ok(invited === undefined ? { found: false as const } : { found: true as const, gameId: invited.id, status: invited.status });
      }
      // A short code: the first 8 characters of a game id, matching exactly one game not completed.
      if (!SHORT_CODE.test(code)) return ok({ found: false as const });
      const matches = await deps.games.liveByPrefix(code, readerOf(auth), query.invite);
      const [only] = matches;
      return ok(matches.length === 1 && only !== undefined ? { found: true as const, gameId: only.id, status: only.status } : { found: false as const });
    },
  });

  return [list, get, events, verify, profile, sessions, lookup];
}
