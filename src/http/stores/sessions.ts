/**
 * Sessions as refresh-token families (issue 15, item 3). A login opens a family; every refresh
 * spends the presented token and adds its successor to the same family. Presenting a token that
 * was already spent is reuse: someone else holds a copy, so the whole family is revoked (OAuth
 * 2.0 Security BCP, refresh token rotation with reuse detection). A user can list its live
 * sessions and revoke any of them; a password change revokes all but the current one.
 */
import { randomUUID } from "node:crypto";
import { and, eq, gt, isNull, ne, sql, type SQL } from "drizzle-orm";
import type { Database } from "../../../db/client.js";
import { refreshTokens } from "../../../db/schema/index.js";
import { appendSeasonEvents } from "../../../db/seasonLog.js";

/** Whom a refresh token was issued to: a registered user, or a guest player (no user). */
export type RefreshOwner = { readonly kind: "user"; readonly userId: string } | { readonly kind: "guest"; readonly playerId: string };

/** What presenting a refresh token found. */
export type SpendOutcome =
  | { readonly status: "spent"; readonly owner: RefreshOwner; readonly familyId: string }
  /** A spent or revoked token came back: its family is now revoked. */
  | { readonly status: "reused"; readonly familyId: string }
  | { readonly status: "unknown" };

/** One live session (a family with a live token). */
export interface SessionInfo {
  readonly id: string;
  readonly createdAt: string;
  readonly lastRefreshedAt: string;
  readonly expiresAt: string;
}

/** The session store. */
export interface SessionStore {
  /** A new family id (a login). */
  newFamily(): string;
  /**
   * Stores a refresh token's hash in a family. With `loggedIn` (a password login),
   * USER_LOGGED_IN is appended to the season log in the same transaction.
   */
  save(input: { owner: RefreshOwner; familyId: string; tokenHash: string; expiresAt: Date; loggedIn?: { userId: string; playerId: string } }): Promise<void>;
  /**
   * Spends a live token atomically (so it is spent once, even by concurrent refreshes); a
   * token already spent or revoked revokes its family.
   */
  spend(tokenHash: string, now: Date): Promise<SpendOutcome>;
  /** Live sessions of an owner, newest first. */
  list(owner: RefreshOwner, now: Date): Promise<SessionInfo[]>;
  /** Revokes one of an owner's sessions; false when it has no live token. */
  revoke(owner: RefreshOwner, familyId: string, now: Date): Promise<boolean>;
  /** Revokes every session of an owner but `keep` (null: all); returns how many tokens died. */
  revokeAll(owner: RefreshOwner, keep: string | null, now: Date): Promise<number>;
}

function ownerColumns(owner: RefreshOwner): { userId: string | null; playerId: string | null } {
  return owner.kind === "user" ? { userId: owner.userId, playerId: null } : { userId: null, playerId: owner.playerId };
}

function ownedBy(owner: RefreshOwner): SQL {
  return owner.kind === "user" ? eq(refreshTokens.userId, owner.userId) : eq(refreshTokens.playerId, owner.playerId);
}

/** Creates the session store on a database. */
export function createSessionStore(db: Database): SessionStore {
  const live = (now: Date) => and(isNull(refreshTokens.revokedAt), gt(refreshTokens.expiresAt, now));
  const revokeWhere = async (where: SQL | undefined, now: Date): Promise<number> => {
    const rows = await db.update(refreshTokens).set({ revokedAt: now }).where(and(where, live(now))).returning({ id: refreshTokens.id });
    return rows.length;
  };

  return {
    newFamily: () => randomUUID(),

    async save(input) {
      const values = { ...ownerColumns(input.owner), familyId: input.familyId, tokenHash: input.tokenHash, expiresAt: input.expiresAt };
      const login = input.loggedIn;
      if (login === undefined) {
        await db.insert(refreshTokens).values(values);
        return;
      }
      await db.transaction(async (tx) => {
        await tx.insert(refreshTokens).values(values);
        await appendSeasonEvents(tx, [{ type: "USER_LOGGED_IN", playerId: login.playerId, payload: { _v: 1, userId: login.userId } }]);
      });
    },

    async spend(tokenHash, now) {
      const rows = await db
        .update(refreshTokens)
        .set({ revokedAt: now })
        .where(and(eq(refreshTokens.tokenHash, tokenHash), live(now)))
        .returning({ userId: refreshTokens.userId, playerId: refreshTokens.playerId, familyId: refreshTokens.familyId });
      const r = rows[0];
      if (r !== undefined) {
        // The CHECK constraint keeps exactly one of the two set.
        if (r.userId !== null) return { status: "spent", owner: { kind: "user", userId: r.userId }, familyId: r.familyId };
        if (r.playerId !== null) return { status: "spent", owner: { kind: "guest", playerId: r.playerId }, familyId: r.familyId };
        return { status: "unknown" };
      }
      const known = await db
        .select({ familyId: refreshTokens.familyId, revokedAt: refreshTokens.revokedAt })
        .from(refreshTokens)
        .where(eq(refreshTokens.tokenHash, tokenHash))
        .limit(1);
      const k = known[0];
      if (k === undefined || k.revokedAt === null) return { status: "unknown" }; // unknown, or merely expired
      await revokeWhere(eq(refreshTokens.familyId, k.familyId), now);
      return { status: "reused", familyId: k.familyId };
    },

    async list(owner, now) {
      const rows = await db
        .select({
          familyId: refreshTokens.familyId,
          createdAt: sql<Date>`min(${refreshTokens.createdAt})`.mapWith(refreshTokens.createdAt),
          lastRefreshedAt: sql<Date>`max(${refreshTokens.createdAt})`.mapWith(refreshTokens.createdAt),
          expiresAt: sql<Date>`max(${refreshTokens.expiresAt})`.mapWith(refreshTokens.expiresAt),
          live: sql<number>`count(*) filter (where ${refreshTokens.revokedAt} is null and ${refreshTokens.expiresAt} > ${now.toISOString()}::timestamptz)`.mapWith(Number),
        })
        .from(refreshTokens)
        .where(ownedBy(owner))
        .groupBy(refreshTokens.familyId);
      return rows
        .filter((r) => r.live > 0)
        .sort((a, b) => b.lastRefreshedAt.getTime() - a.lastRefreshedAt.getTime())
        .map((r) => ({ id: r.familyId, createdAt: r.createdAt.toISOString(), lastRefreshedAt: r.lastRefreshedAt.toISOString(), expiresAt: r.expiresAt.toISOString() }));
    },

    async revoke(owner, familyId, now) {
      return (await revokeWhere(and(ownedBy(owner), eq(refreshTokens.familyId, familyId)), now)) > 0;
    },

    async revokeAll(owner, keep, now) {
      return revokeWhere(and(ownedBy(owner), keep === null ? undefined : ne(refreshTokens.familyId, keep)), now);
    },
  };
}
