/**
 * SHA-256 and HMAC-SHA256 for the engine, from `@noble/hashes` (audited, pure JavaScript,
 * synchronous: the engine stays pure and the same code runs in the browser). The engine's lint
 * rule allows exactly the `@noble/hashes` modules imported here.
 */
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, hexToBytes, utf8ToBytes } from "@noble/hashes/utils.js";

/** The UTF-8 bytes of `text`. */
export function utf8Encode(text: string): Uint8Array {
  return utf8ToBytes(text);
}

/** SHA-256 of `data` (a string is hashed as its UTF-8 bytes). */
export function sha256Bytes(data: string | Uint8Array): Uint8Array {
  return sha256(typeof data === "string" ? utf8ToBytes(data) : data);
}

/** SHA-256 of `data` as 64 lowercase hex characters (a string is hashed as its UTF-8 bytes). */
export function sha256Hex(data: string | Uint8Array): string {
  return bytesToHex(sha256Bytes(data));
}

/** HMAC-SHA256 (RFC 2104) of `message` under `key`. */
export function hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array {
  return hmac(sha256, key, message);
}

/**
 * An HMAC-SHA256 keyed once: `mac(message)` equals `hmacSha256(key, message)`, without hashing
 * the key pads again for every message (the counter-mode stream calls it once per 32 bytes).
 */
export function keyedHmacSha256(key: Uint8Array): (message: Uint8Array) => Uint8Array {
  const keyed = hmac.create(sha256, key);
  return (message) => keyed.clone().update(message).digest();
}

/** Lowercase hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  return bytesToHex(bytes);
}

/** The bytes an even-length hex string spells (throws on anything else). */
export function fromHex(hex: string): Uint8Array {
  return hexToBytes(hex);
}
