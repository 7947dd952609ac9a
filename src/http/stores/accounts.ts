/**
 * Accounts on spec 004's tables: `users` (login identity), `players` (the playing identity; a
 * user's player has `players.user_id = users.id`), and `refresh_tokens` (hashes only; each
 * belongs to a user or to a guest player).
 *
 * Usernames and emails are stored lowercased, so uniqueness ignores case; the player's
 * `display_name` keeps the username as typed.
 */
import { randomBytes } from "node:crypto";
import { eq, or, sql } from "drizzle-orm";
import type { Database } from "../../../db/client.js";
import { pgConstraintName, pgErrorCode, SQLSTATE } from "../../../db/pgError.js";
import { preparedPerDatabase } from "../../../db/prepared.js";
import { players, users } from "../../../db/schema/index.js";
import { appendSeasonEvents } from "../../../db/seasonLog.js";
import type { Role } from "../auth.js";

/** A user as the API shows it to its owner (never the password hash). */
export interface UserView {
  readonly id: string;
  readonly username: string;
  readonly email: string;
  readonly role: Role;
  readonly playerId: string;
  readonly displayName: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A player's public identity. */
export interface PlayerIdentity {
  readonly id: string;
  readonly displayName: string;
  readonly avatarSeed: string;
  readonly color: string;
  readonly isBot: boolean;
  readonly userId: string | null;
  readonly createdAt: string;
}

/** Which unique field a write collided with. */
export type AccountConflict = "conflict/username_taken" | "conflict/email_taken";

/** The account store. */
export interface AccountStore {
  /** Creates a user and its player. */
  register(input: { username: string; email: string; passwordHash: string; role?: Role }): Promise<{ ok: true; user: UserView } | { ok: false; conflict: AccountConflict }>;
  /** A user by username or email (either, case-insensitive), with the password hash. */
  findForLogin(login: string): Promise<{ user: UserView; passwordHash: string } | null>;
  getUser(id: string): Promise<UserView | null>;
  updateUser(
    id: string,
    patch: { username?: string | undefined; email?: string | undefined; passwordHash?: string | undefined; displayName?: string | undefined; role?: Role | undefined },
  ): Promise<{ ok: true; user: UserView } | { ok: false; conflict: AccountConflict } | { ok: false; conflict: null }>;
  /**
   * Deletes a user and its player row. Ladder entries and lifetime stats go with the player
   * (ON DELETE CASCADE); `score_events.player_id` is set null (anonymised audit); refresh
   * tokens go with the user. Games, summaries and events are kept (infinite retention).
   */
  deleteUser(id: string): Promise<boolean>;
  /** Creates a player without a user (a guest) or a bot player; `unranked` marks a test client's guest (never on the ladder). */
  createPlayer(input: { displayName: string; isBot: boolean; unranked?: boolean }): Promise<PlayerIdentity>;
  getPlayer(id: string): Promise<PlayerIdentity | null>;
}

const PALETTE = ["#e6194b", "#3cb44b", "#ffe119", "#4363d8", "#f58231", "#911eb4", "#46f0f0", "#f032e6", "#bcf60c", "#008080"] as const;

function newAppearance(): { avatarSeed: string; color: string } {
  const seed = randomBytes(8);
  return { avatarSeed: seed.toString("hex"), color: PALETTE[(seed[0] ?? 0) % PALETTE.length] ?? PALETTE[0] };
}

function conflictOf(err: unknown): AccountConflict | null {
  if (pgErrorCode(err) !== SQLSTATE.uniqueViolation) return null;
  const name = pgConstraintName(err) ?? "";
  if (name.includes("email")) return "conflict/email_taken";
  if (name.includes("username")) return "conflict/username_taken";
  return null;
}

const userColumns = {
  id: users.id,
  username: users.username,
  email: users.email,
  role: users.role,
  passwordHash: users.passwordHash,
  createdAt: users.createdAt,
  updatedAt: users.updatedAt,
  playerId: players.id,
  displayName: players.displayName,
};

type UserJoinRow = {
  id: string;
  username: string;
  email: string;
  role: Role;
  passwordHash: string;
  createdAt: Date;
  updatedAt: Date;
  playerId: string | null;
  displayName: string | null;
};

function toUserView(r: UserJoinRow): UserView | null {
  if (r.playerId === null || r.displayName === null) return null;
  return {
    id: r.id,
    username: r.username,
    email: r.email,
    role: r.role,
    playerId: r.playerId,
    displayName: r.displayName,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

function toPlayer(r: typeof players.$inferSelect): PlayerIdentity {
  return {
    id: r.id,
    displayName: r.displayName,
    avatarSeed: r.avatarSeed,
    color: r.color,
    isBot: r.isBot,
    userId: r.userId,
    createdAt: r.createdAt.toISOString(),
  };
}

/** Creates the account store on a database. */
/** A player by id, prepared once per database handle (every admin deposit asks it). */
const playerQuery = preparedPerDatabase((db) => db.select().from(players).where(eq(players.id, sql.placeholder("id"))).limit(1).prepare("accounts_player_by_id"));

export function createAccountStore(db: Database): AccountStore {
  const selectUser = () => db.select(userColumns).from(users).leftJoin(players, eq(players.userId, sql`${users.id}::text`));

  async function getUser(id: string): Promise<UserView | null> {
    const rows = await selectUser().where(eq(users.id, id)).limit(1);
    const r = rows[0];
    return r === undefined ? null : toUserView(r);
  }

  return {
    async register(input) {
      try {
        const user = await db.transaction(async (tx) => {
          const [u] = await tx
            .insert(users)
            .values({ username: input.username.toLowerCase(), email: input.email.toLowerCase(), passwordHash: input.passwordHash, role: input.role ?? "player" })
            .returning();
          if (u === undefined) throw new Error("insert into users returned no row");
          const [p] = await tx
            .insert(players)
            .values({ userId: u.id, displayName: input.username, isBot: false, ...newAppearance() })
            .returning();
          if (p === undefined) throw new Error("insert into players returned no row");
          await appendSeasonEvents(tx, [{ type: "USER_REGISTERED", playerId: p.id, payload: { _v: 1, userId: u.id, username: u.username } }]);
          return toUserView({ ...u, playerId: p.id, displayName: p.displayName });
        });
        if (user === null) throw new Error("registered user has no player");
        return { ok: true, user };
      } catch (err: unknown) {
        const conflict = conflictOf(err);
        if (conflict !== null) return { ok: false, conflict };
        throw err;
      }
    },

    async findForLogin(login) {
      const l = login.toLowerCase();
      const rows = await selectUser()
        .where(or(eq(users.username, l), eq(users.email, l)))
        .limit(1);
      const r = rows[0];
      if (r === undefined) return null;
      const user = toUserView(r);
      return user === null ? null : { user, passwordHash: r.passwordHash };
    },

    getUser,

    async updateUser(id, patch) {
      try {
        const found = await db.transaction(async (tx) => {
          const userPatch = {
            ...(patch.username !== undefined ? { username: patch.username.toLowerCase() } : {}),
            ...(patch.email !== undefined ? { email: patch.email.toLowerCase() } : {}),
            ...(patch.passwordHash !== undefined ? { passwordHash: patch.passwordHash } : {}),
            ...(patch.role !== undefined ? { role: patch.role } : {}),
          };
          const updated = await tx
            .update(users)
            .set({ ...userPatch, updatedAt: sql`now()` })
            .where(eq(users.id, id))
            .returning({ id: users.id });
          if (updated.length === 0) return false;
          const displayName = patch.displayName ?? patch.username;
          if (displayName !== undefined) {
            await tx.update(players).set({ displayName, updatedAt: sql`now()` }).where(eq(players.userId, id));
          }
          return true;
        });
        if (!found) return { ok: false, conflict: null };
        const user = await getUser(id);
        return user === null ? { ok: false, conflict: null } : { ok: true, user };
      } catch (err: unknown) {
        const conflict = conflictOf(err);
        if (conflict !== null) return { ok: false, conflict };
        throw err;
      }
    },

    async deleteUser(id) {
      return db.transaction(async (tx) => {
        const gone = await tx.delete(users).where(eq(users.id, id)).returning({ id: users.id });
        if (gone.length === 0) return false;
        await tx.delete(players).where(eq(players.userId, id));
        return true;
      });
    },

    async createPlayer(input) {
      const [p] = await db
        .insert(players)
        .values({ userId: null, displayName: input.displayName, isBot: input.isBot, unranked: input.unranked ?? false, ...newAppearance() })
        .returning();
      if (p === undefined) throw new Error("insert into players returned no row");
      return toPlayer(p);
    },

    async getPlayer(id) {
      const rows = await playerQuery(db).execute({ id });
      const r = rows[0];
      return r === undefined ? null : toPlayer(r);
    },
  };
}
