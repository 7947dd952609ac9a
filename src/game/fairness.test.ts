import { createCipheriv, createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DECK } from "./cards.js";
import { dealRound } from "./deal.js";
import { dealKeyTextV1, dealKeyTextV2, dealKeyV2, dealRngV1, dealRngV2, roundNonceV2, serverClientSeedV2 } from "./fairness.js";
import { chacha20Keystream, fromHex, sha256Hex, toHex } from "./hash.js";
import { randomInt } from "./prng.js";
import { seedCommitment } from "./seedCommitment.js";
import { shuffle } from "./shuffle.js";

const doc = readFileSync(new URL("../../docs/FAIRNESS.md", import.meta.url), "utf8");

/** The `label: value` lines of the ```fairness-example-<name> block. */
function example(name: string): (label: string) => string {
  const block = new RegExp("```fairness-example-" + name + "\\n([\\s\\S]*?)```").exec(doc)?.[1] ?? "";
  const lines = new Map(
    block
      .trim()
      .split("\n")
      .map((line) => {
        const at = line.indexOf(": ");
        return [line.slice(0, at), line.slice(at + 2)] as const;
      }),
  );
  return (label) => {
    const value = lines.get(label);
    if (value === undefined) throw new Error(`docs/FAIRNESS.md example ${name} has no line "${label}"`);
    return value;
  };
}

/** "dealer 0; seat 0 3D; seat 1 QS; …; trump 7S" as a deal. */
function parseDeal(text: string): { dealer: number; hands: string[][]; trumpCard: string } {
  const parts = text.split("; ");
  const dealer = Number(parts[0]?.replace("dealer ", ""));
  const trumpCard = parts[parts.length - 1]?.replace("trump ", "") ?? "";
  const hands = parts.slice(1, -1).map((p) => p.split(" ").slice(2));
  return { dealer, hands, trumpCard };
}

describe("docs/FAIRNESS.md v2 worked example matches the code", () => {
  const line = example("v2");
  const seed = line("server seed");
  const clientSeeds = line("client seeds").split(" ");
  const key = line("deal key");
  const v2 = { scheme: "v2", dealKey: key } as const;

  it("the commitment is SHA-256 of the server seed; the deal key is SHA-256 of the key text", () => {
    expect(seedCommitment(seed)).toBe(line("commitment"));
    expect(dealKeyTextV2(seed, clientSeeds)).toBe(line("deal key text"));
    expect(dealKeyV2(seed, clientSeeds)).toBe(key);
  });

  it("the round nonce and the stream: the ChaCha20 keystream under the deal key, read as big-endian words", () => {
    expect(toHex(roundNonceV2(1))).toBe(line("round 1 nonce"));
    expect(toHex(chacha20Keystream(fromHex(key), roundNonceV2(1), 32, 0))).toBe(line("round 1 keystream bytes 0-31"));
    const next = dealRngV2(key, 1);
    expect([next(), next(), next()].join(" ")).toBe(line("round 1 first stream outputs"));
    const again = dealRngV2(key, 1);
    expect([51, 50, 49, 48].map((i) => randomInt(again, i + 1)).join(" ")).toBe(line("round 1 first j for i = 51 50 49 48"));
  });

  it("an independent implementation (node:crypto) gives the same deal key and keystream, past the 256-byte refill", () => {
    expect(createHash("sha256").update(line("deal key text"), "utf8").digest("hex")).toBe(key);
    for (const round of [1, 7, 10]) {
      // OpenSSL's chacha20 IV: the 32-bit block counter (little-endian), then the 12-byte nonce.
      const iv = Buffer.concat([Buffer.alloc(4), Buffer.from(roundNonceV2(round))]);
      const stream = createCipheriv("chacha20", Buffer.from(key, "hex"), iv).update(Buffer.alloc(1024));
      expect(stream.subarray(0, 32).toString("hex") === line("round 1 keystream bytes 0-31")).toBe(round === 1);
      const next = dealRngV2(key, round);
      const words = Array.from({ length: 256 }, () => next());
      expect(words).toEqual(Array.from({ length: 256 }, (_, i) => stream.readUInt32BE(i * 4)));
    }
  });

  it("the shuffled deck and the deals", () => {
    expect(shuffle(DECK, dealRngV2(key, 1)).join(" ")).toBe(line("round 1 shuffled deck, top first"));
    expect(dealRound(v2, 1, 4)).toEqual(parseDeal(line("round 1, 4 seats")));
    expect(dealRound(v2, 3, 4)).toEqual(parseDeal(line("round 3, 4 seats")));
  });

  it("changing one client seed changes the key and the deal", () => {
    const changed = line("seat 2 client seed changed to");
    const seeds = clientSeeds.map((s, seat) => (seat === 2 ? changed : s));
    expect(dealKeyV2(seed, seeds)).toBe(line("deal key then"));
    expect(dealRound({ scheme: "v2", dealKey: line("deal key then") }, 1, 4)).toEqual(parseDeal(line("round 1, 4 seats, then")));
  });

  it("a server-derived client seed is SHA-256 of pzo:client-seed:v2:<seed>:<event index>", () => {
    expect(serverClientSeedV2(seed, 3)).toBe(line("server-derived client seed, player_joined at event 3"));
    expect(createHash("sha256").update(`pzo:client-seed:v2:${seed}:3`, "utf8").digest("hex")).toBe(serverClientSeedV2(seed, 3));
  });
});

describe("docs/FAIRNESS.md v1 worked example matches the code", () => {
  const line = example("v1");
  const seed = line("session seed");
  const v1 = { scheme: "v1", sessionSeed: seed } as const;

  it("the commitment is SHA-256 of the seed", () => {
    expect(seedCommitment(seed)).toBe(line("commitment"));
  });

  it("the round key is SHA-256 of pzo:deal:v1:<seed>:<round>, seeding sfc32 with its first 16 bytes", () => {
    expect(dealKeyTextV1(seed, 1)).toBe(line("round 1 key text"));
    const key = sha256Hex(dealKeyTextV1(seed, 1));
    expect(key).toBe(line("round 1 key"));
    expect([0, 1, 2, 3].map((i) => key.slice(i * 8, i * 8 + 8)).join(" ")).toBe(line("round 1 sfc32 state a b c d"));
    const next = dealRngV1(seed, 1);
    expect([next(), next(), next()].join(" ")).toBe(line("round 1 first sfc32 outputs"));
    const again = dealRngV1(seed, 1);
    expect([51, 50, 49, 48].map((i) => randomInt(again, i + 1)).join(" ")).toBe(line("round 1 first j for i = 51 50 49 48"));
  });

  it("the shuffled deck and the deals", () => {
    expect(shuffle(DECK, dealRngV1(seed, 1)).join(" ")).toBe(line("round 1 shuffled deck, top first"));
    expect(dealRound(v1, 1, 4)).toEqual(parseDeal(line("round 1, 4 seats")));
    expect(dealRound(v1, 3, 4)).toEqual(parseDeal(line("round 3, 4 seats")));
    expect(dealRound(v1, 3, 5)).toEqual(parseDeal(line("round 3, 5 seats")));
  });
});
