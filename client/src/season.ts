/**
 * The Season 0 page's data: the zod schemas of the Season routes and stream (docs/SEASON0.md),
 * the page's state, and the pure reducer that applies one Season event to it.
 *
 * What the log says about the caller (waitlist status, holdings, unlocks, owned and equipped
 * cosmetics, balances) comes from folding the caller's own event stream; what the log does not
 * carry (definitions, catalogue, names, prices, progress, queue position) comes from REST.
 * Every event but TRANSACTION_COMPLETED carries absolute values (`held`, `version`, the whole
 * equipped set, a status), so replaying history over a REST snapshot ends where the snapshot
 * is. Balances are deltas, so they are folded from the log only (`logBalances`, starting at 0
 * with the stream's history): the page shows the REST balance until the first event arrives.
 * Each event is applied once: `applySeasonEvent` ignores any `seq` at or below the last one
 * applied, so a stream that resumes or repeats cannot count anything twice.
 */
import * as z from "zod/mini";
import type { SeasonEventType } from "../../src/season/events.js";
import { achievementNotice } from "./seasonText.js";

const slotSet = { card_back: z.nullable(z.string()), seat_frame: z.nullable(z.string()), table_felt: z.nullable(z.string()) };
export const SLOTS = ["card_back", "seat_frame", "table_felt"] as const;
export type Slot = (typeof SLOTS)[number];
export type Equipped = Readonly<Record<Slot, string | null>>;

/** `GET /api/waitlist/status`, `POST /api/waitlist`, `DELETE /api/waitlist/:id`. */
export const waitlistEntrySchema = z.object({
  id: z.string(),
  playerId: z.string(),
  status: z.enum(["waiting", "invited", "admitted", "removed"]),
  position: z.nullable(z.int()),
});
export type WaitlistEntry = z.infer<typeof waitlistEntrySchema>;
export type WaitlistStatus = WaitlistEntry["status"];

/** `GET /api/currency`. */
export const balancesSchema = z.array(z.object({ currency: z.string(), balance: z.number() }));

/** `GET /api/currency/:id/transactions`. */
export const transactionsSchema = z.array(
  z.object({ id: z.string(), kind: z.enum(["deposit", "withdrawal", "transfer"]), currency: z.string(), amount: z.number(), reason: z.nullable(z.string()), createdAt: z.string() }),
);

/** `GET /api/inventory`. */
export const inventorySchema = z.object({
  version: z.int(),
  items: z.array(z.object({ id: z.string(), name: z.string(), kind: z.string(), quantity: z.int() })),
});

/** `GET /api/items`. */
export const itemsSchema = z.array(z.object({ id: z.string(), name: z.string(), kind: z.string() }));

/** `GET /api/achievements` (with a token: the caller's progress). */
export const achievementsSchema = z.array(
  z.object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    rewardCoins: z.number(),
    enabled: z.boolean(),
    progress: z.nullable(z.object({ current: z.number(), target: z.number(), met: z.boolean() })),
    unlockedAt: z.nullable(z.string()),
  }),
);
export type Achievement = z.infer<typeof achievementsSchema>[number];

/** `GET /api/cosmetics` (with a token: owned and equipped). */
export const cosmeticsSchema = z.array(
  z.object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(SLOTS),
    availability: z.enum(["shop", "grant"]),
    priceCoins: z.number(),
    requiredAchievementId: z.nullable(z.string()),
    owned: z.nullable(z.boolean()),
    equipped: z.nullable(z.boolean()),
  }),
);
export type Cosmetic = z.infer<typeof cosmeticsSchema>[number];

/** `GET`/`PUT /api/cosmetics/equipped`. */
export const equippedSchema = z.object(slotSet);

/** `POST /api/cosmetics/unlock`. */
export const unlockAnswerSchema = z.object({ cosmeticId: z.string(), alreadyOwned: z.boolean(), balance: z.nullable(z.number()) });

const v = { _v: z.number() };
const posting = z.object({
  account: z.union([z.object({ kind: z.literal("player"), playerId: z.string() }), z.object({ kind: z.literal("system"), name: z.string() })]),
  amount: z.number(),
});

/** The payloads the page folds (src/season/events.ts has the server's definitions). */
const PAYLOADS = {
  WAITLIST_ADDED: z.object({ ...v, waitlistId: z.string() }),
  WAITLIST_REMOVED: z.object({ ...v, waitlistId: z.string() }),
  WAITLIST_STATUS_UPDATED: z.object({ ...v, waitlistId: z.string(), to: z.enum(["waiting", "invited", "admitted", "removed"]) }),
  ITEM_ADDED: z.object({ ...v, itemId: z.string(), held: z.int() }),
  ITEM_REMOVED: z.object({ ...v, itemId: z.string(), held: z.int() }),
  INVENTORY_UPDATED: z.object({ ...v, version: z.int() }),
  TRANSACTION_COMPLETED: z.object({
    ...v,
    transactionId: z.string(),
    currency: z.string(),
    kind: z.enum(["deposit", "withdrawal", "transfer"]),
    amount: z.number(),
    postings: z.array(posting),
  }),
  // The item reward's fields are absent on rows written before item rewards.
  ACHIEVEMENT_UNLOCKED: z.object({ ...v, achievementId: z.string(), rewardCoins: z.number(), rewardItemId: z.optional(z.nullable(z.string())), rewardQuantity: z.optional(z.number()) }),
  COSMETIC_UNLOCKED: z.object({ ...v, cosmeticId: z.string(), source: z.string(), priceCoins: z.number() }),
  COSMETICS_EQUIPPED: z.object({ ...v, ...slotSet }),
} satisfies Partial<Record<SeasonEventType, z.ZodMiniType>>;
type Folded = keyof typeof PAYLOADS;

/** A stream message's data (`data:` of one SSE message), before its payload is read. */
export const streamEventSchema = z.object({
  seq: z.int(),
  type: z.string(),
  playerId: z.nullable(z.string()),
  payload: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
});
export type StreamEvent = z.infer<typeof streamEventSchema>;

/** One line of the wallet's recent history. */
export interface WalletLine {
  readonly id: string;
  readonly kind: "deposit" | "withdrawal" | "transfer";
  readonly currency: string;
  /** Signed: what it did to the caller's balance. */
  readonly delta: number;
  readonly at: string;
  readonly reason: string | null;
}

/** A short line the page announces (an unlock, a purchase). */
export interface Notice {
  readonly seq: number;
  readonly kind: "achievement" | "cosmetic";
  readonly text: string;
}

export interface SeasonState {
  readonly playerId: string;
  /** The last `seq` applied (0: none yet). */
  readonly lastSeq: number;
  readonly waitlist: WaitlistEntry | null;
  /** Balances from REST, shown until the log has said anything. */
  readonly restBalances: Readonly<Record<string, number>>;
  /** Balances folded from the caller's own log. */
  readonly logBalances: Readonly<Record<string, number>>;
  /** Newest first, at most {@link HISTORY}. */
  readonly history: readonly WalletLine[];
  readonly inventoryVersion: number;
  /** itemId -> quantity (> 0). */
  readonly holdings: Readonly<Record<string, number>>;
  readonly itemNames: Readonly<Record<string, string>>;
  readonly achievements: readonly Achievement[];
  readonly cosmetics: readonly Cosmetic[];
  readonly equipped: Equipped;
  /** Newest first, at most {@link NOTICES}. */
  readonly notices: readonly Notice[];
}

export const HISTORY = 10;
export const NOTICES = 5;

export function emptySeasonState(playerId: string): SeasonState {
  return {
    playerId,
    lastSeq: 0,
    waitlist: null,
    restBalances: {},
    logBalances: {},
    history: [],
    inventoryVersion: 0,
    holdings: {},
    itemNames: {},
    achievements: [],
    cosmetics: [],
    equipped: { card_back: null, seat_frame: null, table_felt: null },
    notices: [],
  };
}

/** The balances to show: the log's once it has spoken, else REST's. */
export function balances(s: SeasonState): Readonly<Record<string, number>> {
  return s.lastSeq > 0 ? { ...s.restBalances, ...s.logBalances } : s.restBalances;
}

/** The caller's coins (0 when none). */
export function coins(s: SeasonState): number {
  return balances(s)["coins"] ?? 0;
}

function payloadOf<K extends Folded>(type: K, e: StreamEvent): z.infer<(typeof PAYLOADS)[K]> | null {
  const p = PAYLOADS[type].safeParse(e.payload);
  return p.success ? (p.data as z.infer<(typeof PAYLOADS)[K]>) : null;
}

function withWaitlist(s: SeasonState, id: string, status: WaitlistStatus): SeasonState {
  // A status from the log; the position is REST's (others move it) and is kept only while waiting.
  const position = status === "waiting" && s.waitlist?.id === id ? s.waitlist.position : null;
  return { ...s, waitlist: { id, playerId: s.playerId, status, position } };
}

function withHolding(s: SeasonState, itemId: string, held: number): SeasonState {
  const holdings = { ...s.holdings };
  if (held > 0) holdings[itemId] = held;
  else delete holdings[itemId];
  return { ...s, holdings };
}

function withTransaction(s: SeasonState, e: StreamEvent): SeasonState {
  const p = payloadOf("TRANSACTION_COMPLETED", e);
  if (p === null) return s;
  const delta = p.postings.reduce((sum, x) => (x.account.kind === "player" && x.account.playerId === s.playerId ? sum + x.amount : sum), 0);
  if (delta === 0) return s;
  const known = s.history.find((l) => l.id === p.transactionId);
  const line: WalletLine = { id: p.transactionId, kind: p.kind, currency: p.currency, delta, at: e.createdAt, reason: known?.reason ?? null };
  return {
    ...s,
    logBalances: { ...s.logBalances, [p.currency]: (s.logBalances[p.currency] ?? 0) + delta },
    history: [line, ...s.history.filter((l) => l.id !== line.id)].slice(0, HISTORY),
  };
}

function notice(s: SeasonState, n: Notice): readonly Notice[] {
  return [n, ...s.notices].slice(0, NOTICES);
}

function withAchievement(s: SeasonState, e: StreamEvent): SeasonState {
  const p = payloadOf("ACHIEVEMENT_UNLOCKED", e);
  if (p === null) return s;
  const def = s.achievements.find((a) => a.id === p.achievementId);
  const achievements = s.achievements.map((a) =>
    a.id !== p.achievementId
      ? a
      : { ...a, unlockedAt: a.unlockedAt ?? e.createdAt, progress: a.progress === null ? null : { current: a.progress.target, target: a.progress.target, met: true } },
  );
  const item = p.rewardItemId ?? null;
  const text = achievementNotice({ name: def?.name ?? p.achievementId, rewardCoins: p.rewardCoins, rewardItemName: item === null ? null : (s.itemNames[item] ?? item), rewardQuantity: p.rewardQuantity });
  return { ...s, achievements, notices: notice(s, { seq: e.seq, kind: "achievement", text }) };
}

function withCosmetic(s: SeasonState, e: StreamEvent): SeasonState {
  const p = payloadOf("COSMETIC_UNLOCKED", e);
  if (p === null) return s;
  const def = s.cosmetics.find((c) => c.id === p.cosmeticId);
  const cosmetics = s.cosmetics.map((c) => (c.id === p.cosmeticId ? { ...c, owned: true } : c));
  const how = p.source === "purchase" ? `bought for ${p.priceCoins} coins` : p.source === "founder" ? "founder's gift" : "yours now";
  return { ...s, cosmetics, notices: notice(s, { seq: e.seq, kind: "cosmetic", text: `${def?.name ?? p.cosmeticId}: ${how}` }) };
}

/** The equipped set (the log's `COSMETICS_EQUIPPED`, or the answer of an equip), absolute. */
export function withEquipped(s: SeasonState, equipped: Equipped): SeasonState {
  const worn = new Set(SLOTS.map((k) => equipped[k]));
  return { ...s, equipped, cosmetics: s.cosmetics.map((c) => ({ ...c, equipped: worn.has(c.id) })) };
}

function fold(s: SeasonState, e: StreamEvent): SeasonState {
  switch (e.type) {
    case "WAITLIST_ADDED": {
      const p = payloadOf("WAITLIST_ADDED", e);
      return p === null ? s : withWaitlist(s, p.waitlistId, "waiting");
    }
    case "WAITLIST_REMOVED": {
      const p = payloadOf("WAITLIST_REMOVED", e);
      return p === null ? s : withWaitlist(s, p.waitlistId, "removed");
    }
    case "WAITLIST_STATUS_UPDATED": {
      const p = payloadOf("WAITLIST_STATUS_UPDATED", e);
      return p === null ? s : withWaitlist(s, p.waitlistId, p.to);
    }
    case "ITEM_ADDED":
    case "ITEM_REMOVED": {
      const p = payloadOf(e.type, e);
      return p === null ? s : withHolding(s, p.itemId, p.held);
    }
    case "INVENTORY_UPDATED": {
      const p = payloadOf("INVENTORY_UPDATED", e);
      return p === null ? s : { ...s, inventoryVersion: p.version };
    }
    case "TRANSACTION_COMPLETED":
      return withTransaction(s, e);
    case "ACHIEVEMENT_UNLOCKED":
      return withAchievement(s, e);
    case "COSMETIC_UNLOCKED":
      return withCosmetic(s, e);
    case "COSMETICS_EQUIPPED": {
      const p = payloadOf("COSMETICS_EQUIPPED", e);
      return p === null ? s : withEquipped(s, { card_back: p.card_back, seat_frame: p.seat_frame, table_felt: p.table_felt });
    }
    default:
      // Events with nothing of the page's own to fold (games, ladder, users, the currency
      // events whose TRANSACTION_COMPLETED carries the postings).
      return s;
  }
}

/**
 * Applies one event of the caller's stream. An event at or below `lastSeq` was applied already
 * (a resumed or repeated stream) and changes nothing; an event of another player is ignored.
 */
export function applySeasonEvent(s: SeasonState, e: StreamEvent): SeasonState {
  if (e.seq <= s.lastSeq) return s;
  if (e.playerId !== null && e.playerId !== s.playerId) return { ...s, lastSeq: e.seq };
  return { ...fold(s, e), lastSeq: e.seq };
}

/** Events after which the achievements' progress is read again (a game moved the figures). */
export function movesProgress(type: string): boolean {
  return type === "LEADERBOARD_UPDATED" || type === "ACHIEVEMENT_UNLOCKED" || type === "GAME_LEFT";
}

/** Events after which the waitlist position is read again. */
export function movesWaitlist(type: string): boolean {
  return type === "WAITLIST_ADDED" || type === "WAITLIST_REMOVED" || type === "WAITLIST_STATUS_UPDATED";
}

/** What REST answered when the page opened (or read again). */
export interface SeasonSnapshot {
  readonly waitlist?: WaitlistEntry | null;
  readonly balances?: z.infer<typeof balancesSchema>;
  readonly transactions?: z.infer<typeof transactionsSchema>;
  readonly inventory?: z.infer<typeof inventorySchema>;
  readonly items?: z.infer<typeof itemsSchema>;
  readonly achievements?: readonly Achievement[];
  readonly cosmetics?: readonly Cosmetic[];
  readonly equipped?: Equipped;
}

/**
 * Takes in REST answers. Catalogue, definitions, progress, names and position are REST's;
 * what the log has already said (unlocks, ownership, the equipped set, the waitlist status)
 * wins over an answer that may have been read before it.
 */
export function withSnapshot(s: SeasonState, snap: SeasonSnapshot): SeasonState {
  let next = s;
  if (snap.waitlist !== undefined) {
    const w = snap.waitlist;
    const logStatus = s.lastSeq > 0 && s.waitlist !== null && w !== null && s.waitlist.id === w.id ? s.waitlist.status : null;
    next = { ...next, waitlist: w === null || logStatus === null || logStatus === w.status ? w : { ...w, status: logStatus, position: logStatus === "waiting" ? w.position : null } };
  }
  if (snap.balances !== undefined) next = { ...next, restBalances: Object.fromEntries(snap.balances.map((b) => [b.currency, b.balance])) };
  if (snap.transactions !== undefined && next.lastSeq === 0) {
    const lines = snap.transactions.map((t): WalletLine => ({ id: t.id, kind: t.kind, currency: t.currency, delta: t.kind === "withdrawal" ? -t.amount : t.amount, at: t.createdAt, reason: t.reason }));
    next = { ...next, history: lines.slice(0, HISTORY) };
  }
  if (snap.items !== undefined) next = { ...next, itemNames: { ...next.itemNames, ...Object.fromEntries(snap.items.map((i) => [i.id, i.name])) } };
  if (snap.inventory !== undefined && next.lastSeq === 0) {
    next = {
      ...next,
      inventoryVersion: snap.inventory.version,
      holdings: Object.fromEntries(snap.inventory.items.map((i) => [i.id, i.quantity])),
      itemNames: { ...next.itemNames, ...Object.fromEntries(snap.inventory.items.map((i) => [i.id, i.name])) },
    };
  }
  if (snap.achievements !== undefined) {
    const known = new Map(s.achievements.map((a) => [a.id, a]));
    next = {
      ...next,
      achievements: snap.achievements.map((a) => {
        const had = known.get(a.id)?.unlockedAt ?? null;
        return had === null || a.unlockedAt !== null ? a : { ...a, unlockedAt: had, progress: a.progress === null ? null : { current: a.progress.target, target: a.progress.target, met: true } };
      }),
    };
  }
  if (snap.cosmetics !== undefined) {
    const owned = new Set(s.cosmetics.filter((c) => c.owned === true).map((c) => c.id));
    next = { ...next, cosmetics: snap.cosmetics.map((c) => (owned.has(c.id) ? { ...c, owned: true } : c)) };
    if (s.lastSeq > 0) next = withEquipped(next, s.equipped);
  }
  if (snap.equipped !== undefined && s.lastSeq === 0) next = withEquipped(next, snap.equipped);
  return next;
}

/** Why a cosmetic cannot be bought now, or null when it can (the server decides in the end). */
export function cannotBuy(s: SeasonState, c: Cosmetic): string | null {
  if (c.owned === true) return "owned";
  if (c.availability === "grant") return "Not for sale";
  if (c.requiredAchievementId !== null) {
    const a = s.achievements.find((x) => x.id === c.requiredAchievementId);
    if (a?.unlockedAt === null) return `Needs the achievement ${a.name}`;
  }
  if (c.priceCoins > coins(s)) return `Needs ${c.priceCoins - coins(s)} more coins`;
  return null;
}

/** The Season routes' problem codes in words (docs/API.md); others fall back to the server's text. */
const PROBLEM_TEXT: Readonly<Record<string, string>> = {
  "wallet/insufficient_funds": "You do not have enough coins for that.",
  "cosmetics/requires_achievement": "You need to unlock the required achievement first.",
  "cosmetics/not_for_sale": "That cosmetic is not for sale.",
  "cosmetics/not_owned": "You can only equip a cosmetic you own.",
  "cosmetics/wrong_slot": "That cosmetic does not go in that slot.",
  "waitlist/in_game": "You are seated at a game in progress: leave the waitlist after the game.",
  "waitlist/already_removed": "You have already left the waitlist.",
  "waitlist/not_joined": "You are not on the waitlist.",
  "auth/missing_token": "Please sign in again.",
  "auth/expired": "Your session expired: please sign in again.",
  "auth/forbidden": "You are not allowed to do that.",
  "rate_limited": "Too many requests: wait a moment and try again.",
  "not_found": "That no longer exists.",
  "network/unreachable": "The server cannot be reached. Check your connection and try again.",
};

export function problemText(code: string, fallback: string): string {
  return PROBLEM_TEXT[code] ?? fallback;
}
