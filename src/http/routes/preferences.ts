/** User preferences (the spec's User Service): read and replace, owner or admin. */
import { fail, jsonRoute, none, ok } from "../route.js";
import { idParams } from "../schemas.js";
import { preferencesSchema } from "../seasonSchemas.js";
import { z } from "zod";
import type { RouteDeps } from "./deps.js";

const preferencesView = z.object({ userId: z.uuid(), preferences: preferencesSchema, updatedAt: z.string().nullable().describe("null: the defaults, never set") });

/** The preference routes. */
export function preferenceRoutes(deps: RouteDeps) {
  const get = jsonRoute({
    method: "get",
    path: "/api/users/:id/preferences",
    summary: "A user's preferences (the user or an admin; defaults until first set)",
    tags: ["users"],
    access: "user",
    group: "read",
    errors: ["not_found"],
    params: idParams,
    query: none,
    body: none,
    response: preferencesView,
    async handler({ auth, params }) {
      if (auth === null) return fail("auth/missing_token");
      if (auth.role !== "admin" && auth.userId !== params.id) return fail("auth/forbidden", "only the user or an admin");
      if (auth.userId !== params.id && (await deps.accounts.getUser(params.id)) === null) return fail("not_found", "no such user");
      const p = await deps.season.preferencesOf(params.id);
      return ok({ userId: params.id, ...p });
    },
  });

  const put = jsonRoute({
    method: "put",
    path: "/api/users/:id/preferences",
    summary: "Replace a user's preferences (the user or an admin); emits USER_PREFERENCES_UPDATED",
    tags: ["users"],
    access: "user",
    group: "write",
    errors: ["not_found"],
    params: idParams,
    query: none,
    body: preferencesSchema.strict(),
    response: preferencesView,
    async handler({ auth, params, body }) {
      if (auth === null) return fail("auth/missing_token");
      if (auth.role !== "admin" && auth.userId !== params.id) return fail("auth/forbidden", "only the user or an admin");
      const user = auth.userId === params.id ? { playerId: auth.playerId } : await deps.accounts.getUser(params.id);
      if (user === null) return fail("not_found", "no such user");
      const p = await deps.season.setPreferences(params.id, user.playerId, body);
      return ok({ userId: params.id, ...p });
    },
  });

  return [get, put];
}
