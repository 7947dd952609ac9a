/**
 * Realistic games for the storage contract suites and the bench: whole games played by the
 * engine (`simulateGame`) with a simple deterministic policy, plus the player rows they need.
 */
import { createHash } from "node:crypto";
import {
  DEFAULT_TURN_SECONDS,
  simulateGame,
  type Command,
  type GameEvent,
  type GameId,
  type GameState,
  type GameView,
  type SeatOccupant,
  type SeatPolicy,
} from "../../src/game/index.js";
import type { Database } from "../client.js";
import { parseStored, gameIdSchema } from "../domainSchemas.js";
import { createPlayer } from "../players.js";

/** A 64-hex session seed derived from a label (deterministic across runs). */
export function seedFor(label: string): string {
  return createHash("sha256").update(`pzo-test-seed:${label}`).digest("hex");
}

/** A deterministic UUID (v4-shaped) derived from a label. */
export function uuidFor(label: string): string {
  const h = createHash("sha256").update(`pzo-test-uuid:${label}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A fresh game id for a label. */
export function gameIdFor(label: string): GameId {
  return parseStored(gameIdSchema, uuidFor(`game:${label}`), "test game id");
}

/**
 * A policy that plays the `pick`-th legal move (mod the number of legal moves): varied but
 * deterministic games. `pick` 0 always plays the first legal bid or card.
 */
export function pickPolicy(pick: number): SeatPolicy {
  return (view: GameView): Command | null => {
    if (view.viewer === "spectator") return null;
    const seat = view.viewer;
    if (view.legalBids.length > 0) {
      const bid = view.legalBids[pick % view.legalBids.length];
      return bid === undefined ? null : { type: "bid", seat, bid };
    }
    if (view.legalCards.length > 0) {
      const card = view.legalCards[(pick * 7 + view.round) % view.legalCards.length];
      return card === undefined ? null : { type: "play", seat, card };
    }
    return null;
  };
}

/** A whole game played by the engine. */
export interface PlayedGame {
  readonly gameId: GameId;
  /** Every event, `game_created` first, `game_completed` last. */
  readonly events: readonly GameEvent[];
  /** The final (completed) state. */
  readonly state: GameState;
}

/** Plays a whole game between `occupants` (3-5 seats) with varied deterministic policies. */
export function playGame(label: string, occupants: readonly SeatOccupant[]): PlayedGame {
  const gameId = gameIdFor(label);
  const played = simulateGame({
    gameId,
    config: { seats: occupants.length, turnSeconds: DEFAULT_TURN_SECONDS },
    sessionSeed: seedFor(label),
    players: occupants,
    policies: occupants.map((_, seat) => pickPolicy(seat + label.length)),
  });
  return { gameId, events: played.events, state: played.state };
}

/** Splits events into appends of 1-3 events (deterministic), as a room's decisions would. */
export function chunkEvents(events: readonly GameEvent[], label: string): GameEvent[][] {
  const chunks: GameEvent[][] = [];
  let i = 0;
  let k = label.length;
  while (i < events.length) {
    const size = 1 + (k % 3);
    chunks.push(events.slice(i, i + size));
    i += size;
    k = (k * 31 + 7) % 101;
  }
  return chunks;
}

/** Inserts `count` players (`bots` of them bots) and returns them as seat occupants. */
export async function createOccupants(db: Database, label: string, count: number, bots = 0): Promise<SeatOccupant[]> {
  const out: SeatOccupant[] = [];
  for (let i = 0; i < count; i++) {
    const isBot = i >= count - bots;
    const row = await createPlayer(db, {
      displayName: `${isBot ? "Bot" : "Player"} ${label}-${i}`,
      avatarSeed: `${label}-${i}`,
      color: "#336699",
      isBot,
      userId: isBot ? null : uuidFor(`user:${label}:${i}`),
    });
    out.push({ playerId: row.id, displayName: row.displayName, isBot });
  }
  return out;
}

