/**
 * The zod schemas of the HTTP API: request parts and response `data`. Routes validate with
 * them and the OpenAPI document is generated from them, so both always agree.
 */
import { z } from "zod";
import { FAIRNESS_SCHEMES, type GameId } from "../game/types.js";
import { ROLES } from "./auth.js";
import { actionTokenClaimsSchema } from "../ladder/actionTokens.js";

/** A UUID path or query parameter. */
export const uuid = z.uuid().describe("UUID");

/** `:id` as a UUID. */
export const idParams = z.object({ id: uuid });
/**
 * `:id` of a game: a UUID, given the engine's `GameId` brand once validated (a brand is a
 * nominal tag; this is the one place the HTTP layer attaches it).
 */
export const gameIdParams = z.object({ id: uuid.transform((s): GameId => s as GameId) });
/** `:playerId` as a UUID. */
export const playerIdParams = z.object({ playerId: uuid });

/** Page size: 1..100, default 20. */
export const limit = z.coerce.number().int().min(1).max(100).default(20);
/** An opaque cursor from a previous page's `meta.nextCursor`. */
export const cursor = z.string().min(1).max(1024).optional();

const username = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_.-]{3,32}$/, "3-32 letters, digits, '_', '.' or '-'")
  .describe("3-32 letters, digits, '_', '.' or '-'; unique ignoring case");
const email = z.email().max(254).describe("Unique ignoring case");
const password = z.string().min(8, "at least 8 characters").max(256);
/** Longest display name, in code points, once cleaned. */
export const DISPLAY_NAME_MAX = 32;
/** Bidi embeddings, overrides and isolates, and zero-width characters (removed from names). */
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF\u00AD]/gu;
/**
 * A display name: control characters (NUL included) are refused (400); bidi controls and
 * zero-width characters are removed, runs of whitespace collapse to one space, and the result
 * is 1-32 code points.
 */
export const displayNameSchema = z
  .string()
  .max(256)
  .refine((s) => !/\p{Cc}/u.test(s), "control characters are not allowed")
  .transform((s) => s.replace(INVISIBLE, "").replace(/\s+/gu, " ").trim())
  .refine((s) => s.length > 0, "must contain a visible character")
  .refine((s) => [...s].length <= DISPLAY_NAME_MAX, `at most ${DISPLAY_NAME_MAX} characters`)
  .describe("1-32 characters; no control characters; bidi controls and zero-width characters are removed, whitespace collapsed");
const displayName = displayNameSchema;

/** `POST /api/users` (register). */
export const registerBody = z.object({ username, email, password });
/** `POST /api/auth/login`: username or email, and password. */
export const loginBody = z.object({ login: z.string().trim().min(1).max(254).describe("Username or email"), password: z.string().min(1).max(256) });
/** `POST /api/auth/guest`. */
export const guestBody = z.object({
  displayName: displayName.optional(),
  /** A test client (`npm run bots`, `npm run loadtest`): plays like anyone, never enters the ladder (docs/LADDER.md, L8). */
  unranked: z.boolean().optional(),
});
/** `POST /api/auth/refresh` and `POST /api/auth/logout`. */
export const refreshBody = z.object({ refreshToken: z.string().min(16).max(256) });
/** `PUT /api/users/:id`: any subset; `role` only by an admin. */
export const updateUserBody = z
  .object({
    username: username.optional(),
    email: email.optional(),
    password: password.optional(),
    displayName: displayName.optional(),
    role: z.enum(ROLES).optional().describe("Admins only"),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: "nothing to update" });

/** A user, as its owner or an admin sees it. */
export const userSchema = z.object({
  id: uuid,
  username: z.string(),
  email: z.string(),
  role: z.enum(ROLES),
  playerId: uuid,
  displayName: z.string(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

/** A player's identity. */
export const playerIdentitySchema = z.object({
  id: uuid,
  displayName: z.string(),
  avatarSeed: z.string(),
  color: z.string(),
  isBot: z.boolean(),
  userId: z.string().nullable(),
  createdAt: z.iso.datetime(),
});

/** What login, guest login, register and refresh return. */
/** One of the caller's live sessions (`GET /api/auth/sessions`). */
export const sessionInfoSchema = z.object({
  id: z.string().uuid().describe("The session (refresh-token family) id"),
  createdAt: z.string().describe("When the login opened it"),
  lastRefreshedAt: z.string().describe("When its newest refresh token was issued"),
  expiresAt: z.string().describe("When its newest refresh token expires"),
  current: z.boolean().describe("The presented access token was issued in this session"),
});

export const sessionSchema = z.object({
  accessToken: z.string().describe("HS256 JWT; send as `Authorization: Bearer <token>`"),
  tokenType: z.literal("Bearer"),
  expiresIn: z.number().int().describe("Seconds until the access token expires"),
  refreshToken: z.string().describe("Opaque; exchange at /api/auth/refresh (users and guests alike); spent on use"),
  refreshExpiresIn: z.number().int().describe("Seconds until the refresh token expires"),
  user: userSchema.nullable().describe("Null for a guest"),
  playerId: uuid,
  role: z.enum(ROLES),
});

/** `GET /api/auth/me`. */
export const meSchema = z.object({
  sub: z.string(),
  userId: z.string().nullable(),
  playerId: z.string(),
  role: z.enum(ROLES),
  kind: z.enum(["user", "guest", "bot"]),
  expiresAt: z.number().int(),
});

const statsSchema = z.object({
  gamesPlayed: z.number().int(),
  gamesWon: z.number().int(),
  highestScore: z.number().int().nullable(),
  lowestScore: z.number().int().nullable(),
  totalPoints: z.number().int(),
  totalTricksWon: z.number().int(),
  mostConsecutiveWins: z.number().int(),
  mostConsecutiveLosses: z.number().int(),
  roundsPlayed: z.number().int().describe("rounds played in completed games"),
  bidsMade: z.number().int().describe("rounds that took exactly the tricks bid"),
  zeroBidsMade: z.number().int().describe("rounds bid 0 that took no trick"),
  gamesAbandoned: z.number().int().describe("games whose seat was abandoned (docs/LADDER.md, L8): counted as lost, no ladder points"),
  perfectGames: z.number().int().describe("games in which every one of the player's bids was made"),
  lastGameAt: z.iso.datetime().nullable(),
});

/** `GET /api/players/:id`. */
export const profileSchema = z.object({
  id: uuid,
  displayName: z.string(),
  avatarSeed: z.string(),
  color: z.string(),
  isBot: z.boolean(),
  isGuest: z.boolean(),
  createdAt: z.iso.datetime(),
  stats: statsSchema,
});

export const GAME_STATUS_VALUES = ["created", "in_progress", "completed"] as const;

const seatRoundResult = z.object({ seat: z.number().int(), bid: z.number().int(), tricks: z.number().int(), points: z.number().int(), misplay: z.number().int() });

const summarySchema = z.object({
  players: z.array(
    z.object({
      playerId: z.string(),
      displayName: z.string(),
      seat: z.number().int(),
      isBot: z.boolean(),
      score: z.number().int(),
      tricksWon: z.number().int(),
      won: z.boolean(),
    }),
  ).readonly(),
  rounds: z.array(z.object({ round: z.number().int(), dealer: z.number().int(), trumpCard: z.string(), results: z.array(seatRoundResult).readonly() })).readonly(),
  finalScores: z.record(z.string(), z.number()),
  highestBid: z.number().int().nullable(),
  highestScore: z.number().int().nullable(),
  lowestScore: z.number().int().nullable(),
  mostConsecutiveWins: z.number().int().nullable(),
  mostConsecutiveLosses: z.number().int().nullable(),
  highestMisplay: z.number().int().nullable(),
});

/** A game. `sessionSeed` is null until the game completes. */
export const gameSchema = z.object({
  id: uuid,
  status: z.enum(GAME_STATUS_VALUES),
  config: z.object({ seats: z.number().int(), turnSeconds: z.number() }),
  seedCommitment: z.string(),
  sessionSeed: z.string().nullable(),
  createdAt: z.iso.datetime(),
  startedAt: z.iso.datetime().nullable(),
  completedAt: z.iso.datetime().nullable(),
  summary: summarySchema.nullable().describe("Present once the game is completed"),
});

/** `GET /api/tables/:code`: what a table code matches. */
export const tableLookupSchema = z.discriminatedUnion("found", [
  z.object({ found: z.literal(false) }),
  z.object({ found: z.literal(true), gameId: uuid, status: z.enum(GAME_STATUS_VALUES) }),
]);

/** The most games a `GET /api/games?include=summary` page may ask for (summaries are a few KiB each). */
export const LIST_WITH_SUMMARY_MAX = 20;

/** A game in a listing: no `summary` member unless `include=summary` (then as in {@link gameSchema}). */
export const gameListItemSchema = gameSchema.extend({
  summary: gameSchema.shape.summary.optional().describe("Only with `include=summary`: present once the game is completed, else null"),
});

/** `GET /api/games` query. */
export const listGamesQuery = z
  .object({
    status: z.enum(GAME_STATUS_VALUES).optional(),
    player: uuid.optional().describe("Only games this player took a seat in"),
    include: z.literal("summary").optional().describe(`\`summary\`: each item carries its \`summary\`; \`limit\` is then at most ${LIST_WITH_SUMMARY_MAX}`),
    limit,
    cursor,
  })
  .superRefine((q, ctx) => {
    if (q.include === "summary" && q.limit > LIST_WITH_SUMMARY_MAX) {
      ctx.addIssue({ code: "custom", path: ["limit"], message: `at most ${LIST_WITH_SUMMARY_MAX} with include=summary` });
    }
  });

/** A player's session (one game it sat in). */
export const sessionViewSchema = z.object({
  gameId: uuid,
  status: z.enum(GAME_STATUS_VALUES),
  seat: z.number().int(),
  score: z.number().int().nullable(),
  won: z.boolean().nullable(),
  createdAt: z.iso.datetime(),
  completedAt: z.iso.datetime().nullable(),
});

/** `GET /api/players/:id/sessions` query. */
export const pageQuery = z.object({ limit, cursor });

/** The fairness verdict. */
export const verdictSchema = z.object({
  gameId: uuid,
  ok: z.boolean(),
  problems: z.array(z.string()),
  seedCommitment: z.string(),
  sessionSeed: z.string(),
  events: z.number().int(),
  /** The game's fairness scheme (docs/FAIRNESS.md): `game_created.fairness`, absent there = v1. */
  fairness: z.enum(FAIRNESS_SCHEMES),
  /** v2: every seat's client seed in seat order, from `game_started` (empty for v1). */
  clientSeeds: z.array(z.string()),
});

/** Ladder tier query: `tier` (default all_time) and, for `season`, an optional season number. */
export const tierQuery = z.object({
  tier: z.enum(["all_time", "season", "rating"]).default("all_time").describe("`rating`: the shown skill rating (docs/LADDER.md, Skill ratings)"),
  season: z.coerce.number().int().min(0).optional().describe("Season number (tier=season); default the current season"),
});

/** One ranking row. */
export const rankingSchema = z.object({
  rank: z.number().int(),
  playerId: z.string(),
  total: z.number().int(),
  highest: z.number().int(),
  average: z.number(),
  games: z.number().int(),
  wins: z.number().int(),
  firstReachedAt: z.iso.datetime(),
  provisional: z.boolean().optional().describe("Rating tier only: fewer than 5 rated games"),
});

/** `POST /api/actions` body. */
export const issueActionBody = z.object({
  userId: uuid.describe("The user who completed the action"),
  maxScore: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  actionId: actionTokenClaimsSchema.shape.actionId.optional().describe("1-128 of [A-Za-z0-9_-]; default: a new UUID"),
  ttlSeconds: z.number().int().min(1).max(3600).optional().describe("Default 300"),
});

/** An issued action token. */
export const actionTokenSchema = z.object({
  token: z.string(),
  actionId: z.string(),
  userId: z.string(),
  maxScore: z.number().int(),
  expiresAt: z.iso.datetime(),
});

/** `POST /api/ladder/scores` body. */
export const submitScoreBody = z.object({
  token: z.string().min(1).max(2048).describe("The action token from POST /api/actions"),
  delta: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).describe("At most the token's max_score"),
});

/** A score submission's result (the same body comes back in `firstResponse` on a replay). */
export const scoreResultSchema = z.object({
  actionId: z.string(),
  playerId: z.string(),
  scoreDelta: z.number().int(),
  season: z.number().int().describe("The season whose tier was credited"),
  totals: z.object({ allTime: z.number().int(), season: z.number().int() }).describe("Totals after the change"),
  appliedAt: z.iso.datetime(),
});

/** Health. */
export const healthSchema = z.object({ status: z.literal("ok"), uptimeSeconds: z.number() });
/** Readiness: each dependency's state. */
/** `ready`: every dependency answers; `degraded`: only optional ones (Redis) do not, named in `checks` with their error. */
export const readySchema = z.object({ status: z.enum(["ready", "degraded"]), checks: z.record(z.string(), z.string()) });
