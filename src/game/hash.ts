/**
 * SHA-256 and the ChaCha20 keystream for the engine, from `@noble/hashes` and `@noble/ciphers`
 * (audited, pure JavaScript, synchronous: the engine stays pure and the same code runs in the
 * browser). The engine's lint rule allows exactly the `@noble` modules imported here.
 */
import { chacha20 } from "@noble/ciphers/chacha.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, hexToBytes, utf8ToBytes } from "@noble/hashes/utils.js";

/**
 * The UTF-8 bytes of `text`. ASCII text (every string the engine hashes: hex seeds, digits and
 * fixed prefixes) is copied byte by byte, which for short strings is several times faster than
 * `TextEncoder`; anything else goes through `utf8ToBytes`.
 */
export function utf8Encode(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) return utf8ToBytes(text);
    bytes[i] = code;
  }
  return bytes;
}

/** SHA-256 of `data` (a string is hashed as its UTF-8 bytes). */
export function sha256Bytes(data: string | Uint8Array): Uint8Array {
  return sha256(typeof data === "string" ? utf8Encode(data) : data);
}

/** SHA-256 of `data` as 64 lowercase hex characters (a string is hashed as its UTF-8 bytes). */
export function sha256Hex(data: string | Uint8Array): string {
  return bytesToHex(sha256Bytes(data));
}

/**
 * `length` bytes of the RFC 8439 ChaCha20 keystream for a 32-byte `key` and 12-byte `nonce`,
 * starting at 64-byte block `counter` (the keystream is ChaCha20 applied to zero bytes).
 */
export function chacha20Keystream(key: Uint8Array, nonce: Uint8Array, length: number, counter: number): Uint8Array {
  return chacha20KeystreamInto(key, nonce, new Uint8Array(length), counter);
}

/** `chacha20Keystream` written into `out` (its whole length; `out` is overwritten). Returns `out`. */
export function chacha20KeystreamInto(key: Uint8Array, nonce: Uint8Array, out: Uint8Array, counter: number): Uint8Array {
  out.fill(0);
  return chacha20(key, nonce, out, out, counter); // XOR into zeros, in place: the keystream
}

/** Lowercase hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  return bytesToHex(bytes);
}

/** The bytes an even-length hex string spells (throws on anything else). */
export function fromHex(hex: string): Uint8Array {
  return hexToBytes(hex);
}
