import { createCipheriv, createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { chacha20Keystream, chacha20KeystreamWords, sha256Bytes, sha256Hex, utf8Encode } from "./hash.js";

const nodeSha256 = (data: string | Uint8Array): string => createHash("sha256").update(data).digest("hex");

describe("hash: the engine's SHA-256 and ChaCha20 (shared scratch space) against node:crypto", () => {
  it("SHA-256 of text of every length 0..700 (block edges, past the 640-byte scratch), ASCII and not, and of bytes", () => {
    for (let n = 0; n <= 700; n++) {
      const ascii = Array.from({ length: n }, (_, i) => String.fromCharCode(32 + ((i * 7 + n) % 95))).join("");
      const other = `${ascii}é☃`;
      for (const text of [ascii, other]) {
        const want = nodeSha256(text);
        expect(sha256Hex(text)).toBe(want);
        expect(Buffer.from(sha256Bytes(text)).toString("hex")).toBe(want);
        expect(sha256Hex(utf8Encode(text))).toBe(want);
      }
    }
  });

  it("digests are independent arrays: a later hash does not change an earlier one", () => {
    const first = sha256Bytes("first");
    const copy = first.slice();
    sha256Bytes("second");
    sha256Hex("third");
    expect(first).toEqual(copy);
    expect(sha256Bytes("x")).not.toBe(sha256Bytes("x"));
  });

  it("keystream words are the big-endian words of the keystream bytes, at any block counter", () => {
    const key = Uint8Array.from({ length: 32 }, (_, i) => i * 5 + 1);
    const nonce = Uint8Array.from({ length: 12 }, (_, i) => (i < 8 ? 0 : i * 3));
    for (const counter of [0, 1, 4, 9]) {
      const iv = Buffer.alloc(16);
      iv.writeUInt32LE(counter, 0);
      Buffer.from(nonce).copy(iv, 4);
      const stream = createCipheriv("chacha20", Buffer.from(key), iv).update(Buffer.alloc(256));
      for (const count of [16, 32, 64]) {
        expect(chacha20KeystreamWords(key, nonce, count, counter)).toEqual(Array.from({ length: count }, (_, i) => stream.readUInt32BE(4 * i)));
      }
      expect(Buffer.from(chacha20Keystream(key, nonce, 256, counter))).toEqual(stream);
    }
    expect(() => chacha20KeystreamWords(key, nonce, 65, 0)).toThrow(RangeError);
    expect(() => chacha20KeystreamWords(key, nonce, 20, 0)).toThrow(RangeError);
  });
});
