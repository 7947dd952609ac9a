/**
 * Play ranked in real Chromium against a real server, at a desktop width (1280×1026) and a
 * phone's (390×844): the search shows the rating, the band and its widening, and the wait; Cancel
 * takes the player out; searching again ends at a ranked table filled with the ranked bots nearest
 * a new player's rating (0: the bots of 0, 300 and 600). The server's bands widen to any rating
 * after 2 s and bots fill after 5 s. Screenshots go to test-results/screenshots/.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { TestServer } from "../support/server.js";
import { pickBots } from "../../src/ladder/botRatings.js";
import { buildClient, launchBrowser, screenshot, startServer } from "./support.js";

const WIDTHS = [
  { name: "desktop", width: 1280, height: 1026 },
  { name: "phone", width: 390, height: 844 },
] as const;

describe("Play ranked in the lobby", () => {
  let server: TestServer;
  let browser: Browser;
  const errors: string[] = [];

  beforeAll(async () => {
    buildClient();
    server = await startServer({ RANKED_BANDS: "0:100,2:any", RANKED_BOT_FILL_SECONDS: "5", RANKED_TICK_MS: "200" });
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(viewport: (typeof WIDTHS)[number]): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: viewport.width, height: viewport.height }, bypassCSP: true });
    const page = await context.newPage();
    page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(`console (${viewport.name}): ${m.text()}`);
    });
    await page.goto(`${server.httpUrl}/`);
    return page;
  }

  for (const viewport of WIDTHS) {
    it(`${viewport.name}: the search shows the widening band and the wait, cancels, and then seats the player at a ranked table with bots of a similar rating`, async () => {
      const page = await open(viewport);
      const playRanked = page.getByTestId("play-ranked");
      await playRanked.click();
      await page.getByTestId("ranked-band").waitFor();
      expect(await page.getByTestId("ranked-rating").textContent()).toBe("0");
      expect(await page.getByTestId("ranked-band").textContent()).toBe("±100 (-100 to 100)");
      expect(await playRanked.isDisabled()).toBe(true);
      await screenshot(page, `${viewport.name}-ranked-searching`);

      // After 2 s the band is any rating; the wait counts on.
      await page.waitForFunction(`document.querySelector('[data-testid="ranked-band"]')?.textContent === "any rating"`, undefined, { timeout: 10_000 });
      const wait = z.string().parse(await page.getByTestId("ranked-wait").textContent());
      expect(wait).toMatch(/^0:0[2-4]$/);
      await screenshot(page, `${viewport.name}-ranked-band-widened`);

      await page.getByTestId("ranked-cancel").click();
      await page.waitForFunction(`document.querySelector('[data-testid="ranked-search"]') === null`, undefined, { timeout: 5_000 });
      expect(await playRanked.isDisabled()).toBe(false);
      expect(page.url()).not.toContain("#/table/");

      // Search again: after the bot-fill wait, the page goes to the ranked table.
      await playRanked.click();
      await page.waitForURL(/#\/table\/[0-9a-f-]+\?invite=/, { timeout: 20_000 });
      const expected = pickBots(0, 3).map((b) => b.displayName);
      await page.waitForFunction(`(${JSON.stringify(expected)}).every((n) => document.body.innerText.includes(n))`, undefined, { timeout: 30_000 });
      expect(await page.getByTestId("ranked-badge").textContent()).toBe("Ranked");
      await screenshot(page, `${viewport.name}-ranked-table`);
      const wide = z.number().parse(await page.evaluate(`document.documentElement.scrollWidth`));
      expect(wide).toBeLessThanOrEqual(viewport.width);
      await page.context().close();
      expect(errors).toEqual([]);
    }, 90_000);
  }
});
