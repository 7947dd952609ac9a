import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { seedCommitment } from "./seedCommitment.js";
import { sha256Hex, utf8Encode } from "./sha256.js";

const nodeSha256 = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex");

describe("sha256 (FIPS 180-4 test vectors)", () => {
  it("the empty string", () => {
    expect(sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });

  it('"abc"', () => {
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("the 448-bit two-block message", () => {
    expect(sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")).toBe(
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    );
  });

  it("one million 'a's", () => {
    expect(sha256Hex("a".repeat(1_000_000))).toBe("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  });

  it("bytes and their string give the same digest; lengths around the 55/56/64-byte padding edges", () => {
    for (const n of [0, 1, 54, 55, 56, 57, 63, 64, 65, 119, 120, 128]) {
      const text = "x".repeat(n);
      expect(sha256Hex(text)).toBe(nodeSha256(text));
      expect(sha256Hex(utf8Encode(text))).toBe(sha256Hex(text));
    }
  });

  it("strings are hashed as UTF-8, like node:crypto (fast-check seed 4242, 300 runs)", () => {
    const seed = 4242;
    console.info(`sha256 property: fast-check seed ${seed}`);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0x10ffff }), { maxLength: 200 }), (codes) => {
        // Any code points, lone surrogates included (code points below 0x10000 are single units).
        const text = codes.map((c) => String.fromCodePoint(c)).join("");
        return sha256Hex(text) === nodeSha256(text);
      }),
      { seed, numRuns: 300 },
    );
    expect(sha256Hex("héllo ✓ 🂡 \ud800")).toBe(nodeSha256("héllo ✓ 🂡 \ud800"));
  });

  it("seedCommitment is the SHA-256 of the seed, or of an injected hash", () => {
    const seed = "ab".repeat(32);
    expect(seedCommitment(seed)).toBe(nodeSha256(seed));
    expect(seedCommitment(seed, nodeSha256)).toBe(seedCommitment(seed));
  });
});
