import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DECK } from "./cards.js";
import { dealRound } from "./deal.js";
import { dealKeyTextV1, dealRngV1 } from "./fairness.js";
import { randomInt } from "./prng.js";
import { seedCommitment } from "./seedCommitment.js";
import { sha256Hex } from "./hash.js";
import { shuffle } from "./shuffle.js";

const doc = readFileSync(new URL("../../docs/FAIRNESS.md", import.meta.url), "utf8");
const block = /```fairness-example\n([\s\S]*?)```/.exec(doc)?.[1] ?? "";
const lines = new Map(
  block
    .trim()
    .split("\n")
    .map((line) => {
      const at = line.indexOf(": ");
      return [line.slice(0, at), line.slice(at + 2)] as const;
    }),
);
const line = (label: string): string => {
  const value = lines.get(label);
  if (value === undefined) throw new Error(`docs/FAIRNESS.md example has no line "${label}"`);
  return value;
};

/** "dealer 0; seat 0 3D; seat 1 QS; …; trump 7S" as a deal. */
function parseDeal(text: string): { dealer: number; hands: string[][]; trumpCard: string } {
  const parts = text.split("; ");
  const dealer = Number(parts[0]?.replace("dealer ", ""));
  const trumpCard = parts[parts.length - 1]?.replace("trump ", "") ?? "";
  const hands = parts.slice(1, -1).map((p) => p.split(" ").slice(2));
  return { dealer, hands, trumpCard };
}

describe("docs/FAIRNESS.md worked example matches the code", () => {
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
