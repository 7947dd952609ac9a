/**
 * The Season 0 event log's vocabulary: every event type the spec names for the user, waitlist,
 * inventory and currency services, each with the zod schema of its payload (`_v` included).
 * These schemas are the one definition: the writers build payloads of these types, the fold and
 * the audit parse rows with them, and docs/SEASON0.md is checked against them.
 */
import { z } from "zod";

const v1 = z.literal(1);
const uuid = z.uuid();
/** A positive amount or quantity: an exact JavaScript integer (the ledger's overflow rule). */
export const positiveSafeInt = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** Waitlist statuses. */
export const waitlistStatusSchema = z.enum(["waiting", "invited", "admitted", "removed"]);
/** One of the waitlist statuses. */
export type WaitlistStatus = z.infer<typeof waitlistStatusSchema>;

/** A ledger account: a player's, or a system account of the currency. */
export const accountRefSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("player"), playerId: uuid }),
  z.object({ kind: z.literal("system"), name: z.enum(["mint", "sink", "rewards"]) }),
]);
/** A ledger account reference. */
export type AccountRef = z.infer<typeof accountRefSchema>;

/** The user-facing preferences. */
export const preferencesSchema = z.object({
  cardStyle: z.enum(["classic", "modern", "large_print"]),
  sound: z.boolean(),
  locale: z.string().regex(/^[a-z]{2,3}(-[A-Z]{2})?$/),
  colourBlindDeck: z.boolean(),
});
/** User preferences. */
export type Preferences = z.infer<typeof preferencesSchema>;

/** Each event type's payload schema. */
export const SEASON_EVENT_PAYLOADS = {
  SEASON0_JOINED: z.object({ _v: v1, waitlistId: uuid }).describe("A player joined the Season 0 waitlist for the first time"),
  USER_REGISTERED: z.object({ _v: v1, userId: uuid, username: z.string() }).describe("An account was registered (same transaction as the account)"),
  USER_LOGGED_IN: z.object({ _v: v1, userId: uuid }).describe("A user logged in with a password (same transaction as the session's refresh token)"),
  USER_PREFERENCES_UPDATED: z.object({ _v: v1, userId: uuid, preferences: preferencesSchema }).describe("A user's preferences were replaced"),
  WAITLIST_ADDED: z.object({ _v: v1, waitlistId: uuid, queueSeq: positiveSafeInt }).describe("An entry entered the queue as `waiting` (first join, or a join after removal)"),
  WAITLIST_REMOVED: z.object({ _v: v1, waitlistId: uuid, from: waitlistStatusSchema }).describe("An entry was removed"),
  WAITLIST_STATUS_UPDATED: z.object({ _v: v1, waitlistId: uuid, from: waitlistStatusSchema, to: waitlistStatusSchema }).describe("An entry moved forward (invited, admitted)"),
  ITEM_ADDED: z.object({ _v: v1, itemId: z.string(), quantity: positiveSafeInt, held: positiveSafeInt }).describe("Items were added to a player's inventory; `held` is the new count"),
  ITEM_REMOVED: z.object({ _v: v1, itemId: z.string(), quantity: positiveSafeInt, held: count }).describe("Items were removed from a player's inventory; `held` is the new count"),
  INVENTORY_UPDATED: z.object({ _v: v1, version: positiveSafeInt }).describe("A player's inventory has a new version (its ETag)"),
  CURRENCY_DEPOSITED: z.object({ _v: v1, transactionId: uuid, currency: z.string(), amount: positiveSafeInt }).describe("Currency was deposited into a player's account (from the mint)"),
  CURRENCY_WITHDRAWN: z.object({ _v: v1, transactionId: uuid, currency: z.string(), amount: positiveSafeInt }).describe("Currency was withdrawn (spent) from a player's account (to the sink)"),
  TRANSACTION_COMPLETED: z
    .object({
      _v: v1,
      transactionId: uuid,
      currency: z.string(),
      kind: z.enum(["deposit", "withdrawal", "transfer"]),
      amount: positiveSafeInt,
      postings: z.array(z.object({ account: accountRefSchema, amount: z.number().int() })).length(2),
    })
    .describe("A ledger transaction committed: its two postings, which sum to 0"),
  ACHIEVEMENT_UNLOCKED: z
    .object({
      _v: v1,
      achievementId: z.string(),
      source: z.enum(["game", "admin", "service"]),
      gameId: uuid.nullable(),
      rewardCoins: count,
      transactionId: uuid.nullable(),
      rewardItemId: z.string().nullable().optional(),
      rewardQuantity: count.optional(),
    })
    .describe(
      "A player unlocked an achievement (by a finished game, or explicitly); `transactionId` is its coin reward, null when none; `rewardItemId` and `rewardQuantity` its item reward (null and 0 when none; absent on rows written before item rewards), added to the inventory just before (`ITEM_ADDED`, `INVENTORY_UPDATED`)",
    ),
  COSMETIC_UNLOCKED: z
    .object({ _v: v1, cosmeticId: z.string(), source: z.enum(["purchase", "claim", "founder", "grant"]), priceCoins: count, transactionId: uuid.nullable() })
    .describe("A player came to own a cosmetic (bought, claimed free, or granted); `transactionId` is the purchase, null when nothing was paid"),
  COSMETICS_EQUIPPED: z
    .object({ _v: v1, card_back: z.string().nullable(), seat_frame: z.string().nullable(), table_felt: z.string().nullable() })
    .describe("A player's equipped cosmetics changed: the whole new set (null: an empty slot)"),
  GAME_CREATED: z
    .object({ _v: v1, gameId: uuid, seats: z.number().int().min(2).max(10), bots: z.number().int().min(0).max(10), isPublic: z.boolean() })
    .describe("A table was created (WebSocket create, quick play or `POST /api/games/start`)"),
  GAME_JOINED: z
    .object({ _v: v1, gameId: uuid, seat: z.number().int().min(0).max(9), cosmetics: z.object({ card_back: z.string().nullable(), seat_frame: z.string().nullable(), table_felt: z.string().nullable() }) })
    .describe("A person took a seat at a table (any entry: WebSocket, quick play or REST); `cosmetics` is what they had equipped, shown on the seat for that game and its replay"),
  GAME_STARTED: z.object({ _v: v1, gameId: uuid, playerIds: z.array(uuid) }).describe("A table's game started; `playerIds` are its seats' occupants in seat order, bots included"),
  GAME_LEFT: z
    .object({ _v: v1, gameId: uuid, seat: z.number().int().min(0).max(9), reason: z.enum(["left", "disconnected"]) })
    .describe("A person left their seat (a leave, `POST /api/games/leave`, or the end of the reconnection window)"),
  LEADERBOARD_UPDATED: z
    .object({
      _v: v1,
      gameId: uuid.nullable(),
      tier: z.enum(["all_time", "season", "rating"]),
      season: z.number().int().min(0),
      delta: z.number().int(),
      totalAfter: z.number().int(),
      actionId: z.string().optional(),
    })
    .describe(
      "A finished game (`gameId`) or a verified score submission from outside a game (`gameId` null, its `actionId`; `POST /api/ladder/scores`) changed a player's ladder entry in one tier (same transaction as the ladder write)",
    ),
  LEADERBOARD_RESET: z
    .object({ _v: v1, endedSeason: count, openedSeason: count, trigger: z.enum(["schedule", "admin"]), scheduledFor: z.iso.datetime().nullable(), standings: count })
    .describe("A season ended (on its schedule, or by an admin reset): its tier archived, `standings` final entries snapshotted, the next season opened"),
} as const;

/** Every Season 0 event type. */
export type SeasonEventType = keyof typeof SEASON_EVENT_PAYLOADS;

/** The event types, in the order the docs list them. */
export const SEASON_EVENT_TYPES = Object.keys(SEASON_EVENT_PAYLOADS) as readonly SeasonEventType[];

function row<K extends SeasonEventType>(type: K) {
  return z.object({ type: z.literal(type), playerId: z.uuid().nullable(), payload: SEASON_EVENT_PAYLOADS[type] });
}

/** A Season 0 event (type, owner, payload), as a discriminated union on `type`. */
export const newSeasonEventSchema = z.discriminatedUnion("type", [
  row("SEASON0_JOINED"),
  row("USER_REGISTERED"),
  row("USER_LOGGED_IN"),
  row("USER_PREFERENCES_UPDATED"),
  row("WAITLIST_ADDED"),
  row("WAITLIST_REMOVED"),
  row("WAITLIST_STATUS_UPDATED"),
  row("ITEM_ADDED"),
  row("ITEM_REMOVED"),
  row("INVENTORY_UPDATED"),
  row("CURRENCY_DEPOSITED"),
  row("CURRENCY_WITHDRAWN"),
  row("TRANSACTION_COMPLETED"),
  row("ACHIEVEMENT_UNLOCKED"),
  row("COSMETIC_UNLOCKED"),
  row("COSMETICS_EQUIPPED"),
  row("GAME_CREATED"),
  row("GAME_JOINED"),
  row("GAME_STARTED"),
  row("GAME_LEFT"),
  row("LEADERBOARD_UPDATED"),
  row("LEADERBOARD_RESET"),
]);

/** A Season 0 event to append: whose it is (null: nobody's), its type and payload. */
export type NewSeasonEvent = z.infer<typeof newSeasonEventSchema>;

/** A Season 0 event as stored: with its `seq` and time. */
export type SeasonEvent = NewSeasonEvent & { readonly seq: number; readonly createdAt: string };

/** A stored row before parsing. */
export interface RawSeasonEvent {
  readonly seq: number;
  readonly type: string;
  readonly playerId: string | null;
  readonly payload: unknown;
  readonly createdAt: string;
}

/** Parses a stored row; an unknown type or a payload that fails its schema is an error string. */
export function parseSeasonEvent(raw: RawSeasonEvent): { ok: true; event: SeasonEvent } | { ok: false; error: string } {
  const r = newSeasonEventSchema.safeParse({ type: raw.type, playerId: raw.playerId, payload: raw.payload });
  if (!r.success) return { ok: false, error: `seq ${raw.seq} (${raw.type}): ${r.error.message}` };
  return { ok: true, event: { ...r.data, seq: raw.seq, createdAt: raw.createdAt } };
}

/** The key of a ledger account in folds and audits: `player:<id>` or `system:<name>`. */
export function accountKey(ref: AccountRef): string {
  return ref.kind === "player" ? `player:${ref.playerId}` : `system:${ref.name}`;
}
