/**
 * Scale-out: two server processes sharing PostgreSQL and Redis (RedisDriver + RedisPresence).
 * Runs only when both DATABASE_URL and REDIS_URL are set; otherwise it says loudly that it was
 * skipped.
 */
import { Client } from "@colyseus/sdk";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { guestLogin, startBotClient, type TableRoomLike } from "../../src/bots/client.js";
import { smartPolicy } from "../../src/bots/policy.js";
import { TableState } from "../../src/shared/schema/TableState.js";
import { getListing } from "../../db/roomDirectory.js";
import type { GameId } from "../../src/game/types.js";
import { JOIN_CODE_PATTERN } from "../../src/shared/protocol.js";
import { startServerProcess, type ServerProcess } from "./serverProcess.js";
import { setUpTwoProcesses } from "./twoProcesses.js";
import { waitUntil } from "./recorder.js";

const databaseUrl = process.env["DATABASE_URL"];
const redisUrl = process.env["REDIS_URL"];
const ready = databaseUrl !== undefined && databaseUrl !== "" && redisUrl !== undefined && redisUrl !== "";
if (!ready) {
  console.warn("\n*** SCALE-OUT TEST SKIPPED: set DATABASE_URL and REDIS_URL to run two server processes against PostgreSQL and Redis ***\n");
}

const statsSchema = z.object({ processId: z.string(), roomIds: z.array(z.string()) });

async function stats(server: ServerProcess): Promise<z.infer<typeof statsSchema>> {
  const response = await fetch(`${server.httpUrl}/stats`);
  return statsSchema.parse(await response.json());
}

/** Colyseus persists each process's room count at most once a second; let it catch up. */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 1_200));

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

describe.skipIf(!ready)(ready ? "scale-out over PostgreSQL and Redis" : "scale-out (SKIPPED: DATABASE_URL and REDIS_URL not set)", () => {
  it("matchmaking through A lands at a table hosted by B, also by join code; a lobby on A gets the delta of a game finished on B", async () => {
    const { db, ports, env } = await setUpTwoProcesses(cleanups, "pzo-");
    const common = {
      JWT_SECRET: "scale-test-secret-scale-test-secret-0123456789",
      BOT_MOVE_DELAY_MS: "0",
      BOT_HUMAN_DELAY_MS: "0",
      RESTORE_GAMES: "false",
      // One player opens up to eight tables here until they land where wanted: not a limits test.
      TABLES_PER_PLAYER: "0",
      ROOM_CONNECTIONS_PER_PLAYER: "0",
    };
    const a = await startServerProcess(ports[0], env(0, common));
    cleanups.push(() => a.stop());
    const b = await startServerProcess(ports[1], env(1, common));
    cleanups.push(() => b.stop());
    const [sa, sb] = [await stats(a), await stats(b)];
    expect(sa.processId).not.toBe(sb.processId);

    const account = await guestLogin(a.httpUrl, "Scaler");
    const client = new Client(a.url);
    client.http.authToken = account.token;

    // 1. Tables created through A: the matchmaker places new rooms on the least loaded process,
    //    so within two creations one lands on B. The client that matchmade through A sits there.
    let onB: string | null = null;
    for (let i = 0; i < 4 && onB === null; i++) {
      await settle();
      const room = await client.create<TableRoomLike>("table", { seats: 3, turnSeconds: 600 }, TableState);
      await waitUntil(() => room.state.seats.some((s) => s.playerId === account.playerId), 10_000, "seated");
      if ((await stats(b)).roomIds.includes(room.roomId)) onB = room.roomId;
    }
    expect(onB).not.toBeNull();

    // 1b. Its join code (room_directory), typed into A by another player, finds the table on B.
    const listed = await getListing(db.db, (onB ?? "") as GameId);
    expect(listed?.joinCode).toMatch(JOIN_CODE_PATTERN);
    const coder = await guestLogin(a.httpUrl, "Coder");
    const coderClient = new Client(a.url);
    coderClient.http.authToken = coder.token;
    const byCode = await coderClient.join<TableRoomLike>("table", { joinCode: listed?.joinCode ?? "" }, TableState);
    expect(byCode.roomId).toBe(onB);
    await waitUntil(() => byCode.state.seats.some((s) => s.playerId === coder.playerId), 10_000, "seated by code");
    await byCode.leave(true);

    // 2. A lobby hosted by A, and a bots-only game finishing on B.
    let lobbyDeltas = 0;
    let lobbyOnA = false;
    const lobbyClient = new Client(a.url);
    lobbyClient.http.authToken = account.token;
    for (let i = 0; i < 4 && !lobbyOnA; i++) {
      await settle();
      const lobby = await lobbyClient.create("lobby");
      if ((await stats(a)).roomIds.includes(lobby.roomId)) {
        lobbyOnA = true;
        lobby.onMessage("*", (type: string | number) => {
          if (type === "ladder_delta") lobbyDeltas += 1;
        });
      }
    }
    expect(lobbyOnA).toBe(true);
    // Bots have no ladder entry: a person plays with two bots, so the game changes the ladder.
    let finishedOnB = false;
    for (let i = 0; i < 4 && !finishedOnB; i++) {
      await settle();
      const player = await startBotClient({ endpoint: a.url, token: account.token, target: { kind: "create", options: { seats: 3, bots: 2, turnSeconds: 5 } }, policy: smartPolicy });
      if (!(await stats(b)).roomIds.includes(player.room.roomId)) {
        await player.leave();
        continue;
      }
      const outcome = await player.done;
      finishedOnB = outcome.completed;
    }
    expect(finishedOnB).toBe(true);
    await waitUntil(() => lobbyDeltas > 0, 10_000, "a ladder delta in the lobby on A");
  }, 240_000);
});
