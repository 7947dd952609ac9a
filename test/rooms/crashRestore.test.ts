/**
 * Crash restore: a server process killed with SIGKILL mid-game and started again brings the
 * table back from its log; the players rejoin their seats with their auth and finish the game,
 * and the log is gapless and holds every event a client was shown before the crash.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createDatabase, migrate, pgliteDirIn, type DatabaseHandle } from "../../db/client.js";
import { GroupCommitEventLog } from "../../db/eventLog.js";
import { smartPolicy } from "../../src/bots/policy.js";
import { guestLogin, startBotClient, type BotHandle } from "../../src/bots/client.js";
import { redactEvent } from "../../src/game/redactEvent.js";
import type { GameId } from "../../src/game/types.js";
import { verifyGame } from "../../src/game/verifyGame.js";
import { testBackends, type TestDatabase } from "../support/db.js";
import { freePort, startServerProcess, type ServerProcess } from "./serverProcess.js";
import { waitUntil } from "./recorder.js";

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

describe("crash restore", () => {
  it("SIGKILL mid-game, restart: the table is back, players rejoin and finish with a gapless log", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "pzo-crash-"));
    cleanups.push(() => {
      rmSync(dataDir, { recursive: true, force: true });
      return Promise.resolve();
    });
    const env: Record<string, string> = {
      DATA_DIR: dataDir,
      JWT_SECRET: "crash-test-secret-crash-test-secret-0123456789",
      BOT_MOVE_DELAY_MS: "0",
      BOT_HUMAN_DELAY_MS: "0",
      RECONNECT_SECONDS: "60",
    };
    const postgres = testBackends().find((b) => b.name === "postgres");
    let pg: TestDatabase | null = null;
    if (postgres !== undefined) {
      const created = await postgres.create();
      pg = created;
      cleanups.push(() => created.close());
      if (created.url !== undefined) env["DATABASE_URL"] = created.url;
    }
    const port = await freePort();
    let server: ServerProcess = await startServerProcess(port, env);
    cleanups.push(async () => void (await server.kill()));

    const accounts = await Promise.all(["K1", "K2", "K3", "K4"].map((n) => guestLogin(server.httpUrl, n)));
    const seen: { index: number; event: unknown }[][] = [[], [], [], []];
    const onEvent = (i: number) => (m: unknown) => {
      if (isRecord(m)) seen[i]!.push({ index: Number(m["index"]), event: m["event"] });
    };
    const first = await startBotClient({ endpoint: server.url, token: accounts[0]!.token, target: { kind: "create", options: { seats: 4 } }, policy: smartPolicy, onEvent: onEvent(0), reconnect: false, moveDelayMs: 5 });
    const gameId = first.room.roomId;
    const rest = await Promise.all(
      accounts.slice(1).map((a, i) => startBotClient({ endpoint: server.url, token: a.token, target: { kind: "join", roomId: gameId, seat: null }, policy: smartPolicy, onEvent: onEvent(i + 1), reconnect: false, moveDelayMs: 5 })),
    );
    const before: BotHandle[] = [first, ...rest];
    await waitUntil(() => first.room.state.eventCount > 60, 60_000, "the game to be well under way");

    await server.kill();
    const cut = await Promise.all(before.map((h) => h.done));
    expect(cut.every((o) => !o.completed)).toBe(true);
    const seats = cut.map((o) => o.seat);
    const shownBeforeCrash = Math.max(...seen.flat().map((e) => e.index));

    server = await startServerProcess(port, env);
    await waitUntil(() => server.output().includes("restored in-progress games"), 30_000, "restore");
    const after = await Promise.all(
      accounts.map((a, i) => startBotClient({ endpoint: server.url, token: a.token, target: { kind: "join", roomId: gameId, seat: null }, policy: smartPolicy, onEvent: onEvent(i), reconnect: false })),
    );
    const outcomes = await Promise.all(after.map((h) => h.done));
    expect(outcomes.every((o) => o.completed)).toBe(true);
    expect(outcomes.map((o) => o.seat)).toEqual(seats);
    expect(await server.stop()).toBe(0);

    let handle: DatabaseHandle;
    if (pg !== null) handle = pg.handle;
    else {
      handle = await createDatabase({ pgliteDir: pgliteDirIn(dataDir) });
      const opened = handle;
      cleanups.push(() => opened.close());
      await migrate(handle);
    }
    const log = new GroupCommitEventLog(handle.db);
    const stored: { eventIndex: number; event: unknown }[] = [];
    for await (const s of log.read(gameId as GameId)) stored.push(s);
    // Gapless, complete, verifiable.
    expect(stored.map((s) => s.eventIndex)).toEqual(stored.map((_, i) => i));
    expect(stored.length).toBeGreaterThan(shownBeforeCrash);
    const events = await log.readAll(gameId as GameId);
    expect(events.at(-1)?.type).toBe("game_completed");
    expect(verifyGame(events).ok).toBe(true);
    // Nothing a client was shown before the crash was lost or changed.
    for (let i = 0; i < 4; i++) {
      const seat = seats[i];
      if (seat === null || seat === undefined) throw new Error("no seat");
      for (const e of seen[i]!) expect(e.event).toEqual(redactEvent(events[e.index]!, seat));
    }
  }, 240_000);
});
