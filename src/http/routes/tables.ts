/**
 * The Game Service over REST: start a table, join one, leave one. Start and join answer a
 * Colyseus seat reservation, which the client hands to `client.consumeSeatReservation` to
 * connect: HTTP and WebSocket entry share one matchmaker (src/app/tableEntry.ts). A full table
 * is `table/full`; a started game without the caller's seat is `table/game_in_progress`.
 */
import { z } from "zod";
import { tableCreateOptionsSchema, tableJoinOptionsSchema } from "../../shared/protocol.js";
import type { AuthContext } from "../auth.js";
import type { TableEntryResult } from "../ports.js";
import { fail, jsonRoute, none, ok, type Reply } from "../route.js";
import { uuid } from "../schemas.js";
import type { RouteDeps } from "./deps.js";

const reservationAnswer = z.object({
  gameId: uuid,
  reservation: z
    .looseObject({ roomId: z.string(), sessionId: z.string() })
    .describe("A Colyseus seat reservation: pass it whole to `client.consumeSeatReservation(reservation)` within the room's seat reservation time"),
});

const ENTRY_ERRORS = ["table/full", "table/game_in_progress", "table/invitation_required", "not_found", "unavailable", "service/disabled"] as const;

function bearer(headers: Readonly<Record<string, string | string[] | undefined>>): string {
  const h = headers["authorization"];
  return typeof h === "string" && h.startsWith("Bearer ") ? h.slice(7) : "";
}

function answer(r: TableEntryResult): Reply<z.input<typeof reservationAnswer>> {
  if (!r.ok) return fail(r.code, r.detail);
  return ok({ gameId: r.gameId, reservation: r.reservation }, { status: 201 });
}

const callerOf = (auth: AuthContext, headers: Readonly<Record<string, string | string[] | undefined>>, ip: string) => ({ token: bearer(headers), ip, playerId: auth.playerId });

/** The REST game service routes. */
export function tableRoutes(deps: RouteDeps) {
  const start = jsonRoute({
    method: "post",
    path: "/api/games/start",
    summary: "Create a table (the room's create options) and reserve the caller's seat",
    description: "Answers 201 `{ gameId, reservation }`; connect with `client.consumeSeatReservation(reservation)`. The room writes GAME_CREATED, then GAME_JOINED once the caller is seated.",
    tags: ["games"],
    access: "player",
    group: "write",
    errors: [...ENTRY_ERRORS],
    status: 201,
    params: none,
    query: none,
    body: tableCreateOptionsSchema.extend(tableJoinOptionsSchema.pick({ clientSeed: true }).shape).strict(),
    response: reservationAnswer,
    async handler({ auth, headers, ip, body }) {
      if (auth === null) return fail("auth/missing_token");
      if (deps.tables === undefined) return fail("service/disabled", "the REST game service runs only beside the rooms");
      return answer(await deps.tables.start(callerOf(auth, headers, ip), body));
    },
  });

  const join = jsonRoute({
    method: "post",
    path: "/api/games/join",
    summary: "Reserve the caller's seat at a table (or a place to watch with spectate)",
    description: "Answers 201 `{ gameId, reservation }`. Refused: table/full (no free seat), table/game_in_progress (started, and the caller holds no seat), table/invitation_required (a private table), not_found (no live table).",
    tags: ["games"],
    access: "player",
    group: "write",
    errors: [...ENTRY_ERRORS],
    status: 201,
    params: none,
    query: none,
    body: tableJoinOptionsSchema.omit({ joinCode: true }).extend({ gameId: uuid }).strict(),
    response: reservationAnswer,
    async handler({ auth, headers, ip, body }) {
      if (auth === null) return fail("auth/missing_token");
      if (deps.tables === undefined) return fail("service/disabled", "the REST game service runs only beside the rooms");
      const { gameId, ...options } = body;
      return answer(await deps.tables.join(callerOf(auth, headers, ip), gameId, options));
    },
  });

  const leave = jsonRoute({
    method: "post",
    path: "/api/games/leave",
    summary: "Leave the caller's seat at a table",
    description: "As a consented WebSocket leave: before the start the seat is freed; after it the seat is away until a bot takes it (docs/PROTOCOL.md). The room writes GAME_LEFT. Refused: table/not_seated, not_found.",
    tags: ["games"],
    access: "player",
    group: "write",
    errors: ["table/not_seated", "not_found", "unavailable", "service/disabled"],
    params: none,
    query: none,
    body: z.object({ gameId: uuid }).strict(),
    response: z.object({ gameId: uuid, left: z.literal(true) }),
    async handler({ auth, body }) {
      if (auth === null) return fail("auth/missing_token");
      if (deps.tables === undefined) return fail("service/disabled", "the REST game service runs only beside the rooms");
      const r = await deps.tables.leave(auth.playerId, body.gameId);
      return r.ok ? ok({ gameId: body.gameId, left: true as const }) : fail(r.code, r.detail);
    },
  });

  return [start, join, leave];
}
