/**
 * The browser client's pure parts, without a browser: ladder deltas move ranks the way the
 * server does, the table state is read with the schema's defaults for unset fields, every
 * reason code has words, the replay reads the API's NDJSON framing, and table codes and share
 * links become routes.
 */
import { describe, expect, it } from "vitest";
import { applyDelta, fromSnapshot, type LadderDeltaData } from "../../client/src/ladder.js";
import { modelFromRoomState } from "../../client/src/model.js";
import { parseLog } from "../../client/src/events.js";
import { reasonText } from "../../client/src/reasons.js";
import { parseRoute, tableRouteOf } from "../../client/src/router.js";
import { achievementNotice, formatTimeLeft, rewardsText, seasonClockText } from "../../client/src/seasonText.js";
import { REASON_CODES } from "../../src/shared/protocol.js";

const row = (rank: number, name: string, total: number) => ({ rank, playerId: `p-${name}`, displayName: name, total, highest: total, games: 1, wins: 0 });
const snapshot = fromSnapshot({
  season: 0,
  generatedAt: new Date(0).toISOString(),
  tiers: { all_time: [row(1, "a", 90), row(2, "b", 80), row(3, "c", 70), row(4, "d", 60)], season: [row(1, "a", 90)] },
});
const changed = (playerId: string, oldRank: number | null, newRank: number, total: number, change: number): LadderDeltaData => ({
  type: "ladder.changed",
  tier: "all_time",
  season: null,
  playerId,
  total,
  at: 0,
  oldRank,
  newRank,
  change,
});
const names = (l: ReturnType<typeof fromSnapshot>) => l.tiers.all_time.map((r) => `${r.rank}:${r.displayName}`);

describe("ladder deltas in the lobby", () => {
  it("a player moving up pushes the ones it passes down by one, and remembers its move", () => {
    const next = applyDelta(snapshot, changed("p-d", 4, 2, 85, 25), () => "?", 1);
    expect(names(next)).toEqual(["1:a", "2:d", "3:b", "4:c"]);
    expect(next.tiers.all_time[1]?.move).toEqual({ oldRank: 4, change: 25, at: 1 });
    expect(next.tiers.all_time[1]?.total).toBe(85);
    expect(next.tiers.all_time[2]?.move).toBeUndefined();
  });

  it("a snapshot without a rating tier (an older server) reads as an empty one; a rating delta moves only the rating tier", () => {
    expect(snapshot.tiers.rating).toEqual([]);
    const next = applyDelta(snapshot, { ...changed("p-b", null, 1, 325, 325), tier: "rating" }, () => "?", 1);
    expect(next.tiers.rating.map((r) => `${r.rank}:${r.playerId}:${r.total}`)).toEqual(["1:p-b:325"]);
    expect(names(next)).toEqual(names(snapshot));
  });

  it("a newcomer is inserted at its rank with a name looked up for it", () => {
    const next = applyDelta(snapshot, changed("p-new", null, 3, 75, 75), (id) => `name of ${id}`, 1);
    expect(names(next)).toEqual(["1:a", "2:b", "3:name of p-new", "4:c", "5:d"]);
  });

  it("a player falling out of the top list leaves it, and a removal closes the gap", () => {
    const fell = applyDelta(snapshot, changed("p-a", 1, 25, 10, -80), () => "?", 1);
    expect(names(fell)).toEqual(["1:b", "2:c", "3:d"]);
    const removed = applyDelta(snapshot, { type: "ladder.removed", tier: "all_time", season: null, playerId: "p-b", total: 80, at: 0, oldRank: 2, newRank: null, change: -80 }, () => "?", 1);
    expect(names(removed)).toEqual(["1:a", "2:c", "3:d"]);
  });

  it("a season delta for another season is ignored", () => {
    const other: LadderDeltaData = { ...changed("p-z", null, 1, 5, 5), tier: "season", season: 3 };
    expect(applyDelta(snapshot, other, () => "?", 1)).toBe(snapshot);
  });
});

describe("reading the table state", () => {
  it("fields the server never set (false, 0, empty) take the schema's defaults", () => {
    const m = modelFromRoomState({ gameId: "g", seatCount: 3, phase: "waiting", seats: [{ seat: 0 }, { seat: 1, occupied: true, displayName: "x" }] }, null);
    expect(m.ok).toBe(true);
    if (!m.ok) return;
    expect(m.model.turn).toBeNull();
    expect(m.model.dealer).toBeNull();
    expect(m.model.trumpCard).toBeNull();
    expect(m.model.seats[0]).toMatchObject({ occupied: false, bid: null, score: 0, connected: false });
    expect(m.model.hands.size).toBe(0);
  });

  it("a seat's own hand and legal moves come from its hands entry, keyed by seat", () => {
    const m = modelFromRoomState(
      { gameId: "g", seatCount: 3, phase: "playing", turn: 0, hands: { "0": { cards: ["AS", "2C"], legalCards: ["AS"] } } },
      0,
    );
    expect(m.ok && m.model.hands.get(0)).toEqual(["AS", "2C"]);
    expect(m.ok && m.model.legalCards).toEqual(["AS"]);
  });

  it("an empty state (before the first patch) is not an error; a wrong one is", () => {
    expect(modelFromRoomState({}, null)).toEqual({ ok: false, error: null });
    const bad = modelFromRoomState({ gameId: "g", phase: "dancing" }, null);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toMatch(/phase/);
  });
});

describe("words for the server's reasons", () => {
  it("every reason code of the protocol has its own text", () => {
    for (const code of REASON_CODES) expect(reasonText(code, "raw")).not.toBe("raw");
    expect(new Set(REASON_CODES.map((c) => reasonText(c))).size).toBe(REASON_CODES.length);
    expect(reasonText("something/new", "the server says so")).toBe("the server says so");
  });
});

describe("the replay's log reader", () => {
  it("reads `{ index, createdAt, event }` lines and refuses a line that is not an event", () => {
    const created = { type: "game_created", _v: 1, gameId: "g", config: { seats: 3, turnSeconds: 30 }, seedCommitment: "c", sessionSeed: "" };
    const ok = parseLog(`${JSON.stringify({ index: 0, createdAt: "x", event: created })}\n`);
    expect(ok.ok && ok.events.map((e) => e.type)).toEqual(["game_created"]);
    const bad = parseLog(`${JSON.stringify({ index: 0, event: { type: "card_played", _v: 1 } })}\n`);
    expect(bad.ok).toBe(false);
  });
});

describe("table codes and links", () => {
  it("the lobby's code field takes a short code, a game id, or a whole link whose invitation it keeps", () => {
    expect(tableRouteOf("  da7064d4 ", false)).toBe("#/table/da7064d4");
    expect(tableRouteOf("DA7064D4", true)).toBe("#/table/DA7064D4?spectate=1");
    expect(tableRouteOf("http://host:2567/#/table/DA7064D4?invite=abc_-9", false)).toBe("#/table/DA7064D4?invite=abc_-9");
    expect(tableRouteOf("http://host:2567/#/table/DA7064D4?invite=abc_-9", true)).toBe("#/table/DA7064D4?spectate=1&invite=abc_-9");
    expect(tableRouteOf("   ", false)).toBeNull();
  });

  it("a table route keeps the invitation of a share link", () => {
    expect(parseRoute("#/table/DA7064D4?invite=abc")).toEqual({ name: "table", roomId: "DA7064D4", spectate: false, invite: "abc" });
    expect(parseRoute("#/table/DA7064D4?spectate=1")).toEqual({ name: "table", roomId: "DA7064D4", spectate: true, invite: null });
  });
});

describe("season texts (lobby clock, profile)", () => {
  it("the time left shows its two largest units", () => {
    expect(formatTimeLeft(0)).toBe("0s");
    expect(formatTimeLeft(9)).toBe("9s");
    expect(formatTimeLeft(249)).toBe("4m 09s");
    expect(formatTimeLeft(3 * 3600 + 5 * 60 + 59)).toBe("3h 05m");
    expect(formatTimeLeft(12 * 86_400 + 4 * 3600)).toBe("12d 04h");
  });

  it("the clock names the season, and says so when it has no scheduled end or is due", () => {
    expect(seasonClockText(2, 90)).toBe("Season 2 ends in 1m 30s");
    expect(seasonClockText(2, 0)).toBe("Season 2 is ending…");
    expect(seasonClockText(0, null)).toBe("Season 0");
  });

  it("a past season's rewards read as coins and the season frame", () => {
    expect(rewardsText({ coins: 500, cosmeticId: "season_3_frame" })).toBe("500 coins, Season 3 frame");
    expect(rewardsText({ coins: 0, cosmeticId: null })).toBe("none");
    expect(rewardsText({ coins: 100, cosmeticId: null })).toBe("100 coins");
  });
});

describe("the table's achievement notice", () => {
  it("names the achievement and its rewards: coins, an item, both, or none", () => {
    expect(achievementNotice({ name: "Perfect game", rewardCoins: 100, rewardItemName: "Gold card back", rewardQuantity: 1 })).toBe("Achievement unlocked: Perfect game (+100 coins, Gold card back)");
    expect(achievementNotice({ name: "Regular", rewardCoins: 50, rewardItemName: null, rewardQuantity: 0 })).toBe("Achievement unlocked: Regular (+50 coins)");
    expect(achievementNotice({ name: "Gold debut", rewardCoins: 0, rewardItemName: "Gold card back", rewardQuantity: 2 })).toBe("Achievement unlocked: Gold debut (2 × Gold card back)");
    expect(achievementNotice({ name: "Beta tester", rewardCoins: 0 })).toBe("Achievement unlocked: Beta tester");
  });
});
