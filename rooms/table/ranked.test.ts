import { describe, expect, it } from "vitest";
import { tableCreateOptionsSchema } from "../../src/shared/protocol.js";
import { rankedOf, rankedTableOptions } from "./ranked.js";

const KEY = "k".repeat(24);
const INVITE = "i".repeat(22);
const bots = [
  { playerId: "b0700000-0000-4000-8000-000000000004", displayName: "Bot Hopper (900)" },
  { playerId: "b0700000-0000-4000-8000-000000000005", displayName: "Bot Knuth (1200)" },
];

describe("ranked table options", () => {
  it("the ranked room's options give the table its invitation and its bots, in seat order from the last seat", () => {
    const options = rankedTableOptions(4, bots, KEY, INVITE);
    expect(tableCreateOptionsSchema.parse(options)).toEqual({ seats: 4, isPublic: false, bots: 2 });
    expect(rankedOf(options, KEY)).toEqual({ invite: INVITE, bots: bots.map((b) => ({ ...b, isBot: true })) });
  });

  it("options under another key (a client's create) are not a ranked table", () => {
    expect(rankedOf(rankedTableOptions(4, bots, "x".repeat(24), INVITE), KEY)).toBeNull();
    expect(rankedOf({ seats: 4 }, KEY)).toBeNull();
    expect(rankedOf({ ranked: { key: KEY, invite: INVITE, bots: [{ playerId: "not-a-uuid", displayName: "x" }] } }, KEY)).toBeNull();
  });
});
