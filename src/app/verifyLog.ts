/**
 * Checking a finished game's fairness from its published log, outside the server.
 *
 * Input is the NDJSON that `GET /api/games/:id/events` serves: one `{ index, createdAt, event }`
 * per line (a bare event per line is accepted too). Every event is validated, indexes must run
 * 0, 1, 2, … with no gap, and then the engine's `verifyGame` recomputes every deal under the
 * game's fairness scheme (v1: the revealed seed; v2: the revealed seed and every client seed)
 * and checks it against the commitment and the log. Every problem names its event index.
 */
import { decodeEvent, EventDecodeError } from "../../db/eventCodec.js";
import { fairnessOf, verifyGame, type FairnessScheme, type GameEvent } from "../game/index.js";

/** The verdict on one log, with every problem found. */
export type LogVerdict =
  | {
      readonly ok: true;
      readonly gameId: string;
      readonly events: number;
      readonly seedCommitment: string;
      readonly sessionSeed: string;
      readonly fairness: FairnessScheme;
      readonly clientSeeds: readonly string[];
    }
  | { readonly ok: false; readonly problems: readonly string[] };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Parses NDJSON text into events, or the problems that stop it. */
export function parseLog(text: string): { events: GameEvent[]; problems: string[] } {
  const events: GameEvent[] = [];
  const problems: string[] = [];
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  lines.forEach((line, n) => {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      problems.push(`line ${n + 1}: not JSON`);
      return;
    }
    const wrapped = isRecord(value) && isRecord(value["event"]);
    const raw = wrapped && isRecord(value) ? value["event"] : value;
    const index = wrapped && isRecord(value) && typeof value["index"] === "number" ? value["index"] : n;
    if (index !== n) problems.push(`line ${n + 1}: event index ${String(index)}, expected ${n} (a gap or a reordering)`);
    if (!isRecord(raw) || typeof raw["type"] !== "string") {
      problems.push(`line ${n + 1}: not an event (no type)`);
      return;
    }
    const { type, ...payload } = raw;
    const gameId = typeof payload["gameId"] === "string" ? payload["gameId"] : "unknown";
    try {
      events.push(decodeEvent(gameId, n, type, payload));
    } catch (e) {
      if (e instanceof EventDecodeError) problems.push(`line ${n + 1}: ${e.issues}`);
      else throw e;
    }
  });
  return { events, problems };
}

/** Verifies a whole log given as NDJSON text. */
export function verifyLogText(text: string): LogVerdict {
  const { events, problems } = parseLog(text);
  if (problems.length > 0) return { ok: false, problems };
  const first = events[0];
  const last = events.at(-1);
  if (first?.type !== "game_created") return { ok: false, problems: ["the log does not start with game_created"] };
  if (last?.type !== "game_completed") return { ok: false, problems: ["the game is not completed: the seed is not revealed yet"] };
  const verdict = verifyGame(events);
  if (!verdict.ok) return { ok: false, problems: verdict.problems };
  return { ok: true, gameId: first.gameId, events: events.length, seedCommitment: first.seedCommitment, sessionSeed: last.sessionSeed, ...fairnessOf(events) };
}
