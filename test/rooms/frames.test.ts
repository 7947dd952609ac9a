/**
 * Frame sizes (issue 19, item 4; docs/PROTOCOL.md, Limits): a message under MAX_MESSAGE_BYTES that
 * fails validation is answered with a reason and the connection stays; one over it is closed with
 * MESSAGE_TOO_BIG_CLOSE_CODE by the transport. Real SDK clients against the test server.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { MAX_MESSAGE_BYTES, MESSAGE_TOO_BIG_CLOSE_CODE } from "../../src/shared/protocol.js";
import { startTestServer, type TestServer } from "../support/server.js";

let ts: TestServer;
beforeAll(async () => {
  ts = await startTestServer();
});
afterAll(async () => {
  await ts.close();
});

const resultSchema = z.object({ ok: z.boolean(), type: z.string(), code: z.string().optional(), message: z.string().optional() });
type Result = z.infer<typeof resultSchema>;

describe("frames", () => {
  it("a 5,000-character field is answered with a reason and the connection is kept; a 2 MB frame is closed with the documented code", async () => {
    const player = await ts.createPlayer("Frames A");
    const room = await ts.client(player).create("table", { seats: 3, turnSeconds: 600 });
    const results: Result[] = [];
    room.onMessage("result", (raw: unknown) => results.push(resultSchema.parse(raw)));
    room.onMessage("*", () => undefined);
    const left = new Promise<number>((resolve) => room.onLeave((code: number) => resolve(code)));
    const until = async (probe: () => boolean, what: string): Promise<void> => {
      const deadline = Date.now() + 10_000;
      while (!probe()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };

    room.send("play", { card: "x".repeat(5000) });
    await until(() => results.length >= 1, "the answer to the long field");
    expect(results[0]).toMatchObject({ ok: false, type: "play" });
    expect(results[0]?.code).toMatch(/\//);
    expect(results[0]?.message?.length).toBeGreaterThan(0);
    // Still connected: the next message is answered too.
    room.send("emote", { emote: "y".repeat(5000) });
    await until(() => results.length >= 2, "the answer to the next message");
    expect(results[1]).toMatchObject({ ok: false, type: "emote" });
    expect(room.connection.isOpen).toBe(true);

    expect(2_000_000).toBeGreaterThan(MAX_MESSAGE_BYTES);
    room.send("play", { card: "z".repeat(2_000_000) });
    expect(await left).toBe(MESSAGE_TOO_BIG_CLOSE_CODE);
  });
});
