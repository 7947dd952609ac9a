/**
 * Users: read, update and delete one account (owner or admin only). Creating one is
 * registration (`POST /api/users`, in auth.ts).
 */
import { z } from "zod";
import { hashPassword, verifyPassword, type AuthContext } from "../auth.js";
import { fail, jsonRoute, none, ok, type Reply } from "../route.js";
import { idParams, updateUserBody, userSchema } from "../schemas.js";
import type { RouteDeps } from "./deps.js";

type User = z.input<typeof userSchema>;

/** Null when `auth` may act on user `id`; else the problem (403). */
function ownerOrAdmin(auth: AuthContext | null, id: string): Reply<never> | null {
  if (auth === null) return fail("auth/missing_token");
  if (auth.role === "admin" || auth.userId === id) return null;
  return fail("auth/forbidden", "only the account's owner or an admin");
}

/** The user routes. */
export function userRoutes(deps: RouteDeps) {
  const get = jsonRoute({
    method: "get",
    path: "/api/users/:id",
    summary: "A user (owner or admin)",
    tags: ["users"],
    access: "player",
    group: "read",
    errors: ["not_found"],
    params: idParams,
    query: none,
    body: none,
    response: userSchema,
    async handler({ auth, params }): Promise<Reply<User>> {
      const denied = ownerOrAdmin(auth, params.id);
      if (denied !== null) return denied;
      const user = await deps.accounts.getUser(params.id);
      return user === null ? fail("not_found", "no such user") : ok(user);
    },
  });

  const put = jsonRoute({
    method: "put",
    path: "/api/users/:id",
    summary: "Update a user (owner or admin); changing email or password needs currentPassword unless admin",
    tags: ["users"],
    access: "player",
    group: "write",
    idempotent: true,
    errors: ["not_found", "conflict/username_taken", "conflict/email_taken", "auth/invalid_credentials"],
    params: idParams,
    query: none,
    body: updateUserBody.and(z.object({ currentPassword: z.string().min(1).max(256).optional() })),
    response: userSchema,
    async handler({ auth, params, body }): Promise<Reply<User>> {
      const denied = ownerOrAdmin(auth, params.id);
      if (denied !== null) return denied;
      const isAdmin = auth?.role === "admin";
      if (body.role !== undefined && !isAdmin) return fail("auth/forbidden", "only an admin may change roles");
      if (!isAdmin && (body.email !== undefined || body.password !== undefined)) {
        const found = await deps.accounts.getUser(params.id);
        if (found === null) return fail("not_found", "no such user");
        const withHash = await deps.accounts.findForLogin(found.username);
        if (body.currentPassword === undefined || withHash === null || !(await verifyPassword(body.currentPassword, withHash.passwordHash))) {
          return fail("auth/invalid_credentials", "changing email or password needs the current password");
        }
      }
      const passwordHash = body.password === undefined ? undefined : await hashPassword(body.password, deps.passwordHash);
      const r = await deps.accounts.updateUser(params.id, {
        username: body.username,
        email: body.email,
        passwordHash,
        displayName: body.displayName,
        role: body.role,
      });
      if (r.ok) {
        // A new password ends every other session: whoever knew the old one is logged out.
        if (passwordHash !== undefined) {
          const keep = auth !== null && auth.userId === params.id ? auth.sessionId : null;
          await deps.sessions.revokeAll({ kind: "user", userId: params.id }, keep, new Date(deps.now()));
        }
        return ok(r.user);
      }
      return r.conflict === null ? fail("not_found", "no such user") : fail(r.conflict);
    },
  });

  const del = jsonRoute({
    method: "delete",
    path: "/api/users/:id",
    summary: "Delete a user (owner or admin)",
    description:
      "Removes the account, its player, its ladder entries (cache included; a delta goes out when it was in a top 10) and its lifetime stats. Score audit rows are kept with the player nulled. Games and their logs are kept.",
    tags: ["users"],
    access: "player",
    group: "write",
    idempotent: true,
    errors: ["not_found"],
    params: idParams,
    query: none,
    body: none,
    response: z.object({ deleted: z.literal(true), id: z.string() }),
    async handler({ auth, params }) {
      const denied = ownerOrAdmin(auth, params.id);
      if (denied !== null) return denied;
      const user = await deps.accounts.getUser(params.id);
      if (user === null) return fail("not_found", "no such user");
      const gone = await deps.ladder.removePlayer(user.playerId, () => deps.accounts.deleteUser(params.id));
      return gone ? ok({ deleted: true as const, id: params.id }) : fail("not_found", "no such user");
    },
  });

  return [get, put, del];
}
