/**
 * Fairness v2 end to end (docs/FAIRNESS.md § v2): real SDK clients send their own client seeds
 * when they join; one sends none. From the published log alone (`GET /api/games/:id/events`),
 * every deal is recomputed here with node:crypto, independently of the engine, following the
 * documented v2 computation, and must equal the logged deal.
 */
import { createCipheriv, createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { smartPolicy } from "../../src/bots/policy.js";
import { startBotClient } from "../../src/bots/client.js";
import { JOIN_ERRORS } from "../../src/shared/protocol.js";
import { verifyLogText } from "../../src/app/verifyLog.js";
import { startTestServer, type TestServer } from "../support/server.js";

let ts: TestServer;
beforeAll(async () => {
  // Four SDK clients play with no think time, faster than a person's message budget allows
  // (ROOM_MESSAGES_PER_SECOND, tested in test/rooms/security.test.ts): it is raised out of the way.
  ts = await startTestServer({ env: { ROOM_MESSAGES_PER_SECOND: "100000" } });
});
afterAll(async () => {
  await ts.close();
});

const SUITS = ["C", "D", "H", "S"];
const RANKS = ["2", "3", "4", "5", "6", "7", "8", "9", "T", "J", "Q", "K", "A"];
const DECK = SUITS.flatMap((s) => RANKS.map((r) => `${r}${s}`));

/** docs/FAIRNESS.md § v2.3 to v2.5, with node:crypto: the deal of `round` at `seats` seats. */
function documentedDeal(serverSeed: string, clientSeeds: readonly string[], round: number, seats: number) {
  const dealKey = createHash("sha256").update(`pzo:deal:v2:${serverSeed}:${clientSeeds.join(":")}`, "utf8").digest();
  const nonce = Buffer.alloc(12);
  nonce.writeUInt32BE(round, 8);
  const stream = createCipheriv("chacha20", dealKey, Buffer.concat([Buffer.alloc(4), nonce])).update(Buffer.alloc(4096));
  let at = 0;
  const next = (): number => {
    const x = stream.readUInt32BE(at);
    at += 4;
    return x;
  };
  const randomInt = (bound: number): number => {
    const limit = 2 ** 32 - (2 ** 32 % bound);
    for (;;) {
      const x = next();
      if (x < limit) return x % bound;
    }
  };
  const deck = DECK.slice();
  for (let i = 51; i >= 1; i--) {
    const j = randomInt(i + 1);
    [deck[i], deck[j]] = [deck[j] ?? "", deck[i] ?? ""];
  }
  const dealer = (round - 1) % seats;
  const hands: string[][] = Array.from({ length: seats }, () => []);
  let top = 0;
  for (let pass = 0; pass < round; pass++) for (let k = 1; k <= seats; k++) hands[(dealer + k) % seats]?.push(deck[top++] ?? "");
  return { dealer, hands, trumpCard: deck[top] };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

describe("fairness v2: SDK clients send their own seeds; the deals match the documented computation", () => {
  it("a malformed clientSeed refuses the join with join/invalid_client_seed and takes no seat", async () => {
    const p = await ts.createPlayer("Bad Seed");
    for (const clientSeed of ["ABCDEF0123456789ABCDEF0123456789", "abc", "zz".repeat(16), "a".repeat(130), 42]) {
      await expect(ts.client(p).create("table", { seats: 3, clientSeed })).rejects.toMatchObject({
        code: clientSeed === 42 ? JOIN_ERRORS["join/invalid_options"] : JOIN_ERRORS["join/invalid_client_seed"],
      });
    }
  });

  it("four clients (three with their own seeds) play to completion; the log alone proves every deal", async () => {
    const players = await Promise.all(["Ada", "Ben", "Cy", "Di"].map((n) => ts.createPlayer(n)));
    const seeds = [randomBytes(32).toString("hex"), randomBytes(16).toString("hex"), randomBytes(64).toString("hex"), undefined];
    const first = await startBotClient({
      endpoint: ts.url,
      token: players[0]!.token,
      target: { kind: "create", options: { seats: 4 } },
      policy: smartPolicy,
      clientSeed: seeds[0]!,
    });
    const gameId = first.room.roomId;
    const others = await Promise.all(
      players.slice(1).map((p, i) =>
        startBotClient({
          endpoint: ts.url,
          token: p.token,
          target: { kind: "join", roomId: gameId, seat: null },
          policy: smartPolicy,
          ...(seeds[i + 1] === undefined ? {} : { clientSeed: seeds[i + 1] }),
        }),
      ),
    );
    const outcomes = await Promise.all([first, ...others].map((h) => h.done));
    for (const o of outcomes) expect(o.completed).toBe(true);

    // The log alone: the public NDJSON of GET /api/games/:id/events.
    const res = await fetch(`${ts.httpUrl}/api/games/${gameId}/events`);
    expect(res.status).toBe(200);
    const text = await res.text();
    const events = text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as unknown).map((l) => (isRecord(l) ? l["event"] : l)).filter(isRecord);

    expect(events[0]).toMatchObject({ type: "game_created", fairness: "v2" });
    const started = events.find((e) => e["type"] === "game_started");
    const clientSeeds = started?.["clientSeeds"];
    if (!Array.isArray(clientSeeds) || !clientSeeds.every((s): s is string => typeof s === "string")) throw new Error("no clientSeeds in game_started");
    // Each client finds its own seed at its seat; the one that sent none got a server-derived seed.
    outcomes.forEach((o, client) => {
      const seat = o.seat ?? -1;
      const joined = events.find((e) => e["type"] === "player_joined" && e["seat"] === seat);
      const sent = seeds[client];
      if (sent === undefined) {
        expect(joined).toMatchObject({ clientSeedBy: "server" });
        const index = events.indexOf(joined ?? {});
        const revealed = String(events.at(-1)?.["sessionSeed"]);
        expect(clientSeeds[seat]).toBe(createHash("sha256").update(`pzo:client-seed:v2:${revealed}:${index}`).digest("hex"));
      } else {
        expect(joined).toMatchObject({ clientSeedBy: "player", clientSeed: sent });
        expect(clientSeeds[seat]).toBe(sent);
      }
    });

    const completed = events.at(-1);
    expect(completed?.["type"]).toBe("game_completed");
    const serverSeed = String(completed?.["sessionSeed"]);
    expect(createHash("sha256").update(serverSeed).digest("hex")).toBe(events[0]?.["seedCommitment"]);
    const deals = events.filter((e) => e["type"] === "round_started");
    expect(deals).toHaveLength(10);
    for (const deal of deals) {
      const round = Number(deal["round"]);
      expect({ dealer: deal["dealer"], hands: deal["hands"], trumpCard: deal["trumpCard"] }).toEqual(documentedDeal(serverSeed, clientSeeds, round, 4));
    }

    // The engine's own check (npm run verify's code) and the HTTP verdict agree.
    expect(verifyLogText(text)).toMatchObject({ ok: true, fairness: "v2", clientSeeds });
    const verdict: unknown = await (await fetch(`${ts.httpUrl}/api/games/${gameId}/verify`)).json();
    expect(verdict).toMatchObject({ data: { ok: true, fairness: "v2", clientSeeds } });
  });
});
