/**
 * The Season 0 waitlist: join, status and exact position, read, list (admin), remove (refused
 * while the player holds a seat at a live table: the rooms are asked), and admission waves.
 */
import { z } from "zod";
import { fail, jsonRoute, none, ok } from "../route.js";
import { idParams } from "../schemas.js";
import { ownerOrAdminOfPlayer, seqCursor, waitlistEntrySchema, waveBody } from "../seasonSchemas.js";
import { waitlistStatusSchema } from "../../season/events.js";
import type { RouteDeps } from "./deps.js";

/** The waitlist routes. */
export function waitlistRoutes(deps: RouteDeps) {
  const join = jsonRoute({
    method: "post",
    path: "/api/waitlist",
    summary: "Join the Season 0 waitlist (idempotent: a second join answers the entry, 200)",
    description: "The first join ever also emits SEASON0_JOINED. Answers 201 when an entry was created (or a removed one re-queued at the back), 200 when the caller was already on the list.",
    tags: ["waitlist"],
    access: "player",
    group: "write",
    errors: [],
    status: 201,
    params: none,
    query: none,
    body: none,
    response: waitlistEntrySchema,
    async handler({ auth }) {
      if (auth === null) return fail("auth/missing_token");
      const r = await deps.season.joinWaitlist(auth.playerId);
      return ok(r.entry, { status: r.created ? 201 : 200 });
    },
  });

  const status = jsonRoute({
    method: "get",
    path: "/api/waitlist/status",
    summary: "The caller's waitlist entry, status and exact position",
    tags: ["waitlist"],
    access: "player",
    group: "read",
    errors: ["waitlist/not_joined"],
    params: none,
    query: none,
    body: none,
    response: waitlistEntrySchema,
    async handler({ auth }) {
      if (auth === null) return fail("auth/missing_token");
      const e = await deps.season.waitlistOfPlayer(auth.playerId);
      return e === null ? fail("waitlist/not_joined") : ok(e);
    },
  });

  const get = jsonRoute({
    method: "get",
    path: "/api/waitlist/:id",
    summary: "A waitlist entry (its player or an admin)",
    tags: ["waitlist"],
    access: "player",
    group: "read",
    errors: ["not_found"],
    params: idParams,
    query: none,
    body: none,
    response: waitlistEntrySchema,
    async handler({ auth, params }) {
      const e = await deps.season.waitlistEntry(params.id);
      if (e === null) return fail("not_found", "no such waitlist entry");
      return ownerOrAdminOfPlayer(auth, e.playerId) ?? ok(e);
    },
  });

  const list = jsonRoute({
    method: "get",
    path: "/api/waitlist",
    summary: "The waitlist in queue order (admin; cursor pagination)",
    tags: ["waitlist", "admin"],
    access: "admin",
    group: "admin",
    errors: [],
    params: none,
    query: z.object({ cursor: seqCursor, limit: z.coerce.number().int().min(1).max(500).default(100), status: waitlistStatusSchema.optional() }),
    body: none,
    response: z.array(waitlistEntrySchema),
    paginated: true,
    async handler({ query }) {
      const page = await deps.season.listWaitlist({ afterSeq: query.cursor ?? 0, limit: query.limit, status: query.status });
      return ok(page.items, { meta: { nextCursor: page.nextSeq === null ? null : String(page.nextSeq) } });
    },
  });

  const remove = jsonRoute({
    method: "delete",
    path: "/api/waitlist/:id",
    summary: "Leave the waitlist (its player or an admin); refused while the player is seated at a live table",
    description: "The rooms are asked (across processes) whether the player holds a seat in a game being played; if so the answer is 409 waitlist/in_game and nothing changes. Once the game ends, removal succeeds.",
    tags: ["waitlist"],
    access: "player",
    group: "write",
    errors: ["not_found", "waitlist/in_game", "waitlist/already_removed"],
    params: idParams,
    query: none,
    body: none,
    response: waitlistEntrySchema,
    async handler({ auth, params }) {
      const e = await deps.season.waitlistEntry(params.id);
      if (e === null) return fail("not_found", "no such waitlist entry");
      const denied = ownerOrAdminOfPlayer(auth, e.playerId);
      if (denied !== null) return denied;
      const r = await deps.season.removeFromWaitlist(params.id, (p) => deps.seats.isSeatedAtLiveTable(p));
      return r.ok ? ok(r.entry) : fail(r.code, r.detail);
    },
  });

  const wave = (to: "invited" | "admitted") =>
    jsonRoute({
      method: "post",
      path: to === "admitted" ? "/api/admin/waitlist/admit" : "/api/admin/waitlist/invite",
      summary:
        to === "admitted"
          ? "Admit the next `count` entries (waiting or invited) in queue order, in one transaction (admin)"
          : "Invite the next `count` waiting entries in queue order, in one transaction (admin)",
      description: "One WAITLIST_STATUS_UPDATED per entry. Fewer than `count` are moved when fewer are eligible.",
      tags: ["waitlist", "admin"],
      access: "admin",
      group: "admin",
      errors: ["waitlist/bad_transition"],
      params: none,
      query: none,
      body: waveBody,
      response: z.array(waitlistEntrySchema),
      async handler({ body }) {
        const r = await deps.season.advanceWaitlist(body.count, to);
        return r.ok ? ok(r.entries) : fail(r.code, r.detail);
      },
    });

  return [join, status, get, list, remove, wave("invited"), wave("admitted")];
}
