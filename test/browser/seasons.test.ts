/**
 * Seasons in the browser (issue 16), in real Chromium against a real server, at 1280 px and at a
 * phone's 390 px: the lobby shows the time left in the season (from SEASON_SCHEDULE), and after
 * an admin season reset the profile shows the past season's final rank and rewards (coins and the
 * season frame) and the player's rating. Screenshots go to test-results/screenshots/.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { putEntry } from "../../src/ladder/testing/ladderDb.js";
import type { PlayerId } from "../../src/game/types.js";
import type { TestServer } from "../support/server.js";
import { buildClient, launchBrowser, playerIdOf, screenshot, startServer } from "./support.js";

const WIDTHS = [
  { name: "desktop", width: 1280, height: 1026 },
  { name: "phone", width: 390, height: 844 },
] as const;
type Viewport = (typeof WIDTHS)[number];

describe("seasons in the browser", () => {
  let server: TestServer;
  let browser: Browser;
  const errors: string[] = [];

  beforeAll(async () => {
    buildClient();
    // Once a year, at midnight on 1 January: the season is open for a good while during the test.
    server = await startServer({ SEASON_SCHEDULE: "0 0 1 1 *", SEASON_TIME_ZONE: "UTC" });
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(viewport: Viewport, path = "/"): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: viewport.width, height: viewport.height }, bypassCSP: true });
    const page = await context.newPage();
    page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
    await page.goto(`${server.httpUrl}${path}`);
    return page;
  }

  const secondsLeft = async (page: Page): Promise<number> => Number(z.string().parse(await page.getByTestId("season-clock").getAttribute("data-seconds-left")));

  async function adminReset(): Promise<{ endedSeason: number; currentSeason: number }> {
    const admin = await server.server.tokens.issueAccessToken({ userId: null, playerId: (await server.createPlayer("Admin")).playerId, role: "admin", kind: "user" });
    const res = await fetch(`${server.httpUrl}/api/admin/seasons`, { method: "POST", headers: { authorization: `Bearer ${admin.accessToken}`, "idempotency-key": `browser-reset-${Date.now()}` } });
    expect(res.status).toBe(201);
    return z.object({ data: z.object({ endedSeason: z.number(), currentSeason: z.number() }) }).parse(await res.json()).data;
  }

  let playerId: PlayerId | null = null;

  for (const viewport of WIDTHS) {
    it(`${viewport.name}: the lobby shows the time left in the season, ticking down`, async () => {
      const page = await open(viewport);
      const clock = page.getByTestId("season-clock");
      await page.waitForFunction(`/ends in/.test(document.querySelector('[data-testid="season-clock"]')?.textContent ?? "")`);
      expect(await clock.textContent()).toMatch(/^Season \d+ ends in \d+d \d\dh$|^Season \d+ ends in \d+h \d\dm$/);
      const first = await secondsLeft(page);
      const due = new Date(Date.UTC(new Date().getUTCFullYear() + 1, 0, 1)).getTime();
      expect(Math.abs(first - (due - Date.now()) / 1000)).toBeLessThan(30);
      await page.waitForFunction(`Number(document.querySelector('[data-testid="season-clock"]')?.dataset.secondsLeft) < ${first}`, undefined, { timeout: 5_000 });
      playerId ??= (await playerIdOf(page)) as PlayerId;
      await screenshot(page, `${viewport.name}-lobby-season-clock`);
      await page.context().close();
    });
  }

  it("after an admin season reset, the profile shows the past season's final rank and rewards, and the rating", async () => {
    if (playerId === null) throw new Error("the lobby test did not run");
    const { season } = z.object({ season: z.number() }).parse(((await (await fetch(`${server.httpUrl}/api/seasons/current`)).json()) as { data: unknown }).data);
    await putEntry(server.database.db, { tier: "season", season }, { playerId, total: 120, highest: 120, games: 2, wins: 1, firstReachedAt: 1_000 });
    const reset = await adminReset();
    expect(reset.endedSeason).toBe(season);
    for (const viewport of WIDTHS) {
      const page = await open(viewport, `/#/profile/${playerId}`);
      const row = page.locator(`[data-testid="past-season"][data-season="${season}"]`);
      await row.waitFor();
      expect(await row.locator("td").allTextContents()).toEqual([`Season ${season}`, "#1", "120 (2 games)", "–", `500 coins, Season ${season} frame`]);
      expect(await page.getByTestId("profile-rating").textContent()).toMatch(/^Not rated yet/);
      expect(z.boolean().parse(await page.evaluate(`document.documentElement.scrollWidth <= window.innerWidth`))).toBe(true);
      await screenshot(page, `${viewport.name}-profile-past-seasons`);
      // Back in the lobby, the clock counts down the next season.
      await page.goto(`${server.httpUrl}/#/`);
      await page.waitForFunction(`document.querySelector('[data-testid="season-clock"]')?.dataset.season === "${reset.currentSeason}"`);
      await page.context().close();
    }
    expect(errors).toEqual([]);
  });
});
