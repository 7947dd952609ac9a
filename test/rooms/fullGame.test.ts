import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { smartPolicy } from "../../src/bots/policy.js";
import { startBotClient, type BotOutcome } from "../../src/bots/client.js";
import { startTestServer, type TestServer } from "../support/server.js";

let ts: TestServer;

beforeAll(async () => {
  ts = await startTestServer();
});
afterAll(async () => {
  await ts.close();
});

describe("table: a full game", () => {
  it("four SDK clients play to completion; the log equals what they saw", async () => {
    const players = await Promise.all(["Ann", "Bob", "Cid", "Dee"].map((n) => ts.createPlayer(n)));
    const seen: unknown[][] = [[], [], [], []];
    const first = await startBotClient({
      endpoint: ts.url,
      token: players[0]!.token,
      target: { kind: "create", options: { seats: 4 } },
      policy: smartPolicy,
      onEvent: (m) => seen[0]!.push(m),
    });
    const roomId = first.room.roomId;
    const others = await Promise.all(
      players.slice(1).map((p, i) =>
        startBotClient({ endpoint: ts.url, token: p.token, target: { kind: "join", roomId, seat: null }, policy: smartPolicy, onEvent: (m) => seen[i + 1]!.push(m) }),
      ),
    );
    const outcomes: BotOutcome[] = await Promise.all([first, ...others].map((h) => h.done));
    for (const o of outcomes) expect(o.completed).toBe(true);
    expect(outcomes[0]!.gameId).toBe(roomId);
  });
});
