/**
 * SHA-256 and the ChaCha20 keystream for the engine, from `@noble/hashes` and `@noble/ciphers`
 * (audited, pure JavaScript, synchronous: the engine stays pure and the same code runs in the
 * browser). The engine's lint rule allows exactly the `@noble` modules imported here.
 */
import { chacha20 } from "@noble/ciphers/chacha.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, hexToBytes, utf8ToBytes } from "@noble/hashes/utils.js";

/**
 * Scratch space, so the hot path allocates no array buffer of its own (each costs far more than
 * the short hash or keystream it would hold): the text being hashed, its digest, and one
 * keystream chunk with its nonce. Safe to share because everything here is synchronous and no
 * function returns a view of it: digests are copied or written out as hex, keystreams decoded
 * into plain numbers.
 */
const SCRATCH = new ArrayBuffer(1024);
const TEXT = new Uint8Array(SCRATCH, 0, 640);
const KEYSTREAM_MAX = 256;
const KEYSTREAM = new Uint8Array(SCRATCH, 640, KEYSTREAM_MAX);
const KEYSTREAM_WORDS = new DataView(SCRATCH, 640, KEYSTREAM_MAX);
const NONCE = new Uint8Array(SCRATCH, 640 + KEYSTREAM_MAX, 12);
const DIGEST = new Uint8Array(SCRATCH, 640 + KEYSTREAM_MAX + 16, 32);

/**
 * One SHA-256 instance reused for every hash: each starts as a copy of a never-updated instance
 * (`_cloneInto`, which `@noble/hashes` documents for reusing an instance) and finishes into
 * `DIGEST`, so a hash allocates no hasher, buffers or views of its own.
 */
const SHA256_INITIAL = sha256.create();
const SHA256_WORK = sha256.create();

/** SHA-256 of `bytes` into `DIGEST` (valid until the next hash). */
function sha256IntoScratch(bytes: Uint8Array): Uint8Array {
  SHA256_INITIAL._cloneInto(SHA256_WORK);
  SHA256_WORK.update(bytes);
  SHA256_WORK.digestInto(DIGEST);
  return DIGEST;
}

/** SHA-256 of `data` into `DIGEST`; a string is hashed as its UTF-8 bytes. */
function sha256Scratch(data: string | Uint8Array): Uint8Array {
  if (typeof data !== "string") return sha256IntoScratch(data);
  return sha256IntoScratch(asciiIntoScratch(data) ? TEXT.subarray(0, data.length) : utf8ToBytes(data));
}

/** The UTF-8 bytes of `text` (a new array). */
export function utf8Encode(text: string): Uint8Array {
  return utf8ToBytes(text);
}

/** True when `text` is ASCII and was copied into `TEXT` (it fits). */
function asciiIntoScratch(text: string): boolean {
  if (text.length > TEXT.length) return false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) return false;
    TEXT[i] = code;
  }
  return true;
}

/**
 * SHA-256 of `data` (a string is hashed as its UTF-8 bytes). ASCII text up to 640 characters
 * (every string the engine hashes: hex seeds, digits and fixed prefixes) is copied into scratch
 * space rather than encoded into a new array.
 */
export function sha256Bytes(data: string | Uint8Array): Uint8Array {
  return sha256Scratch(data).slice();
}

/** SHA-256 of `data` as 64 lowercase hex characters (a string is hashed as its UTF-8 bytes). */
export function sha256Hex(data: string | Uint8Array): string {
  return bytesToHex(sha256Scratch(data));
}

/**
 * `length` bytes of the RFC 8439 ChaCha20 keystream for a 32-byte `key` and 12-byte `nonce`,
 * starting at 64-byte block `counter` (the keystream is ChaCha20 applied to zero bytes).
 */
export function chacha20Keystream(key: Uint8Array, nonce: Uint8Array, length: number, counter: number): Uint8Array {
  const out = new Uint8Array(length);
  return chacha20(key, nonce, out, out, counter); // XOR into zeros, in place: the keystream
}

/**
 * The same keystream as `count` big-endian unsigned 32-bit words (`count` up to 64, a multiple of
 * 16: whole 64-byte blocks), starting at block `counter`.
 */
export function chacha20KeystreamWords(key: Uint8Array, nonce: Uint8Array, count: number, counter: number): number[] {
  if (count > KEYSTREAM_MAX / 4 || count % 16 !== 0) throw new RangeError(`keystream words: ${count} is not 16, 32, 48 or 64`);
  const bytes = count === KEYSTREAM_MAX / 4 ? KEYSTREAM : KEYSTREAM.subarray(0, count * 4);
  bytes.fill(0);
  NONCE.set(nonce);
  chacha20(key, NONCE, bytes, bytes, counter); // XOR into zeros, in place: the keystream
  const words: number[] = [];
  for (let i = 0; i < count; i++) words.push(KEYSTREAM_WORDS.getUint32(4 * i));
  return words;
}

/** Lowercase hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  return bytesToHex(bytes);
}

/** The bytes an even-length hex string spells (throws on anything else). */
export function fromHex(hex: string): Uint8Array {
  return hexToBytes(hex);
}
