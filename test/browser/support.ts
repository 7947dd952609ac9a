/**
 * Support for the browser tests: builds the client, starts a real PZO server that serves it
 * (test/support/server.ts: the composition root over a fresh database, plus `serveClient`),
 * launches Debian's Chromium through playwright-core, and reads the page back through its
 * stable `data-testid`s.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { z } from "zod";
import { gameEventSchema } from "../../client/src/events.js";
import { isCard } from "../../src/game/cards.js";
import type { Card, GameEvent } from "../../src/game/types.js";
import { serveClient } from "../../src/app/clientAssets.js";
import { startTestServer, type TestServer } from "../support/server.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const CLIENT_DIST = path.join(root, "client", "dist");
export const SCREENSHOT_DIR = path.join(root, "test-results", "screenshots");
const CHROMIUM = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";

/** What the client bundle is built from: a change under any of these makes client/dist stale. */
const CLIENT_INPUTS = ["client/src", "client/index.html", "client/vite.config.ts", "src/shared", "src/game"].map((p) => path.join(root, p));
const BUILD_STAMP = path.join(CLIENT_DIST, ".built-at");
const BUILD_LOCK = path.join(root, "client", ".build-lock");
/** A lock older than this was left by a process that died while building. */
const STALE_LOCK_MS = 5 * 60_000;

/** The newest modification time under the client's inputs (ms). */
function newestInput(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return readdirSync(p).reduce((m, name) => Math.max(m, newestInput(path.join(p, name))), st.mtimeMs);
}

function buildIsFresh(): boolean {
  if (!existsSync(BUILD_STAMP)) return false;
  return statSync(BUILD_STAMP).mtimeMs >= Math.max(...CLIENT_INPUTS.map(newestInput));
}

/** Takes the build lock (a directory, so taking it is atomic across the test workers). */
function takeBuildLock(): void {
  const deadline = Date.now() + STALE_LOCK_MS;
  for (;;) {
    try {
      mkdirSync(BUILD_LOCK);
      return;
    } catch {
      if (existsSync(BUILD_LOCK) && Date.now() - statSync(BUILD_LOCK).mtimeMs > STALE_LOCK_MS) rmSync(BUILD_LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`could not take ${BUILD_LOCK} within 5 minutes`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
}

/**
 * Builds client/dist with Vite when it is older than the client's sources (else leaves it as it
 * is); throws with Vite's output on failure. Test files run in parallel workers, and a build
 * empties client/dist first, so one file's build would pull the assets from under another
 * file's open pages: the build is taken under a lock, and a file that finds the bundle fresh
 * does not build again.
 */
export function buildClient(): void {
  takeBuildLock();
  try {
    if (buildIsFresh()) return;
    const node = path.join(root, "node_modules", ".bin", "node");
    const vite = path.join(root, "node_modules", "vite", "bin", "vite.js");
    const r = spawnSync(existsSync(node) ? node : process.execPath, [vite, "build", "client", "--logLevel", "warn"], { cwd: root, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`vite build failed:\n${r.stdout}\n${r.stderr}`);
    writeFileSync(BUILD_STAMP, new Date().toISOString());
  } finally {
    rmSync(BUILD_LOCK, { recursive: true, force: true });
  }
}

/** A server on a free port that serves the built client at `/`. */
export function startServer(env: Readonly<Record<string, string>> = {}): Promise<TestServer> {
  return startTestServer({
    env: { BOT_MOVE_DELAY_MS: "0", BOT_HUMAN_DELAY_MS: "0", ...env },
    overrides: { httpRoutes: (app) => serveClient(app, CLIENT_DIST) },
  });
}

/** Chromium, headless, with a fresh profile per launch (playwright makes a temporary one). */
export function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (CI does it in .ci/run)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * A page in its own context (its own storage: its own guest), with page errors made loud. The
 * tests' own probes are string expressions (`waitForFunction("…")`), which the server's CSP
 * (`script-src 'self'`, no eval) refuses to run, so these contexts bypass the CSP;
 * `enforceCsp: true` keeps it, and csp.test.ts plays with it enforced.
 */
export async function newPage(browser: Browser, errors: string[], opts: { readonly enforceCsp?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, bypassCSP: opts.enforceCsp !== true });
  const page = await context.newPage();
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  return page;
}

/** Saves a full-page screenshot under test-results/screenshots and says where. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`screenshot: ${path.relative(root, file)}`);
  return file;
}

/** The signed-in player's id, from the top bar. */
export async function playerIdOf(page: Page): Promise<string> {
  const id = await page.getByTestId("nav-identity").getAttribute("data-player-id");
  if (id === null || id === "") throw new Error("no player id in the top bar");
  return id;
}

const card = z.custom<Card>(isCard);

/** The `data-card` values of the elements matching `selector`. */
export async function cardsIn(page: Page, selector: string): Promise<Card[]> {
  const raw: unknown = await page.evaluate(`[...document.querySelectorAll(${JSON.stringify(selector)})].map((e) => e.getAttribute("data-card"))`);
  return z.array(card).parse(raw);
}

/**
 * In-page code is kept as strings: the test project has no DOM types (the root tsconfig is
 * Node's), and whatever comes back is validated with zod like any other input.
 */
const READ_TABLE = `(() => {
  const table = document.querySelector('[data-testid="table"]');
  const num = (v) => (v === null || v === undefined || v === "" ? null : Number(v));
  const text = (el) => (el && el.textContent ? el.textContent.trim() : "");
  const mine = document.querySelector(".seat.mine");
  const turn = document.querySelector('[data-testid="turn-indicator"]');
  return {
    phase: table ? table.getAttribute("data-phase") : "",
    round: table ? Number(table.getAttribute("data-round")) : 0,
    turn: turn ? num(turn.getAttribute("data-turn")) : null,
    mySeat: mine ? num(mine.getAttribute("data-seat")) : null,
    hand: [...document.querySelectorAll('[data-testid="hand-card"]')].map((e) => e.getAttribute("data-card")),
    trick: [...document.querySelectorAll('[data-testid="trick-card"]')].map((e) => ({ seat: Number(e.getAttribute("data-seat")), card: e.getAttribute("data-card") })),
    seats: [...document.querySelectorAll('li.seat[data-seat]')].map((e) => ({
      seat: Number(e.getAttribute("data-seat")),
      bid: text(e.querySelector('[data-testid="seat-bid"]')),
      tricks: text(e.querySelector('[data-testid="seat-tricks"]')),
      score: text(e.querySelector('[data-testid="seat-score"]')),
      name: text(e.querySelector('[data-testid="seat-name"]')),
    })),
  };
})()`;

const tableSnapshot = z.object({
  phase: z.string().nullable().transform((v) => v ?? ""),
  round: z.number(),
  turn: z.number().nullable(),
  mySeat: z.number().nullable(),
  hand: z.array(card),
  trick: z.array(z.object({ seat: z.number(), card })),
  seats: z.array(z.object({ seat: z.number(), bid: z.string(), tricks: z.string(), score: z.string(), name: z.string() })),
});
/** What the table page shows right now, read from its data attributes. */
export type TableSnapshot = z.infer<typeof tableSnapshot>;

export async function readTable(page: Page): Promise<TableSnapshot> {
  return tableSnapshot.parse(await page.evaluate(READ_TABLE));
}

/** What the page offers the player now. */
export type Offer = "bid" | "card" | "done";

const OFFER = `(() => {
  if (document.querySelector('[data-testid="final-scores"]')) return "done";
  if (document.querySelector('[data-testid="bid-button"][data-legal="true"]:not([disabled])')) return "bid";
  if (document.querySelector('[data-testid="hand-card"][data-legal="true"]:not([disabled])')) return "card";
  return false;
})()`;

/** Waits until the player can bid, play, or the game is over. */
export async function nextOffer(page: Page, timeoutMs = 60_000): Promise<Offer> {
  const handle = await page.waitForFunction(OFFER, undefined, { timeout: timeoutMs, polling: 50 });
  return z.enum(["bid", "card", "done"]).parse(await handle.jsonValue());
}

/** What the page offers right now, without waiting (null: nothing yet). */
export async function offerNow(page: Page): Promise<Offer | null> {
  const raw: unknown = await page.evaluate(OFFER);
  return raw === false ? null : z.enum(["bid", "card", "done"]).parse(raw);
}

/**
 * Plays one game to the end from several pages seated at the same table: whichever page may
 * move, moves (its first legal bid or card); between checks it waits for the page whose turn
 * is next to offer something.
 */
export async function playTogether(pages: readonly Page[], timeoutMs = 240_000): Promise<void> {
  const giveUpAt = Date.now() + timeoutMs;
  for (;;) {
    const offers = await Promise.all(pages.map((p) => offerNow(p)));
    if (offers.every((o) => o === "done")) return;
    const i = offers.findIndex((o) => o === "bid" || o === "card");
    const page = pages[i];
    const offer = offers[i];
    if (page !== undefined && (offer === "bid" || offer === "card")) {
      await makeMove(page, offer);
      continue;
    }
    if (Date.now() > giveUpAt) throw new Error(`no page could move for ${timeoutMs} ms`);
    // Nobody may move yet (a bot's turn): wait until one of the pages offers a move or ends.
    const waiting = pages.filter((_, k) => offers[k] !== "done");
    await Promise.any(waiting.map((p) => p.waitForFunction(OFFER, undefined, { timeout: 2_000, polling: 50 }))).catch(() => undefined);
  }
}

const EVENT_COUNT = `Number(document.querySelector('[data-testid="table"]')?.getAttribute("data-event-count") ?? -1)`;

/** Clicks the first legal bid or card and waits until the page shows the move's events. */
export async function makeMove(page: Page, offer: "bid" | "card"): Promise<void> {
  const selector =
    offer === "bid" ? '[data-testid="bid-button"][data-legal="true"]:not([disabled])' : '[data-testid="hand-card"][data-legal="true"]:not([disabled])';
  const before = z.number().parse(await page.evaluate(EVENT_COUNT));
  await page.locator(selector).first().click();
  // A refused move appends nothing: this then times out, and the page shows why.
  await page.waitForFunction(`${EVENT_COUNT} > ${before}`, undefined, { timeout: 10_000, polling: 20 });
}

const logLine = z.object({ index: z.number().int(), createdAt: z.string(), event: gameEventSchema });

/** Reads `/api/games/:id/events` (NDJSON, `{ index, createdAt, event }` per line), validated. */
export async function fetchLog(httpUrl: string, gameId: string): Promise<{ index: number; createdAt: string; event: GameEvent }[]> {
  const res = await fetch(`${httpUrl}/api/games/${gameId}/events`);
  if (!res.ok) throw new Error(`GET events: ${res.status} ${await res.text()}`);
  const text = await res.text();
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => {
      const line = logLine.parse(JSON.parse(l));
      return { index: line.index, createdAt: line.createdAt, event: line.event };
    });
}
