/**
 * The `ranked` room through the SDK (docs/PROTOCOL.md, "The ranked room"): players of different
 * ratings are matched by band, hear their band widen, cancel, and a lone player's table is
 * filled with the ranked bots nearest their rating after RANKED_BOT_FILL_SECONDS, and matched
 * players who never come are replaced by bots after RANKED_NO_SHOW_SECONDS. The server runs with
 * short steps (bands widen each second, bot fill after 3 s, no-shows after 5 s, a tick every 100 ms).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Room } from "@colyseus/sdk";
import { pickBots } from "../../src/ladder/botRatings.js";
import { JOIN_ERRORS, type RankedMatchedMessage, type RankedSearchingMessage, type WelcomeMessage } from "../../src/shared/protocol.js";
import { playerRatings } from "../../db/schema/ratings.js";
import { asGameId } from "../../src/shared/identity.js";
import { TableAccess } from "../../rooms/table/access.js";
import { startTestServer, type TestPlayer, type TestServer } from "../support/server.js";
import { joinTable, waitUntil, type Received } from "./recorder.js";

let ts: TestServer;
beforeAll(async () => {
  ts = await startTestServer({ env: { RANKED_BANDS: "0:100,1:200,2:400,60:any", RANKED_BOT_FILL_SECONDS: "3", RANKED_TICK_MS: "100", RANKED_SEATS: "4", RANKED_NO_SHOW_SECONDS: "5" } });
});
afterAll(async () => {
  await ts.close();
});

/** A player whose shown rating is `shown` (a stored rating with sigma 1: shown = 100 * (mu - 3)). */
async function playerRated(name: string, shown: number): Promise<TestPlayer> {
  const p = await ts.createPlayer(name);
  await ts.storage.handle.db.insert(playerRatings).values({ playerId: p.playerId, mu: shown / 100 + 3, sigma: 1, games: 10 });
  return p;
}

interface Search {
  readonly room: Room;
  readonly messages: Received[];
  readonly left: Promise<number>;
  of<T>(type: string): T[];
}

async function search(p: TestPlayer): Promise<Search> {
  const room = await ts.client(p).joinOrCreate("ranked", {});
  const messages: Received[] = [];
  room.onMessage("*", (type: string | number, payload: unknown) => messages.push({ type: String(type), payload }));
  const left = new Promise<number>((resolve) => room.onLeave((code: number) => resolve(code)));
  return { room, messages, left, of: <T>(type: string) => messages.filter((m) => m.type === type).map((m) => m.payload as T) };
}

const matchedOf = (s: Search): RankedMatchedMessage | undefined => s.of<RankedMatchedMessage>("ranked/matched")[0];

describe("ranked quick match", () => {
  it("matches players inside each other's band, widens the band of the one left over, and cancels", async () => {
    const near = await Promise.all([1000, 1030, 1060, 1090].map((r, i) => playerRated(`Near${i}`, r)));
    const far = await playerRated("Far", 1600);
    const farSearch = await search(far);
    const searches = await Promise.all(near.map(search));
    const matched = await Promise.all(searches.map((s, i) => waitUntil(() => matchedOf(s), 10_000, `ranked/matched of Near${i}: got ${JSON.stringify(s.messages)}`)));
    expect(new Set(matched.map((m) => m.roomId)).size).toBe(1);
    expect(matched.every((m) => m.bots === 0 && m.seats === 4 && m.invite === matched[0]?.invite)).toBe(true);
    for (const s of searches) expect(await s.left).toBe(4000);
    expect(farSearch.of("ranked/matched")).toEqual([]);

    // The far player's band widens step by step: ±100, ±200 after 1 s, ±400 after 2 s.
    const steps = await waitUntil(() => (farSearch.of<RankedSearchingMessage>("ranked/searching").length >= 3 ? farSearch.of<RankedSearchingMessage>("ranked/searching") : null), 10_000, "three widenings");
    expect(steps.slice(0, 3).map((m) => [m.rating, m.band, m.waitedSeconds, m.nextWideningSeconds, m.botFillSeconds])).toEqual([
      [1600, 100, 0, 1, 3],
      [1600, 200, 1, 2, 3],
      [1600, 400, 2, 60, 3],
    ]);
    farSearch.room.send("cancel");
    expect(await farSearch.left).toBe(4000);
    expect(farSearch.of<{ waitedSeconds: number }>("ranked/cancelled")).toHaveLength(1);
    expect(farSearch.of("ranked/matched")).toEqual([]);

    // The matched players sit at the ranked table with the invitation; the game starts.
    const tables = await Promise.all(near.map((p, i) => joinTable(ts.client(p), matched[i]!.roomId, { invite: matched[i]!.invite })));
    for (const t of tables) {
      const welcome = await t.waitFor(() => t.of("welcome")[0] as WelcomeMessage | undefined, 10_000, "welcome");
      expect(welcome.ranked).toBe(true);
      expect(welcome.role).toBe("player");
    }
    await waitUntil(() => tables[0]!.room.state.phase !== "waiting", 10_000, "game started");
    // The mark is stored with the game: a table restored from its log says `ranked: true` again.
    const stored = await ts.storage.games.accessOf(asGameId(matched[0]!.roomId));
    expect(stored).toEqual({ inviteCode: matched[0]!.invite, ranked: true });
    expect(TableAccess.restored(stored).welcomeFields(true)).toMatchObject({ ranked: true, invite: matched[0]!.invite, joinCode: null });
    await Promise.all(tables.map((t) => t.room.leave(true)));
  }, 60_000);

  it("a player already searching cannot queue twice; leaving takes them out of the queue; unknown messages are refused", async () => {
    const p = await playerRated("Twice", 3000);
    const first = await search(p);
    await expect(ts.client(p).joinOrCreate("ranked", {})).rejects.toMatchObject({ code: JOIN_ERRORS["ranked/already_queued"] });
    await first.room.leave(true);
    const again = await search(p); // out of the queue: queued afresh
    const [searching] = await waitUntil(() => (again.of<RankedSearchingMessage>("ranked/searching").length > 0 ? again.of<RankedSearchingMessage>("ranked/searching") : null), 5_000, "searching");
    expect(searching?.waitedSeconds).toBe(0);
    again.room.send("hello", { x: 1 });
    const [unknown] = await waitUntil(() => (again.of("result").length > 0 ? again.of("result") : null), 5_000, "result");
    expect(unknown).toMatchObject({ ok: false, type: "hello", code: "protocol/unknown_message" });
    again.room.send("cancel");
    expect(await again.left).toBe(4000);
  }, 30_000);

  it("matched players who never come to the ranked table are replaced by bots after the no-show wait", async () => {
    const players = await Promise.all([2000, 2010, 2020, 2030].map((r, i) => playerRated(`Show${i}`, r)));
    const searches = await Promise.all(players.map(search));
    const matched = await Promise.all(searches.map((s) => waitUntil(() => matchedOf(s), 10_000, "ranked/matched")));
    // Only the first two come.
    const tables = await Promise.all(players.slice(0, 2).map((p, i) => joinTable(ts.client(p), matched[i]!.roomId, { invite: matched[i]!.invite })));
    const t = tables[0]!;
    await t.waitFor(() => t.room.state.seats.length === 4 && t.room.state.seats.every((seat) => seat.playerId !== ""), 20_000, "no-shows replaced");
    const seated = t.room.state.seats.map((seat) => seat.playerId);
    expect(seated).toEqual(expect.arrayContaining([players[0]!.playerId, players[1]!.playerId]));
    expect(seated).not.toContain(players[2]!.playerId);
    expect(seated).not.toContain(players[3]!.playerId);
    await t.waitFor(() => t.room.state.phase !== "waiting", 10_000, "game started");
    await Promise.all(tables.map((x) => x.room.leave(true)));
  }, 60_000);

  it("after the bot-fill wait a lone player's table gets the ranked bots nearest their rating", async () => {
    const p = await playerRated("Lone", 2400);
    const s = await search(p);
    const matched = await waitUntil(() => matchedOf(s), 15_000, "bot fill");
    expect(matched.bots).toBe(3);
    expect(matched.waitedSeconds).toBeGreaterThanOrEqual(3);
    const table = await joinTable(ts.client(p), matched.roomId, { invite: matched.invite });
    await table.waitFor(() => table.room.state.seats.length === 4 && table.room.state.seats.every((seat) => seat.playerId !== ""), 20_000, "bots seated");
    const bots = table.room.state.seats.filter((seat) => seat.playerId !== p.playerId).map((seat) => seat.playerId);
    expect(bots.sort()).toEqual(pickBots(2400, 3).map((b) => b.playerId).sort());
    await table.room.leave(true);
  }, 60_000);
});
