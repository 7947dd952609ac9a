/**
 * One ranked queue per deployment: two server processes sharing PostgreSQL and Redis; two
 * players queue through process A and two through process B, and all four are matched at one
 * ranked table (they reached the same `ranked` room through the shared matchmaker), which each
 * then joins. Runs only when both DATABASE_URL and REDIS_URL are set; otherwise it says loudly
 * that it was skipped.
 */
import { Client, type Room } from "@colyseus/sdk";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { guestLogin, type TableRoomLike } from "../../src/bots/client.js";
import { TableState } from "../../src/shared/schema/TableState.js";
import { startServerProcess } from "./serverProcess.js";
import { setUpTwoProcesses } from "./twoProcesses.js";
import { record, waitUntil } from "./recorder.js";

const databaseUrl = process.env["DATABASE_URL"];
const redisUrl = process.env["REDIS_URL"];
const ready = databaseUrl !== undefined && databaseUrl !== "" && redisUrl !== undefined && redisUrl !== "";
if (!ready) {
  console.warn("\n*** RANKED SCALE-OUT TEST SKIPPED: set DATABASE_URL and REDIS_URL to run two server processes against PostgreSQL and Redis ***\n");
}

const matchedSchema = z.object({ roomId: z.string(), invite: z.string(), seats: z.number(), bots: z.number(), waitedSeconds: z.number() });
const welcomeSchema = z.object({ ranked: z.boolean(), role: z.string() });

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

describe.skipIf(!ready)(ready ? "ranked queue across processes (PostgreSQL and Redis)" : "ranked queue across processes (SKIPPED: DATABASE_URL and REDIS_URL not set)", () => {
  it("players queuing through two processes are matched at one ranked table", async () => {
    const { ports, env } = await setUpTwoProcesses(cleanups, "pzo-r");
    const common = {
      JWT_SECRET: "ranked-scale-secret-ranked-scale-secret-0123",
      BOT_MOVE_DELAY_MS: "0",
      BOT_HUMAN_DELAY_MS: "0",
      RESTORE_GAMES: "false",
      RANKED_TICK_MS: "200",
      RANKED_BOT_FILL_SECONDS: "120",
      RANKED_SEATS: "4",
    };
    const a = await startServerProcess(ports[0], env(0, common));
    cleanups.push(() => a.stop());
    const b = await startServerProcess(ports[1], env(1, common));
    cleanups.push(() => b.stop());

    // Guests (rating 0: all within ±100 of each other); two through each process, concurrently.
    const through = [a, a, b, b];
    const players = await Promise.all(through.map((p, i) => guestLogin(p.httpUrl, `Ranked${i}`)));
    const clients = players.map((p, i) => {
      const c = new Client(through[i]!.url);
      c.http.authToken = p.token;
      return c;
    });
    const matched: (z.infer<typeof matchedSchema> | null)[] = players.map(() => null);
    const searches: Room[] = await Promise.all(
      clients.map(async (c, i) => {
        const room = await c.joinOrCreate("ranked", {});
        room.onMessage("*", (type: string | number, payload: unknown) => {
          if (type === "ranked/matched") matched[i] = matchedSchema.parse(payload);
        });
        return room;
      }),
    );
    expect(new Set(searches.map((r) => r.roomId)).size).toBe(1);
    const found = await waitUntil(() => (matched.every((m) => m !== null) ? matched : null), 20_000, "all four matched");
    expect(new Set(found.map((m) => m?.roomId)).size).toBe(1);
    expect(found.every((m) => m?.bots === 0 && m.seats === 4)).toBe(true);

    const tables = await Promise.all(clients.map(async (c, i) => record(await c.joinById<TableRoomLike>(found[i]?.roomId ?? "", { invite: found[i]?.invite ?? "" }, TableState))));
    for (const t of tables) {
      const welcome = welcomeSchema.parse(await t.waitFor(() => t.of("welcome")[0], 10_000, "welcome"));
      expect(welcome).toEqual({ ranked: true, role: "player" });
    }
    await waitUntil(() => tables[0]?.room.state.phase !== "waiting", 15_000, "the ranked game started");
    await Promise.all(tables.map((t) => t.room.leave(true)));
  }, 120_000);
});
