/**
 * End-to-end in a real browser (Debian's Chromium through playwright-core) against a real PZO
 * server started here, over a fresh database, serving the freshly built client.
 *
 * One guest plays a whole game against bots by clicking; a second page spectates the same
 * table; a third sits in the lobby watching the ladder. Then the replay page and a reload
 * mid-game. Screenshots go to test-results/screenshots/ (the output names each file).
 */
import { matchMaker } from "@colyseus/core";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { fold } from "../../src/game/evolve.js";
import { ROUND_COUNT, type Card, type GameEvent, type GameState } from "../../src/game/types.js";
import type { TestServer } from "../support/server.js";
import {
  buildClient,
  cardsIn,
  fetchLog,
  launchBrowser,
  makeMove,
  newPage,
  nextOffer,
  playerIdOf,
  readTable,
  screenshot,
  startServer,
} from "./support.js";

/** The lobby must show the ladder change within this long of the game finishing. */
const LADDER_DELTA_MS = 2_000;

/** Cards anywhere in the spectator's page that are not on the table or the trump card: must be none. */
const CARDS_OUTSIDE_THE_TABLE = `[...document.querySelectorAll("[data-card]")]
  .filter((e) => !e.closest('[data-testid="current-trick"]') && !e.closest('[data-testid="trump"]'))
  .map((e) => e.getAttribute("data-card"))`;
const HAND_ELEMENTS = `document.querySelectorAll('[data-testid="hand"], [data-testid="hand-card"], [data-testid^="seat-hand"]').length`;

describe("browser client against a real server", () => {
  let server: TestServer;
  let browser: Browser;
  const errors: string[] = [];

  /** What the first test leaves for the others. */
  let game: { gameId: string; playerId: string; mySeat: number; finalScores: number[] } | null = null;
  let ladderDeltaAfterMs: number | null = null;
  let ladderDeltaForPlayer = false;

  beforeAll(async () => {
    buildClient();
    server = await startServer();
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("a guest clicks Play now and plays a whole 10-round game against bots; a spectator page never shows a hand", async () => {
    const lobby = await newPage(browser, errors);
    await lobby.goto(`${server.httpUrl}/#/lobby`);
    await lobby.getByTestId("ladder-tier").first().waitFor();
    await lobby.waitForSelector('[data-testid="lobby-status"]:text("Live")');

    const player = await newPage(browser, errors);
    await player.goto(`${server.httpUrl}/`);
    await player.getByTestId("play-now").waitFor();
    await screenshot(player, "lobby");
    const playerId = await playerIdOf(player);

    await player.getByTestId("play-now").click();
    await player.waitForURL(/#\/table\//);
    const roomId = /#\/table\/([^?]+)/.exec(player.url())?.[1];
    expect(roomId).toBeTruthy();
    await player.getByTestId("table").waitFor();

    const spectator = await newPage(browser, errors);
    await spectator.goto(`${server.httpUrl}/#/table/${roomId}?spectate=1`);
    await spectator.getByTestId("spectator-badge").waitFor();
    await spectator.getByTestId("table").waitFor();

    let moves = 0;
    let spectatorChecks = 0;
    let midTrickShot = false;
    const checkSpectator = async (myHand: readonly Card[]): Promise<void> => {
      expect(await spectator.evaluate(HAND_ELEMENTS)).toBe(0);
      expect(await spectator.evaluate(CARDS_OUTSIDE_THE_TABLE)).toEqual([]);
      const shown = await cardsIn(spectator, "[data-card]");
      for (const c of myHand) expect(shown).not.toContain(c);
      spectatorChecks += 1;
    };

    for (;;) {
      const offer = await nextOffer(player);
      if (offer === "done") break;
      const before = await readTable(player);
      if (offer === "card") {
        // Every trick has one card of ours: checking here checks the spectator after every trick.
        await checkSpectator(before.hand);
        if (!midTrickShot && before.round >= 4 && before.trick.length >= 2) {
          await screenshot(player, "mid-trick");
          await screenshot(spectator, "spectator-mid-trick");
          midTrickShot = true;
        }
      }
      await makeMove(player, offer);
      moves += 1;
    }

    const end = await readTable(player);
    expect(end.phase).toBe("completed");
    expect(end.round).toBe(ROUND_COUNT);
    const finishedAt = Date.now();
    await player.getByTestId("final-scores").waitFor();
    await expect(player.getByTestId("replay-link").getAttribute("href")).resolves.toMatch(/^#\/replay\//);
    await expect(player.getByTestId("verify-link").getAttribute("href")).resolves.toMatch(/^#\/verify\/[^/]+$/);

    // The lobby shows a ladder move within 2 s of the game finishing.
    await lobby.getByTestId("ladder-delta").first().waitFor({ timeout: LADDER_DELTA_MS });
    ladderDeltaAfterMs = Date.now() - finishedAt;
    ladderDeltaForPlayer = (await lobby.locator(`[data-player-id="${playerId}"] [data-testid="ladder-delta"]`).count()) > 0;
    await screenshot(lobby, "lobby-ladder-delta");
    await screenshot(player, "final-scores");

    // The spectator, at the end too: no hand, and the final scores are the same.
    await spectator.getByTestId("final-scores").waitFor();
    await checkSpectator([]);
    const spectatorEnd = await readTable(spectator);
    expect(spectatorEnd.seats.map((s) => s.score)).toEqual(end.seats.map((s) => s.score));

    // 10 bids and 55 cards are ours; a spectator check before each of our cards.
    expect(moves).toBe(ROUND_COUNT + 55);
    expect(spectatorChecks).toBeGreaterThanOrEqual(55);
    expect(end.mySeat).not.toBeNull();
    game = { gameId: String(roomId), playerId, mySeat: end.mySeat ?? -1, finalScores: end.seats.map((s) => Number(s.score)) };
    expect(errors).toEqual([]);
    await Promise.all([lobby.context().close(), spectator.context().close(), player.context().close()]);
  }, 300_000);

  it("the lobby page shows a ladder delta within 2 s of the game finishing", () => {
    expect(game).not.toBeNull();
    expect(ladderDeltaAfterMs).not.toBeNull();
    console.log(`ladder delta visible ${ladderDeltaAfterMs} ms after the final scores`);
    expect(ladderDeltaAfterMs).toBeLessThanOrEqual(LADDER_DELTA_MS);
    expect(ladderDeltaForPlayer).toBe(true);
  });

  it("the database holds the complete log of the game the page played", async () => {
    if (game === null) throw new Error("no finished game from the first test");
    const log = await fetchLog(server.httpUrl, game.gameId);
    expect(log.map((l) => l.index)).toEqual(log.map((_, i) => i));
    const events = log.map((l) => l.event);
    expect(events[0]?.type).toBe("game_created");
    expect(events.at(-1)?.type).toBe("game_completed");
    const count = (type: GameEvent["type"]) => events.filter((e) => e.type === type).length;
    expect(count("round_started")).toBe(ROUND_COUNT);
    expect(count("round_scored")).toBe(ROUND_COUNT);
    expect(count("card_played")).toBe(4 * 55);
    expect(count("bid_placed")).toBe(4 * ROUND_COUNT);
    const state = fold(events);
    expect(state.phase).toBe("completed");
    expect(state.eventCount).toBe(events.length);
    expect(state.seats[game.mySeat]?.occupant?.playerId).toBe(game.playerId);
    expect([...state.scores]).toEqual(game.finalScores);
  });

  it("the profile page shows the player's lifetime stats and the game among its recent games", async () => {
    if (game === null) throw new Error("no finished game from the first test");
    const page = await newPage(browser, errors);
    await page.goto(`${server.httpUrl}/#/profile/${game.playerId}`);
    await page.getByTestId("profile-stats").waitFor();
    expect(await page.locator('[data-stat="gamesPlayed"] dd').textContent()).toBe("1");
    const myScore = game.finalScores[game.mySeat];
    expect(await page.locator('[data-stat="totalPoints"] dd').textContent()).toBe(String(myScore));
    const row = page.locator(`[data-testid="recent-game"][data-game-id="${game.gameId}"]`);
    await row.waitFor();
    expect(await row.getByTestId("recent-replay").getAttribute("href")).toBe(`#/replay/${game.gameId}`);
    await screenshot(page, "profile");
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("a guest registers from the account page and plays on as the new user", async () => {
    const page = await newPage(browser, errors);
    await page.goto(`${server.httpUrl}/#/account`);
    await page.getByTestId("register-form").waitFor();
    const guestId = await playerIdOf(page);
    const name = `user${Date.now() % 1_000_000}`;
    await page.getByTestId("register-username").fill(name);
    await page.getByTestId("register-email").fill(`${name}@example.com`);
    await page.getByTestId("register-password").fill("correct horse battery");
    await page.getByTestId("register-submit").click();
    await page.waitForURL(/#\/lobby$/);
    await page.waitForSelector(`[data-testid="nav-identity"]:text("${name}")`);
    expect(await playerIdOf(page)).not.toBe(guestId);
    // The session survives a reload (localStorage) and is accepted by the rooms.
    await page.reload();
    await page.waitForSelector(`[data-testid="nav-identity"]:text("${name}")`);
    await page.getByTestId("play-now").click();
    await page.getByTestId("table").waitFor();
    await page.waitForSelector(`li.seat.mine [data-testid="seat-name"]:text("${name}")`);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("a guest whose access token has expired is renewed with its refresh token: same player after a reload", async () => {
    const page = await newPage(browser, errors);
    await page.goto(`${server.httpUrl}/#/lobby`);
    const guestId = await playerIdOf(page);
    const stored = await page.evaluate(() => localStorage.getItem("pzo.auth"));
    const before = z.object({ refreshToken: z.string(), kind: z.literal("guest") }).parse(JSON.parse(stored ?? "null"));
    // Make the page believe its access token has expired: the next call must refresh first.
    await page.evaluate(() => {
      const s: unknown = JSON.parse(localStorage.getItem("pzo.auth") ?? "null");
      localStorage.setItem("pzo.auth", JSON.stringify({ ...(s as object), expiresAt: 0 }));
    });
    await page.reload();
    await page.waitForFunction((old) => {
      const raw = localStorage.getItem("pzo.auth");
      return raw !== null && !raw.includes(old);
    }, before.refreshToken);
    expect(await playerIdOf(page)).toBe(guestId);
    const after = z
      .object({ refreshToken: z.string(), kind: z.literal("guest"), playerId: z.string(), expiresAt: z.number() })
      .parse(JSON.parse((await page.evaluate(() => localStorage.getItem("pzo.auth"))) ?? "null"));
    expect(after.playerId).toBe(guestId);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(after.expiresAt).toBeGreaterThan(Date.now() / 1000);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("a table made with the form is listed live in another guest's lobby; Add a bot, Join from the list, and the game starts with a hand each", async () => {
    const host = await newPage(browser, errors);
    const guest = await newPage(browser, errors);
    await guest.goto(`${server.httpUrl}/#/lobby`);
    await guest.waitForSelector('[data-testid="lobby-status"]:text("Live")');
    await host.goto(`${server.httpUrl}/#/lobby`);
    await host.getByTestId("create-form").waitFor();
    await host.getByTestId("create-seats").selectOption("3");
    await host.getByTestId("create-turn-seconds").fill("20");
    await host.getByTestId("create-bots").fill("0");
    await host.getByTestId("create-submit").click();
    await host.getByTestId("add-bot-button").waitFor();
    const code = await host.getByTestId("table-code").getAttribute("data-room-id");
    expect(code).toBeTruthy();

    const row = guest.locator(`[data-testid="table-row"][data-room-id="${code}"]`);
    await row.waitFor();
    await screenshot(guest, "lobby-open-table");
    await host.getByTestId("add-bot-button").click();
    await row.getByTestId("join-table").click();

    for (const page of [host, guest]) {
      await page.waitForSelector('[data-testid="table"][data-phase="bidding"]');
      await page.waitForFunction(`document.querySelectorAll('[data-testid="hand-card"]').length === 1`);
    }
    const a = await readTable(host);
    const b = await readTable(guest);
    expect(a.seats).toHaveLength(3);
    expect(a.mySeat).not.toBeNull();
    expect(b.mySeat).not.toBeNull();
    expect(a.mySeat).not.toBe(b.mySeat);
    expect(a.hand[0]).not.toBe(b.hand[0]);
    // Each page sees its own card only.
    expect(await cardsIn(guest, "[data-card]")).not.toContain(a.hand[0]);
    expect(await cardsIn(host, "[data-card]")).not.toContain(b.hand[0]);
    await guest.waitForFunction(`/\\d+ s/.test(document.querySelector('[data-testid="turn-timer"]')?.textContent ?? "")`);
    await screenshot(guest, "two-guests-and-a-bot");
    expect(errors).toEqual([]);
    await Promise.all([host.context().close(), guest.context().close()]);
  }, 120_000);

  it("the replay page seeks to an event index and shows the state of that moment, as fold of the log", async () => {
    if (game === null) throw new Error("no finished game from the first test");
    const events = (await fetchLog(server.httpUrl, game.gameId)).map((l) => l.event);
    const page = await newPage(browser, errors);
    await page.goto(`${server.httpUrl}/#/replay/${game.gameId}?at=1`);
    await page.getByTestId("replay").waitFor();
    expect(await page.getByTestId("replay").getAttribute("data-total")).toBe(String(events.length));

    // Positions worth looking at: mid-trick in round 7, while bidding in round 3, right after a
    // round is scored, and the very end.
    const midTrick = events.findIndex((e, i) => e.type === "card_played" && e.round === 7 && events[i + 1]?.type === "card_played") + 1;
    const bidding = events.findIndex((e) => e.type === "bid_placed" && e.round === 3) + 1;
    const scored = events.findIndex((e) => e.type === "round_scored" && e.round === 5) + 1;
    const positions = [midTrick, bidding, scored, events.length];
    expect(positions.every((p) => p >= 1)).toBe(true);

    for (const position of positions) {
      await page.evaluate(`(() => {
        const s = document.querySelector('[data-testid="replay-scrubber"]');
        s.value = "${position}";
        s.dispatchEvent(new Event("input", { bubbles: true }));
      })()`);
      await page.waitForSelector(`[data-testid="replay-position"][data-position="${position}"]`);
      await expectReplayShows(page, fold(events.slice(0, position)));
      if (position === midTrick) await screenshot(page, "replay");
    }

    // Play runs the log forward at the chosen speed; Pause stops it. Pause is pressed ~190 events
    // (6 s at 32/s) before the end, so a slow machine cannot let the replay finish by itself first.
    await page.evaluate(`(() => {
      const s = document.querySelector('[data-testid="replay-scrubber"]');
      s.value = "${events.length - 200}";
      s.dispatchEvent(new Event("input", { bubbles: true }));
    })()`);
    await page.getByTestId("replay-speed").selectOption("32");
    await page.getByTestId("replay-play").click();
    await page.waitForFunction(`Number(document.querySelector('[data-testid="replay-position"]').getAttribute("data-position")) >= ${events.length - 190}`, undefined, { timeout: 20_000 });
    await page.getByTestId("replay-play").click();
    expect(await page.getByTestId("replay-play").getAttribute("aria-pressed")).toBe("false");
    const paused = await page.getByTestId("replay-position").getAttribute("data-position");
    await page.waitForTimeout(300);
    expect(await page.getByTestId("replay-position").getAttribute("data-position")).toBe(paused);

    // Keyboard: the scrubber is a focusable slider; one step right is the next event.
    await page.getByTestId("replay-scrubber").focus();
    await page.evaluate(`(() => {
      const s = document.querySelector('[data-testid="replay-scrubber"]');
      s.value = "${midTrick}";
      s.dispatchEvent(new Event("input", { bubbles: true }));
    })()`);
    await page.keyboard.press("ArrowRight");
    await page.waitForSelector(`[data-testid="replay-position"][data-position="${midTrick + 1}"]`);
    await expectReplayShows(page, fold(events.slice(0, midTrick + 1)));
    expect(errors).toEqual([]);
    await page.context().close();
  }, 120_000);

  it("with the server's Content Security Policy enforced, the pages load and a guest sits down and bids or plays, with no violation", async () => {
    const cspErrors: string[] = [];
    const page = await newPage(browser, cspErrors, { enforceCsp: true });
    const violations: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    await page.goto(`${server.httpUrl}/`);
    await page.getByTestId("play-now").click();
    await page.waitForURL(/#\/table\//);
    await page.getByTestId("table").waitFor();
    // A legal bid or card appears once the bots have joined and it is this seat's turn (locators, not page eval).
    const legal = page.locator('[data-testid="bid-button"][data-legal="true"]:not([disabled]), [data-testid="hand-card"][data-legal="true"]:not([disabled])');
    await legal.first().waitFor({ timeout: 60_000 });
    await legal.first().click();
    await page.goto(`${server.httpUrl}/#/rules`);
    await page.goto(`${server.httpUrl}/#/lobby`);
    await page.getByTestId("play-now").waitFor();
    expect(violations).toEqual([]);
    expect(cspErrors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);
  });

  it("reloading the table page mid-game brings the player back to the same seat with the same hand, playable by keyboard", async () => {
    const page = await newPage(browser, errors);
    await page.goto(`${server.httpUrl}/`);
    await page.getByTestId("play-now").click();
    await page.getByTestId("table").waitFor();
    // Play on until round 3, our turn to play, with at least two cards in hand.
    for (;;) {
      const offer = await nextOffer(page);
      if (offer === "done") throw new Error("the game ended before round 3");
      const t = await readTable(page);
      if (offer === "card" && t.round >= 3 && t.hand.length >= 2) break;
      await makeMove(page, offer);
    }
    const before = await readTable(page);
    const url = page.url();
    await page.reload();
    await page.getByTestId("hand").waitFor();
    await page.waitForSelector('[data-testid="connection-status"][data-state="connected"]');
    await page.waitForFunction(`document.querySelectorAll('[data-testid="hand-card"]').length === ${before.hand.length}`);
    const after = await readTable(page);
    expect(page.url()).toBe(url);
    expect(after.mySeat).toBe(before.mySeat);
    expect(after.round).toBe(before.round);
    expect([...after.hand].sort()).toEqual([...before.hand].sort());
    // And the seat is ours to play, from the keyboard: our turn put focus on a legal card, and
    // Enter plays it.
    expect(await nextOffer(page)).toBe("card");
    await page.waitForFunction(`document.activeElement?.getAttribute("data-testid") === "hand-card" && document.activeElement.getAttribute("data-legal") === "true"`);
    await page.keyboard.press("Enter");
    await page.waitForFunction(`document.querySelectorAll('[data-testid="hand-card"]').length === ${before.hand.length - 1}`);
    await screenshot(page, "after-reload");
    expect(errors).toEqual([]);
    await page.context().close();
  }, 180_000);

  it("a dropped connection reconnects by itself: the page says so, and keeps the seat and the hand", async () => {
    const page = await newPage(browser, errors);
    await page.goto(`${server.httpUrl}/`);
    await page.getByTestId("play-now").click();
    await page.getByTestId("table").waitFor();
    for (;;) {
      const offer = await nextOffer(page);
      if (offer === "done") throw new Error("the game ended before round 2");
      const t = await readTable(page);
      if (offer === "card" && t.round >= 2) break;
      await makeMove(page, offer);
    }
    const before = await readTable(page);
    const roomId = /#\/table\/([^?]+)/.exec(page.url())?.[1] ?? "";
    // The SDK reconnects only after a room has been up for 5 s.
    await page.waitForTimeout(5_500);
    // Record every connection state the page shows from now on.
    await page.evaluate(`(() => {
      window.__states = [];
      const note = () => {
        const s = document.querySelector('[data-testid="connection-status"]')?.getAttribute("data-state");
        if (s && window.__states[window.__states.length - 1] !== s) window.__states.push(s);
      };
      new MutationObserver(note).observe(document.body, { subtree: true, childList: true, attributes: true });
    })()`);
    // Cut the player's socket on the server side, as a network failure would (close code 1006).
    const room = matchMaker.getLocalRoomById(roomId);
    const seated = room.clients.filter((c) => c.userData !== undefined && z.object({ seat: z.number() }).safeParse(c.userData).data?.seat === before.mySeat);
    expect(seated).toHaveLength(1);
    const socket = seated[0]?.ref;
    expect(isTerminable(socket)).toBe(true);
    if (isTerminable(socket)) socket.terminate();

    await page.waitForFunction(`(window.__states ?? []).join(",").includes("reconnecting,connected")`, undefined, { timeout: 15_000 });
    await page.waitForFunction(`document.querySelectorAll('[data-testid="hand-card"]').length === ${before.hand.length}`);
    const after = await readTable(page);
    expect(after.mySeat).toBe(before.mySeat);
    expect([...after.hand].sort()).toEqual([...before.hand].sort());
    expect(await nextOffer(page)).toBe("card");
    await makeMove(page, "card");
    expect(errors).toEqual([]);
    await page.context().close();
  }, 120_000);

  it("a move the server refuses is explained in words, and the player moves again", async () => {
    const page = await newPage(browser, errors);
    // Stand between the page and the server: when `window.__swap` is set, the next outgoing
    // frame that carries the card (a msgpack fixstr of 2 bytes) carries another one instead,
    // which the player does not hold. The server's refusal is real.
    await page.addInitScript(SWAP_CARD_IN_NEXT_FRAME);
    await page.goto(`${server.httpUrl}/`);
    await page.getByTestId("play-now").click();
    await page.getByTestId("table").waitFor();
    for (;;) {
      const offer = await nextOffer(page);
      if (offer === "card") break;
      if (offer === "done") throw new Error("the game ended");
      await makeMove(page, offer);
    }
    const t = await readTable(page);
    const legal = await cardsIn(page, '[data-testid="hand-card"][data-legal="true"]');
    const chosen = legal[0];
    const notHeld = ["2C", "3D", "4H", "5S", "6C", "7D"].find((c): c is Card => !t.hand.some((h) => h === c) && !t.trick.some((p) => p.card === c));
    if (chosen === undefined || notHeld === undefined) throw new Error("nothing to play");
    await page.evaluate(`window.__swap = ${JSON.stringify({ from: chosen, to: notHeld })}`);
    await page.locator(`[data-testid="hand-card"][data-card="${chosen}"]`).click();
    await page.waitForSelector('[data-testid="rejection"]:text("That card is not in your hand.")');
    await screenshot(page, "rejection");
    // The refusal changed nothing: the same card is still ours to play, and now it goes through.
    expect(await nextOffer(page)).toBe("card");
    await makeMove(page, "card");
    expect(await page.getByTestId("rejection").isHidden()).toBe(true);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 120_000);
});

/** Page init script for the refusal test (see there). */
const SWAP_CARD_IN_NEXT_FRAME = `(() => {
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    const swap = window.__swap;
    if (swap && (data instanceof ArrayBuffer || ArrayBuffer.isView(data))) {
      const bytes = data instanceof ArrayBuffer ? new Uint8Array(data.slice(0)) : new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
      for (let i = 0; i + 2 < bytes.length; i++) {
        if (bytes[i] === 0xa2 && bytes[i + 1] === swap.from.charCodeAt(0) && bytes[i + 2] === swap.from.charCodeAt(1)) {
          bytes[i + 1] = swap.to.charCodeAt(0);
          bytes[i + 2] = swap.to.charCodeAt(1);
          window.__swap = null;
          return send.call(this, bytes);
        }
      }
    }
    return send.call(this, data);
  };
})()`;

/** A `ws` socket (the test server runs the ws transport), which can be cut without a close frame. */
function isTerminable(x: unknown): x is { terminate(): void } {
  return typeof x === "object" && x !== null && "terminate" in x && typeof x.terminate === "function";
}

/** The replay page shows exactly `state`: every seat's bid, tricks, score and hand, the trick and the round. */
async function expectReplayShows(page: Page, state: GameState): Promise<void> {
  const shown = await readTable(page);
  expect(shown.round).toBe(state.round);
  expect(shown.phase).toBe(state.phase);
  expect(shown.trick).toEqual(state.currentTrick.map((p) => ({ seat: p.seat, card: p.card })));
  for (const seat of shown.seats) {
    const bid = state.bids[seat.seat];
    expect(seat.bid).toBe(bid === null || bid === undefined ? "–" : String(bid));
    expect(seat.tricks).toBe(String(state.tricksWon[seat.seat] ?? 0));
    expect(seat.score).toBe(String(state.scores[seat.seat] ?? 0));
    const hand = await cardsIn(page, `[data-testid="seat-hand-${seat.seat}"] [data-card]`);
    expect([...hand].sort()).toEqual([...(state.hands[seat.seat] ?? [])].sort());
  }
  const trump = await cardsIn(page, '[data-testid="trump-card"]');
  expect(trump).toEqual(state.trumpCard === null ? [] : [state.trumpCard]);
}
