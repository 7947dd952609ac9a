/**
 * The zod schemas of the Season 0 routes (request parts and response `data`), and the small
 * helpers those routes share: the owner-or-admin rule, cursors and `If-Match`.
 */
import { z } from "zod";
import { positiveSafeInt, preferencesSchema, SEASON_EVENT_TYPES, waitlistStatusSchema, type SeasonEventType } from "../season/events.js";
import type { AuthContext } from "./auth.js";
import { fail, type Reply } from "./route.js";
import { uuid } from "./schemas.js";

/** Null when `auth` may act for player `playerId`; else the problem. */
export function ownerOrAdminOfPlayer(auth: AuthContext | null, playerId: string): Reply<never> | null {
  if (auth === null) return fail("auth/missing_token");
  if (auth.role === "admin" || auth.playerId === playerId) return null;
  return fail("auth/forbidden", "only the player or an admin");
}

/** A waitlist entry. */
export const waitlistEntrySchema = z.object({
  id: uuid,
  playerId: uuid,
  status: waitlistStatusSchema,
  position: z.number().int().min(1).nullable().describe("1-based place among waiting entries; null unless waiting"),
  queueSeq: z.number().int().describe("Queue order (first come, first served; never tied)"),
  joinedAt: z.string(),
  updatedAt: z.string(),
});

/** `POST /api/admin/waitlist/admit` and `.../invite`. */
export const waveBody = z.object({ count: z.number().int().min(1).max(1000) });

/** A numeric cursor (`seq` or `queueSeq` of the last row seen). */
export const seqCursor = z
  .string()
  .regex(/^\d{1,16}$/, "a cursor from meta.nextCursor")
  .transform(Number)
  .optional();

/** A currency code. */
export const currencyCode = z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, "a currency code such as coins");

/** `POST /api/currency/deposit`. */
export const depositBody = z.object({ playerId: uuid, currency: currencyCode, amount: positiveSafeInt, reason: z.string().max(200).optional() });
/** `POST /api/currency/withdraw`. */
export const withdrawBody = z.object({ currency: currencyCode, amount: positiveSafeInt, reason: z.string().max(200).optional() });

/** A committed ledger transaction. */
export const transactionSchema = z.object({
  id: uuid,
  kind: z.enum(["deposit", "withdrawal", "transfer"]),
  currency: z.string(),
  amount: z.number().int(),
  playerId: uuid,
  reason: z.string().nullable(),
  createdAt: z.string(),
});

/** The answer of a deposit or withdrawal. */
export const transferResultSchema = z.object({
  transaction: transactionSchema,
  replayed: z.boolean().describe("True when this Idempotency-Key had already moved the money: nothing moved now"),
  balance: z.number().int().nullable().describe("The player's balance after this transaction; null on a replay"),
});

/** A balance. */
export const balanceSchema = z.object({ currency: z.string(), balance: z.number().int() });

/** A catalogue item. */
export const itemSchema = z.object({ id: z.string(), name: z.string(), kind: z.string() });
/** `POST /api/admin/items`. */
export const newItemBody = z.object({ id: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/), name: z.string().trim().min(1).max(64), kind: z.string().regex(/^[a-z][a-z0-9_]{0,31}$/) });

/** A player's inventory. */
export const inventorySchema = z.object({
  playerId: uuid,
  version: z.number().int().describe("Also the ETag (quoted); send it back in If-Match to write"),
  items: z.array(itemSchema.extend({ quantity: z.number().int().min(1) })),
});

/** `POST /api/inventory/add` (admin: any player) and `/remove` (the owner, or an admin naming the player). */
export const inventoryBody = z.object({
  itemId: z.string().min(1).max(64),
  quantity: positiveSafeInt.default(1),
  playerId: uuid.optional().describe("Whose inventory (admin only; default: the caller's)"),
});

/** Parses `If-Match`: `"7"`, `W/"7"` or `7`; null when absent, NaN-free. */
export function parseIfMatch(header: string | string[] | undefined): { ok: true; version: number } | { ok: false; missing: boolean } {
  if (typeof header !== "string" || header.trim() === "") return { ok: false, missing: true };
  const m = /^(?:W\/)?"?(\d{1,16})"?$/.exec(header.trim());
  if (m === null || m[1] === undefined) return { ok: false, missing: false };
  return { ok: true, version: Number(m[1]) };
}

/** The ETag of an inventory version. */
export const etagOf = (version: number): string => `"${version}"`;

/** User preferences. */
export { preferencesSchema };

/** A season event as the API shows it. */
export const seasonEventSchema = z.object({
  seq: z.number().int(),
  type: z.enum(SEASON_EVENT_TYPES as [SeasonEventType, ...SeasonEventType[]]),
  playerId: uuid.nullable(),
  payload: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
});

/** `GET /api/admin/season/events` query. */
export const seasonEventsQuery = z.object({
  after: seqCursor.describe("Only events with seq greater than this (the previous page's meta.nextCursor)"),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  type: z.enum(SEASON_EVENT_TYPES as [SeasonEventType, ...SeasonEventType[]]).optional(),
  playerId: uuid.optional(),
});
