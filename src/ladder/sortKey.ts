/**
 * The ladder sort key: the whole order of RULES L1-L3 (see `ranking.ts`) encoded so that a Redis
 * sorted set read with `ZREVRANGE` / `ZREVRANK` returns entries in ladder order, exactly.
 *
 * A key is a pair (score, member):
 * - score = total, as a double. Every integer in [MIN_SAFE_INTEGER, MAX_SAFE_INTEGER] is exact
 *   in a double, and Redis prints scores with 17 significant digits, so totals round-trip.
 * - member = `IIIIIIIIIIIIIII:PPPP...g`, compared by Redis byte-wise (memcmp) among equal scores;
 *   `ZREV*` reads the larger member first.
 *   - `I` (15 decimal digits, zero-padded) = MAX_REACHED_AT - firstReachedAt. An earlier time
 *     gives a larger number, so it comes first in reverse order (RULE L2).
 *   - `P` = the playerId's UTF-8 bytes, each complemented (255 - b) and written as two lowercase
 *     hex digits, then the terminator `g`. A smaller id gives a larger string, so it comes first
 *     in reverse order (RULE L3). `g` sorts above every hex digit, which makes a prefix id
 *     ("ab") rank above its extensions ("abc"), as code point order wants.
 *
 * Exact range (checked; outside it {@link encodeKey} throws a RangeError, since entries are
 * validated before they reach the cache):
 * - total: any safe integer, [-(2^53 - 1), 2^53 - 1];
 * - firstReachedAt: integer epoch ms in [0, 253402300799999] (1970-01-01 to
 *   9999-12-31T23:59:59.999Z);
 * - playerId: any non-empty string of well-formed UTF-16 (no lone surrogates).
 */
import type { LadderEntry } from "./ranking.js";

/** The largest `firstReachedAt` the key encodes: 9999-12-31T23:59:59.999Z. */
export const MAX_REACHED_AT = 253_402_300_799_999;
/** The smallest `firstReachedAt` the key encodes: the epoch. */
export const MIN_REACHED_AT = 0;
const REACHED_DIGITS = 15;
const PID_TERMINATOR = "g";

/** An encoded key: the sorted-set score and member. */
export interface SortKey {
  readonly score: number;
  readonly member: string;
}

const HEX = Array.from({ length: 256 }, (_, i) => (255 - i).toString(16).padStart(2, "0"));
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });
/** Well-formed UTF-16: every surrogate is half of a pair. */
const WELL_FORMED = /^(?:[^\ud800-\udfff]|[\ud800-\udbff][\udc00-\udfff])*$/;

/** Whether `total`, `firstReachedAt` and `playerId` are inside the exact range. */
export function inKeyRange(key: { readonly total: number; readonly firstReachedAt: number; readonly playerId: string }): boolean {
  return (
    Number.isSafeInteger(key.total) &&
    Number.isSafeInteger(key.firstReachedAt) &&
    key.firstReachedAt >= MIN_REACHED_AT &&
    key.firstReachedAt <= MAX_REACHED_AT &&
    key.playerId.length > 0 &&
    WELL_FORMED.test(key.playerId)
  );
}

/** Encodes the member's player part: complemented UTF-8 bytes in hex, then `g`. */
function encodePlayer(playerId: string): string {
  const bytes = encoder.encode(playerId);
  let out = "";
  for (const b of bytes) out += HEX[b];
  return out + PID_TERMINATOR;
}

/** Throws RangeError when the key is outside the exact range. */
export function assertKeyRange(key: { readonly total: number; readonly firstReachedAt: number; readonly playerId: string }): void {
  if (!inKeyRange(key)) {
    throw new RangeError(`ladder sort key out of range: total=${key.total} firstReachedAt=${key.firstReachedAt} playerId=${JSON.stringify(key.playerId)}`);
  }
}

/** Encodes an entry's order fields as a sorted-set key. Throws RangeError outside the range. */
export function encodeKey(key: { readonly total: number; readonly firstReachedAt: number; readonly playerId: string }): SortKey {
  assertKeyRange(key);
  const inverted = String(MAX_REACHED_AT - key.firstReachedAt).padStart(REACHED_DIGITS, "0");
  // `+ 0` turns -0 into 0: Redis would keep the sign, and the key must be canonical.
  return { score: key.total + 0, member: `${inverted}:${encodePlayer(key.playerId)}` };
}

/** Encodes an entry's key. */
export function keyOf(entry: LadderEntry): SortKey {
  return encodeKey(entry);
}

/** Decoded member: the tie-break fields. */
export interface DecodedMember {
  readonly firstReachedAt: number;
  readonly playerId: string;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48; // 0-9
  if (c >= 97 && c <= 102) return c - 87; // a-f
  return -1;
}

/**
 * Decodes a member written by {@link encodeKey}; null when it is not one. Hand-written (no
 * regex, no TextDecoder for ASCII ids) because every cached read decodes each member it returns.
 */
export function decodeMember(member: string): DecodedMember | null {
  const n = member.length;
  if (n < REACHED_DIGITS + 4 || member.charCodeAt(REACHED_DIGITS) !== 58 || member.charCodeAt(n - 1) !== 103) return null;
  let inverted = 0;
  for (let i = 0; i < REACHED_DIGITS; i++) {
    const d = member.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return null;
    inverted = inverted * 10 + d;
  }
  const hexLength = n - REACHED_DIGITS - 2;
  if (hexLength % 2 !== 0) return null;
  const bytes = new Uint8Array(hexLength / 2);
  let ascii = true;
  for (let i = 0, at = REACHED_DIGITS + 1; i < bytes.length; i++, at += 2) {
    const hi = hexValue(member.charCodeAt(at));
    const lo = hexValue(member.charCodeAt(at + 1));
    if (hi < 0 || lo < 0) return null;
    const b = 255 - (hi * 16 + lo);
    bytes[i] = b;
    if (b >= 0x80) ascii = false;
  }
  let playerId: string;
  if (ascii) {
    playerId = "";
    for (const b of bytes) playerId += String.fromCharCode(b);
  } else {
    try {
      playerId = decoder.decode(bytes);
    } catch {
      return null;
    }
  }
  const firstReachedAt = MAX_REACHED_AT - inverted;
  if (firstReachedAt < MIN_REACHED_AT) return null;
  return { firstReachedAt, playerId };
}

/** Byte-wise (memcmp) comparison of two ASCII strings, as Redis compares members. */
function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The order Redis gives with `ZREVRANGE`: score descending, then member descending (byte-wise).
 * Negative when `a` comes first. Members are ASCII, so JS string order is byte order.
 */
export function compareKeysRev(a: SortKey, b: SortKey): number {
  if (a.score !== b.score) return a.score > b.score ? -1 : 1;
  return -compareBytes(a.member, b.member);
}
