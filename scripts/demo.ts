/**
 * `npm run demo`: a new user's walk-through, timed. Builds the client, starts a real server over
 * a fresh database with the default human-like bot pacing (BOT_HUMAN_DELAY_MS, 600-1200 ms per
 * bot move unless set), opens Chromium at phone size, clicks Play now and plays a whole game
 * against three bots by clicking the first legal bid or card, then prints how long it took.
 */
import { buildClient, launchBrowser, makeMove, nextOffer, readTable, screenshot, startServer } from "../test/browser/support.js";

const pacing = process.env["BOT_HUMAN_DELAY_MS"] ?? "600-1200";
buildClient();
const server = await startServer({ BOT_HUMAN_DELAY_MS: pacing, BOT_MOVE_DELAY_MS: "100" });
const browser = await launchBrowser();
try {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await page.goto(`${server.httpUrl}/`);
  await page.getByTestId("play-now").waitFor();
  const started = Date.now();
  await page.getByTestId("play-now").click();
  await page.getByTestId("table").waitFor();
  let moves = 0;
  let lastRound = 0;
  for (;;) {
    const offer = await nextOffer(page, 120_000);
    if (offer === "done") break;
    const { round } = await readTable(page);
    if (round !== lastRound) {
      console.log(`round ${round} at ${((Date.now() - started) / 1000).toFixed(1)} s`);
      lastRound = round;
    }
    await makeMove(page, offer);
    moves += 1;
  }
  await page.getByTestId("final-scores").waitFor();
  const seconds = (Date.now() - started) / 1000;
  await screenshot(page, "demo-final-scores");
  const scores = (await readTable(page)).seats.map((s) => `${s.name} ${s.score}`).join(", ");
  console.log(`demo: a full 10-round game as a human against 3 bots (bot pacing ${pacing} ms) took ${seconds.toFixed(1)} s; ${moves} moves by the human; ${scores}`);
} finally {
  await browser.close();
  await server.close();
}
