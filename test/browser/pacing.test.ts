/**
 * Bot pacing as a player meets it (issue 18, "pacing a person can follow"), at 1280×1026 and
 * 390×844: a server started with BOT_HUMAN_DELAY_MS=300-400 (the default is 600-1200; a smaller
 * range keeps the test short), a guest plays against three bots, and the game's own log shows
 * every bot move made while the guest sat there at least 300 ms after the event before it. The figure is a floor the
 * server guarantees (it waits before it moves), not a speed.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestServer } from "../support/server.js";
import { buildClient, fetchLog, launchBrowser, makeMove, nextOffer, screenshot, startServer } from "./support.js";

const MIN_DELAY_MS = 300;

describe("bots wait a human-like delay at a table where a person sits", () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    buildClient();
    server = await startServer({ BOT_HUMAN_DELAY_MS: `${MIN_DELAY_MS}-400` });
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const viewport of [
    { name: "desktop", width: 1280, height: 1026 },
    { name: "phone", width: 390, height: 844 },
  ] as const) {
    it(`${viewport.name}: every bot move comes at least ${MIN_DELAY_MS} ms after the event before it`, async () => {
      const context = await browser.newContext({ viewport: { width: viewport.width, height: viewport.height }, bypassCSP: true });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`${server.httpUrl}/`);
      await page.getByTestId("play-now").click();
      await page.getByTestId("table").waitFor();
      const gameId = /#\/table\/([^?]+)/.exec(page.url())?.[1] ?? "";
      // Three of our moves: the bots move before and between them.
      for (let moves = 0; moves < 3; moves++) {
        const offer = await nextOffer(page);
        if (offer === "done") break;
        await makeMove(page, offer);
      }
      await screenshot(page, `${viewport.name}-paced-bots`);
      // The log is published when the game completes: leave (a bot takes the seat, and a table
      // of bots plays without the human delay), wait for the end, and read the moves made while
      // the guest sat there.
      page.once("dialog", (d) => void d.accept());
      await page.getByTestId("leave-link").click();
      await expect
        .poll(async () => (await fetch(`${server.httpUrl}/api/games/${gameId}/events`)).status, { timeout: 120_000, interval: 250 })
        .toBe(200);
      const all = await fetchLog(server.httpUrl, gameId);
      const left = all.findIndex(({ event }) => event.type === "seat_taken_by_bot");
      const log = all.slice(0, left);
      const stamps = log.map((l) => Date.parse(l.createdAt));
      const botSeats = new Set(log.flatMap(({ event }) => (event.type === "player_joined" && event.isBot ? [event.seat] : [])));
      expect(botSeats.size).toBe(3);
      const gaps = log.flatMap(({ event }, i) =>
        (event.type === "bid_placed" || event.type === "card_played") && botSeats.has(event.seat) && !event.auto && i > 0 ? [(stamps[i] ?? 0) - (stamps[i - 1] ?? 0)] : [],
      );
      console.log(`${viewport.name}: ${gaps.length} bot moves, gaps after the event before (ms): min ${Math.min(...gaps)}, max ${Math.max(...gaps)}`);
      expect(gaps.length).toBeGreaterThanOrEqual(3);
      for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(MIN_DELAY_MS);
      expect(errors).toEqual([]);
      await context.close();
    }, 120_000);
  }
});
