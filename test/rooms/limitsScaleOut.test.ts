/**
 * The abuse limits across two server processes sharing PostgreSQL and Redis (issue 15, item 4):
 * the counts live in Redis, so a player's connections and tables on both processes add up. Runs
 * only when DATABASE_URL and REDIS_URL are set; otherwise it says loudly that it was skipped.
 */
import { Client, type Room } from "@colyseus/sdk";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { guestLogin } from "../../src/bots/client.js";
import { JOIN_ERRORS } from "../../src/shared/protocol.js";
import { startServerProcess, type ServerProcess } from "./serverProcess.js";
import { setUpTwoProcesses } from "./twoProcesses.js";

const databaseUrl = process.env["DATABASE_URL"];
const redisUrl = process.env["REDIS_URL"];
const ready = databaseUrl !== undefined && databaseUrl !== "" && redisUrl !== undefined && redisUrl !== "";
if (!ready) console.warn("\n*** LIMITS SCALE-OUT TEST SKIPPED: set DATABASE_URL and REDIS_URL to run two server processes against PostgreSQL and Redis ***\n");

const statsSchema = z.object({ roomIds: z.array(z.string()) });
const refusalSchema = z.object({ code: z.number(), message: z.string() });

async function hosts(server: ServerProcess, roomId: string): Promise<boolean> {
  const response = await fetch(`${server.httpUrl}/stats`);
  return statsSchema.parse(await response.json()).roomIds.includes(roomId);
}

/** Colyseus persists each process's room count at most once a second; let it catch up. */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 1_200));

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

describe.skipIf(!ready)(ready ? "abuse limits across two processes (PostgreSQL + Redis)" : "abuse limits across two processes (SKIPPED: DATABASE_URL and REDIS_URL not set)", () => {
  it("a player's connections and tables on both processes add up: the next one is refused wherever it lands", async () => {
    const two = await setUpTwoProcesses(cleanups, "pzo-l");
    const [portA, portB] = two.ports;
    const common = {
      JWT_SECRET: "limits-test-secret-limits-test-secret-0123456789",
      RESTORE_GAMES: "false",
      ROOM_CONNECTIONS_PER_PLAYER: "2",
      TABLES_PER_PLAYER: "2",
    };
    const a = await startServerProcess(portA, two.env(0, common));
    cleanups.push(() => a.stop());
    const b = await startServerProcess(portB, two.env(1, common));
    cleanups.push(() => b.stop());

    // Connections: one lobby on each process (the matchmaker places a new room on the least
    // loaded process). Each process alone holds one of the player's connections, so only a shared
    // count refuses a third, wherever it lands.
    const watcher = await guestLogin(a.httpUrl, "Watcher");
    const client = new Client(a.url);
    client.http.authToken = watcher.token;
    const lobbies: Room[] = [];
    const placed = { a: 0, b: 0 };
    for (let i = 0; i < 8 && (placed.a === 0 || placed.b === 0); i++) {
      await settle();
      const lobby = await client.create("lobby");
      lobby.onMessage("*", () => undefined);
      const onA = await hosts(a, lobby.roomId);
      if ((onA && placed.a > 0) || (!onA && placed.b > 0)) {
        await lobby.leave();
        continue;
      }
      placed[onA ? "a" : "b"] += 1;
      lobbies.push(lobby);
    }
    expect(placed).toEqual({ a: 1, b: 1 });
    const third = await client.create("lobby").then(
      () => null,
      (err: unknown) => refusalSchema.parse(err),
    );
    expect(third?.code).toBe(JOIN_ERRORS["limits/too_many_connections"]);
    expect(third?.message).toMatch(/^limits\/too_many_connections/);
    for (const lobby of lobbies) await lobby.leave();

    // Tables: two live tables, then a third is refused (through either process's address).
    const builder = await guestLogin(b.httpUrl, "Builder");
    const builders = [new Client(a.url), new Client(b.url)];
    for (const c of builders) c.http.authToken = builder.token;
    const tables: Room[] = [];
    for (const c of builders) {
      await settle();
      const table = await c.create("table", { seats: 3, turnSeconds: 600 });
      table.onMessage("*", () => undefined);
      tables.push(table);
    }
    for (const c of builders) {
      const refused = await c.create("table", { seats: 3 }).then(
        () => null,
        (err: unknown) => refusalSchema.parse(err),
      );
      expect(refused?.code).toBe(JOIN_ERRORS["limits/too_many_tables"]);
    }
    for (const table of tables) await table.leave();
  }, 180_000);
});
