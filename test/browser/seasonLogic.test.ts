/**
 * The Season 0 page's pure parts, without a browser: the reducer over Season events (each event
 * applied once, balances from the log, absolute values replayed over a REST snapshot), the SSE
 * parser, and the stream reader resuming with Last-Event-ID after a drop without delivering
 * anything twice.
 */
import { describe, expect, it } from "vitest";
import {
  applySeasonEvent,
  balances,
  cannotBuy,
  emptySeasonState,
  problemText,
  withSnapshot,
  type Achievement,
  type Cosmetic,
  type SeasonState,
  type StreamEvent,
} from "../../client/src/season.js";
import { parseSse, SeasonStream, type StreamState } from "../../client/src/seasonStream.js";

const ME = "11111111-1111-4111-8111-111111111111";
const OTHER = "22222222-2222-4222-8222-222222222222";
const TX1 = "33333333-3333-4333-8333-333333333333";
const TX2 = "44444444-4444-4444-8444-444444444444";

let nextSeq = 0;
function ev(type: string, payload: Record<string, unknown>, opts: { seq?: number; playerId?: string | null } = {}): StreamEvent {
  nextSeq = opts.seq ?? nextSeq + 1;
  return { seq: nextSeq, type, playerId: opts.playerId === undefined ? ME : opts.playerId, payload: { _v: 1, ...payload }, createdAt: new Date(Date.UTC(2026, 11, 7, 12, 0, nextSeq)).toISOString() };
}
const reward = (tx: string, amount: number, seq?: number): StreamEvent =>
  ev("TRANSACTION_COMPLETED", { transactionId: tx, currency: "coins", kind: "transfer", amount, postings: [{ account: { kind: "system", name: "rewards" }, amount: -amount }, { account: { kind: "player", playerId: ME }, amount }] }, { seq });
const spend = (tx: string, amount: number): StreamEvent =>
  ev("TRANSACTION_COMPLETED", { transactionId: tx, currency: "coins", kind: "withdrawal", amount, postings: [{ account: { kind: "player", playerId: ME }, amount: -amount }, { account: { kind: "system", name: "sink" }, amount }] });

const firstGame: Achievement = { id: "first_game", name: "First game", description: "Finish a game", rewardCoins: 50, enabled: true, progress: { current: 0, target: 1, met: false }, unlockedAt: null };
const hatTrick: Achievement = { id: "hat_trick", name: "Hat trick", description: "Win 3 in a row", rewardCoins: 75, enabled: true, progress: { current: 0, target: 3, met: false }, unlockedAt: null };
const midnight: Cosmetic = { id: "midnight_back", name: "Midnight", kind: "card_back", availability: "shop", priceCoins: 40, requiredAchievementId: null, owned: false, equipped: false };
const streak: Cosmetic = { id: "streak_frame", name: "Streak", kind: "seat_frame", availability: "shop", priceCoins: 25, requiredAchievementId: "hat_trick", owned: false, equipped: false };
const founder: Cosmetic = { id: "founder_frame", name: "Founder", kind: "seat_frame", availability: "grant", priceCoins: 0, requiredAchievementId: null, owned: false, equipped: false };

function loaded(): SeasonState {
  return withSnapshot(emptySeasonState(ME), {
    balances: [{ currency: "coins", balance: 0 }],
    achievements: [firstGame, hatTrick],
    cosmetics: [midnight, streak, founder],
    equipped: { card_back: null, seat_frame: null, table_felt: null },
    inventory: { version: 0, items: [] },
    waitlist: null,
  });
}

const fold = (s: SeasonState, events: readonly StreamEvent[]): SeasonState => events.reduce(applySeasonEvent, s);

describe("the Season reducer", () => {
  it("an achievement unlock marks it unlocked at full progress, announces it with its reward, and the reward lands in the wallet", () => {
    const s = fold(loaded(), [ev("ACHIEVEMENT_UNLOCKED", { achievementId: "first_game", source: "game", gameId: null, rewardCoins: 50, transactionId: TX1 }), reward(TX1, 50)]);
    const a = s.achievements.find((x) => x.id === "first_game");
    expect(a?.unlockedAt).not.toBeNull();
    expect(a?.progress).toEqual({ current: 1, target: 1, met: true });
    expect(s.notices.map((n) => n.text)).toEqual(["Achievement unlocked: First game (+50 coins)"]);
    expect(balances(s)).toEqual({ coins: 50 });
    expect(s.history).toMatchObject([{ id: TX1, kind: "transfer", delta: 50 }]);
  });

  it("an unlock's item reward is named in its notice (from the item catalogue; its id when the name is not known)", () => {
    const withItems = withSnapshot(loaded(), { items: [{ id: "card_back_gold", name: "Gold card back", kind: "card_back" }] });
    const unlock = (itemId: string, quantity: number) => ev("ACHIEVEMENT_UNLOCKED", { achievementId: "hat_trick", source: "game", gameId: null, rewardCoins: 75, transactionId: TX2, rewardItemId: itemId, rewardQuantity: quantity });
    expect(fold(withItems, [unlock("card_back_gold", 1)]).notices.map((n) => n.text)).toEqual(["Achievement unlocked: Hat trick (+75 coins, Gold card back)"]);
    expect(fold(loaded(), [unlock("emote_pack_1", 2)]).notices.map((n) => n.text)).toEqual(["Achievement unlocked: Hat trick (+75 coins, 2 × emote_pack_1)"]);
  });

  it("applies each event once: a repeated or older seq changes nothing, a resumed stream continues", () => {
    const a = reward(TX1, 50, 10);
    const b = spend(TX2, 40);
    const once = fold(loaded(), [a, b]);
    expect(balances(once)).toEqual({ coins: 10 });
    const twice = fold(once, [a, b, a]);
    expect(twice).toBe(once);
    expect(twice.history.map((l) => l.delta)).toEqual([-40, 50]);
  });

  it("shows the REST balance until the log has said anything, then the log's fold (never both added)", () => {
    const rest = withSnapshot(loaded(), { balances: [{ currency: "coins", balance: 90 }] });
    expect(balances(rest)).toEqual({ coins: 90 });
    // The stream's history replays the transactions the REST balance already counts.
    const replayed = fold(rest, [reward(TX1, 50), reward(TX2, 40)]);
    expect(balances(replayed)).toEqual({ coins: 90 });
  });

  it("absolute values replayed over a snapshot end where the snapshot is: holdings, the equipped set, ownership", () => {
    const snap = withSnapshot(loaded(), {
      inventory: { version: 3, items: [{ id: "gem", name: "Gem", kind: "gem", quantity: 1 }] },
      equipped: { card_back: "midnight_back", seat_frame: null, table_felt: null },
      cosmetics: [{ ...midnight, owned: true, equipped: true }, streak, founder],
    });
    const s = fold(snap, [
      ev("ITEM_ADDED", { itemId: "gem", quantity: 2, held: 2 }),
      ev("INVENTORY_UPDATED", { version: 2 }),
      ev("ITEM_REMOVED", { itemId: "gem", quantity: 1, held: 1 }),
      ev("INVENTORY_UPDATED", { version: 3 }),
      ev("COSMETIC_UNLOCKED", { cosmeticId: "midnight_back", source: "purchase", priceCoins: 40, transactionId: TX2 }),
      ev("COSMETICS_EQUIPPED", { card_back: "midnight_back", seat_frame: null, table_felt: null }),
    ]);
    expect(s.holdings).toEqual({ gem: 1 });
    expect(s.inventoryVersion).toBe(3);
    expect(s.equipped).toEqual({ card_back: "midnight_back", seat_frame: null, table_felt: null });
    expect(s.cosmetics.find((c) => c.id === "midnight_back")).toMatchObject({ owned: true, equipped: true });
    expect(s.notices[0]?.text).toBe("Midnight: bought for 40 coins");
    const unequipped = applySeasonEvent(s, ev("COSMETICS_EQUIPPED", { card_back: null, seat_frame: null, table_felt: null }));
    expect(unequipped.cosmetics.find((c) => c.id === "midnight_back")?.equipped).toBe(false);
    expect(applySeasonEvent(s, ev("ITEM_REMOVED", { itemId: "gem", quantity: 1, held: 0 })).holdings).toEqual({});
  });

  it("the waitlist follows its events; the position is kept only while waiting", () => {
    const w = "55555555-5555-4555-8555-555555555555";
    const joined = withSnapshot(applySeasonEvent(loaded(), ev("WAITLIST_ADDED", { waitlistId: w, queueSeq: 7 })), { waitlist: { id: w, playerId: ME, status: "waiting", position: 4 } });
    expect(joined.waitlist).toEqual({ id: w, playerId: ME, status: "waiting", position: 4 });
    const admitted = applySeasonEvent(joined, ev("WAITLIST_STATUS_UPDATED", { waitlistId: w, from: "waiting", to: "admitted" }));
    expect(admitted.waitlist).toMatchObject({ status: "admitted", position: null });
    // A REST answer read before the admission does not undo it.
    expect(withSnapshot(admitted, { waitlist: { id: w, playerId: ME, status: "waiting", position: 4 } }).waitlist?.status).toBe("admitted");
    expect(applySeasonEvent(admitted, ev("WAITLIST_REMOVED", { waitlistId: w, from: "admitted" })).waitlist?.status).toBe("removed");
  });

  it("ignores other players' events and malformed payloads (but moves past their seq)", () => {
    const s = loaded();
    const other = applySeasonEvent(s, ev("ACHIEVEMENT_UNLOCKED", { achievementId: "first_game", source: "game", gameId: null, rewardCoins: 50, transactionId: null }, { playerId: OTHER }));
    expect(other.achievements).toBe(s.achievements);
    expect(other.lastSeq).toBe(nextSeq);
    const bad = applySeasonEvent(s, ev("TRANSACTION_COMPLETED", { transactionId: TX1 }));
    expect(balances(bad)).toEqual({ coins: 0 });
  });

  it("a progress read from before an unlock does not take the unlock back", () => {
    const s = applySeasonEvent(loaded(), ev("ACHIEVEMENT_UNLOCKED", { achievementId: "first_game", source: "game", gameId: null, rewardCoins: 50, transactionId: null }));
    const stale = withSnapshot(s, { achievements: [firstGame, hatTrick] });
    expect(stale.achievements.find((a) => a.id === "first_game")?.unlockedAt).not.toBeNull();
  });

  it("says why a cosmetic cannot be bought, and puts problem codes in words", () => {
    const s = loaded();
    expect(cannotBuy(s, midnight)).toBe("Needs 40 more coins");
    expect(cannotBuy(s, streak)).toBe("Needs the achievement Hat trick");
    expect(cannotBuy(s, founder)).toBe("Not for sale");
    expect(cannotBuy(fold(s, [reward(TX1, 50)]), midnight)).toBeNull();
    expect(problemText("wallet/insufficient_funds", "x")).toBe("You do not have enough coins for that.");
    expect(problemText("cosmetics/requires_achievement", "x")).toBe("You need to unlock the required achievement first.");
    expect(problemText("waitlist/in_game", "x")).toMatch(/game in progress/);
    expect(problemText("something/else", "the server's words")).toBe("the server's words");
  });
});

describe("the SSE parser", () => {
  it("splits messages on blank lines, keeps the unfinished rest, skips comments, reads id, event, data and retry", () => {
    const r = parseSse("retry: 1000\n\n: ping\n\nid: 5\r\nevent: X\r\ndata: {\"a\":1}\r\n\r\nid: 6\ndata: par");
    expect(r.messages).toEqual([
      { id: null, event: "message", data: "", retry: 1000 },
      { id: "5", event: "X", data: '{"a":1}', retry: null },
    ]);
    expect(r.rest).toBe("id: 6\ndata: par");
    expect(parseSse(`${r.rest}t\n\n`).messages).toEqual([{ id: "6", event: "message", data: "part", retry: null }]);
  });
});

describe("the Season stream reader", () => {
  const sse = (e: StreamEvent): string => `id: ${e.seq}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`;
  /** A response whose body sends these chunks, then ends (a dropped connection). */
  function body(chunks: readonly string[]): Response {
    const enc = new TextEncoder();
    return new Response(new ReadableStream<Uint8Array>({
      start(c) {
        for (const chunk of chunks) c.enqueue(enc.encode(chunk));
        c.close();
      },
    }), { status: 200, headers: { "content-type": "text/event-stream" } });
  }

  it("resumes after a drop with Last-Event-ID and delivers nothing twice, even when the server repeats", async () => {
    const e1 = reward(TX1, 10, 101);
    const e2 = reward(TX2, 20, 102);
    const e3 = spend("66666666-6666-4666-8666-666666666666", 5);
    const asked: (number | null)[] = [];
    const delivered: number[] = [];
    const states: StreamState[] = [];
    let done!: () => void;
    const finished = new Promise<void>((r) => (done = r));
    const stream = new SeasonStream({
      open: (last) => {
        asked.push(last);
        if (asked.length === 1) return Promise.resolve(body(["retry: 5\n\n", sse(e1), sse(e2).slice(0, 20), sse(e2).slice(20)]));
        if (asked.length === 2) return Promise.resolve({ status: 0, code: "network/unreachable", message: "down" });
        // The server sends e2 again (it must not be delivered twice), then e3.
        return Promise.resolve(body([sse(e2), sse(e3)]));
      },
      onEvent: (e) => {
        delivered.push(e.seq);
        if (e.seq === e3.seq) done();
      },
      onState: (s) => states.push(s),
      sleep: () => Promise.resolve(),
    });
    stream.start();
    await finished;
    stream.close();
    expect(delivered).toEqual([101, 102, e3.seq]);
    expect(asked).toEqual([null, 102, 102]);
    expect(stream.lastEventId).toBe(e3.seq);
    expect(states.slice(0, 5)).toEqual(["connecting", "live", "reconnecting", "reconnecting", "live"]);
    expect(states.at(-1)).toBe("closed");
  });
});
