/**
 * Fairness v2 in the browser (docs/FAIRNESS.md): the client seed this device sends when it takes
 * a seat, and, when the game ends, the check of every deal on this device from the published
 * log with the engine's own `verifyGame` (same code, same @noble libraries as the server),
 * without trusting the server's verdict.
 */
import { fairnessOf } from "../../src/game/fairness.js";
import { verifyGame } from "../../src/game/verifyGame.js";
import type { FairnessScheme } from "../../src/game/types.js";
import { session } from "./env.js";
import { parseLog } from "./events.js";
import { fetchRaw } from "./http.js";

/** A fresh client seed: 32 bytes from `crypto.getRandomValues`, as 64 lowercase hex chars. */
export function newClientSeed(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

const seedKey = (roomId: string): string => `pzo.clientSeed.${roomId}`;

/** Keeps the seed this device sent for a table (a reload still knows it at the end). */
export function rememberClientSeed(roomId: string, seed: string): void {
  session.setItem(seedKey(roomId), seed);
}

/** The seed this device sent for a table, if it sent one from this tab. */
export function rememberedClientSeed(roomId: string): string | null {
  return session.getItem(seedKey(roomId));
}

/** The verdict of the check on this device. */
export type DeviceVerdict =
  | {
      readonly ok: true;
      readonly fairness: FairnessScheme;
      /** Whether this device's seed is the one `game_started` lists for `seat` (null: no seed or no seat). */
      readonly ownSeedUsed: boolean | null;
      readonly rounds: number;
    }
  | { readonly ok: false; readonly problems: readonly string[] };

/** Fetches the game's log and recomputes every deal here. */
export async function verifyOnThisDevice(gameId: string, seat: number | null, ownSeed: string | null): Promise<DeviceVerdict> {
  const res = await fetchRaw(`/api/games/${encodeURIComponent(gameId)}/events`);
  if (!(res instanceof Response)) return { ok: false, problems: [res.message] };
  if (!res.ok) return { ok: false, problems: [`the server answered ${res.status} for the log`] };
  const log = parseLog(await res.text());
  if (!log.ok) return { ok: false, problems: [log.error] };
  const verdict = verifyGame(log.events);
  if (!verdict.ok) return verdict;
  const { fairness, clientSeeds } = fairnessOf(log.events);
  const ownSeedUsed = seat === null || ownSeed === null || fairness !== "v2" ? null : clientSeeds[seat] === ownSeed;
  return { ok: true, fairness, ownSeedUsed, rounds: log.events.filter((e) => e.type === "round_started").length };
}

/** The words for a verdict. */
export function deviceVerdictText(v: DeviceVerdict): string {
  if (!v.ok) return `Not verified on this device: ${v.problems.join("; ")}`;
  const own =
    v.ownSeedUsed === null ? "" : v.ownSeedUsed ? " Your seed was mixed into every deal." : " Your seed is NOT the one the log lists for your seat.";
  return `Verified on this device: all ${v.rounds} deals recomputed from the revealed seeds (fairness ${v.fairness}).${own}`;
}
