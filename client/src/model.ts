/**
 * What the table page draws: one `TableModel`, built either from a live room's state (the
 * Colyseus `TableState` of src/shared/schema, validated here with zod) or from an engine `GameState`
 * (a replay, where every hand is public). The renderer knows nothing about where it came from.
 */
import * as z from "zod/mini";
import { isCard } from "../../src/game/cards.js";
import type { Card, GameState, Phase, SeatRoundResult, TrickPlay } from "../../src/game/types.js";

export interface SeatModel {
  readonly seat: number;
  readonly playerId: string | null;
  readonly displayName: string;
  readonly isBot: boolean;
  readonly occupied: boolean;
  readonly away: boolean;
  readonly connected: boolean;
  readonly handSize: number;
  readonly bid: number | null;
  readonly tricks: number;
  readonly score: number;
  /** The seated person's equipped card back and seat frame (Season 0 cosmetics); null: none. */
  readonly cardBack: string | null;
  readonly seatFrame: string | null;
}

export interface TableModel {
  readonly gameId: string;
  readonly seatCount: number;
  readonly turnSeconds: number;
  readonly phase: Phase;
  readonly round: number;
  readonly dealer: number | null;
  readonly trumpCard: Card | null;
  readonly trick: number;
  readonly turn: number | null;
  /** Epoch ms when the turn times out, or null when no timer runs. */
  readonly turnEndsAt: number | null;
  readonly seats: readonly SeatModel[];
  readonly currentTrick: readonly TrickPlay[];
  readonly lastTrick: { readonly seat: number; readonly plays: readonly TrickPlay[] } | null;
  readonly roundResults: readonly (readonly SeatRoundResult[])[];
  readonly winners: readonly number[];
  readonly seedCommitment: string;
  readonly revealedSeed: string | null;
  readonly eventCount: number;
  /** Hands the viewer may see, by seat: its own at a live table, every one in a replay. */
  readonly hands: ReadonlyMap<number, readonly Card[]>;
  /** The viewer's legal moves now (empty unless it is the viewer's turn). */
  readonly legalBids: readonly number[];
  readonly legalCards: readonly Card[];
}

const card = z.custom<Card>(isCard, { message: "not a card" });
const phase = z.enum(["waiting", "bidding", "playing", "completed"]);

// A decoded schema leaves out fields that were never set on the server (false, 0, "", an empty
// list), so every field has the default its schema field starts from.
const int = (fallback = 0) => z._default(z.int(), fallback);
const num = () => z._default(z.number(), 0);
const bool = () => z._default(z.boolean(), false);
const str = () => z._default(z.string(), "");
const list = <T extends z.ZodMiniType>(item: T) => z._default(z.array(item), []);

const trickPlay = z.object({ seat: int(), card });
const seatResult = z.object({ seat: int(), bid: int(), tricks: int(), points: int(), misplay: int() });

/** The JSON of a `TableState` (src/shared/schema/TableState.ts) as a client decodes it. */
const tableStateJson = z.object({
  gameId: str(),
  seatCount: int(),
  turnSeconds: num(),
  phase,
  round: int(),
  dealer: int(-1),
  trumpCard: z._default(z.union([card, z.literal("")]), ""),
  trick: int(),
  turn: int(-1),
  turnEndsAt: num(),
  seats: list(
    z.object({
      seat: int(),
      playerId: str(),
      displayName: str(),
      isBot: bool(),
      occupied: bool(),
      away: bool(),
      connected: bool(),
      handSize: int(),
      bid: int(-1),
      tricks: int(),
      score: int(),
      cardBack: str(),
      seatFrame: str(),
    }),
  ),
  currentTrick: list(trickPlay),
  lastTrickSeat: int(-1),
  lastTrick: list(trickPlay),
  roundResults: list(z.object({ round: int(), results: list(seatResult) })),
  winners: list(z.int()),
  seedCommitment: str(),
  revealedSeed: str(),
  eventCount: int(),
  hands: z._default(
    z.record(
      z.string(),
      z.object({
        seat: int(),
        cards: list(card),
        legalBids: list(z.int()),
        legalCards: list(card),
      }),
    ),
    {},
  ),
});

/** A decoded Colyseus schema instance (it turns itself into plain JSON). */
interface HasToJSON {
  toJSON(): unknown;
}
function hasToJSON(x: unknown): x is HasToJSON {
  return typeof x === "object" && x !== null && "toJSON" in x && typeof x.toJSON === "function";
}

function toJson(state: unknown): unknown {
  return hasToJSON(state) ? state.toJSON() : state;
}

export type ModelResult =
  | { readonly ok: true; readonly model: TableModel }
  /** No state has arrived yet (the SDK's state object is still empty). */
  | { readonly ok: false; readonly error: null }
  | { readonly ok: false; readonly error: string };

/**
 * Reads a live room's decoded state. `mySeat` picks the viewer's hand and legal moves out of
 * `hands` (which, at a live table, holds at most the viewer's own seat anyway).
 */
export function modelFromRoomState(state: unknown, mySeat: number | null): ModelResult {
  const json = toJson(state);
  const empty = typeof json !== "object" || json === null || !("gameId" in json) || json.gameId === "";
  if (empty) return { ok: false, error: null };
  const parsed = tableStateJson.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: `unexpected table state at ${issue?.path.join(".") ?? "?"}: ${issue?.message ?? ""}` };
  }
  const s = parsed.data;
  const hands = new Map<number, readonly Card[]>();
  let legalBids: readonly number[] = [];
  let legalCards: readonly Card[] = [];
  // The map key is the seat (a seat field of 0 may be left out of the decoded entry).
  for (const [key, h] of Object.entries(s.hands)) {
    const seat = Number(key);
    if (!Number.isInteger(seat)) continue;
    hands.set(seat, h.cards);
    if (seat === mySeat) {
      legalBids = h.legalBids;
      legalCards = h.legalCards;
    }
  }
  return {
    ok: true,
    model: {
      gameId: s.gameId,
      seatCount: s.seatCount,
      turnSeconds: s.turnSeconds,
      phase: s.phase,
      round: s.round,
      dealer: s.dealer < 0 ? null : s.dealer,
      trumpCard: s.trumpCard === "" ? null : s.trumpCard,
      trick: s.trick,
      turn: s.turn < 0 ? null : s.turn,
      turnEndsAt: s.turnEndsAt > 0 ? s.turnEndsAt : null,
      seats: s.seats.map((x) => ({
        seat: x.seat,
        playerId: x.playerId === "" ? null : x.playerId,
        displayName: x.displayName,
        isBot: x.isBot,
        occupied: x.occupied,
        away: x.away,
        connected: x.connected,
        handSize: x.handSize,
        bid: x.bid < 0 ? null : x.bid,
        tricks: x.tricks,
        score: x.score,
        cardBack: x.cardBack === "" ? null : x.cardBack,
        seatFrame: x.seatFrame === "" ? null : x.seatFrame,
      })),
      currentTrick: s.currentTrick,
      lastTrick: s.lastTrickSeat < 0 ? null : { seat: s.lastTrickSeat, plays: s.lastTrick },
      roundResults: s.roundResults.map((r) => r.results),
      winners: s.winners,
      seedCommitment: s.seedCommitment,
      revealedSeed: s.revealedSeed === "" ? null : s.revealedSeed,
      eventCount: s.eventCount,
      hands,
      legalBids,
      legalCards,
    },
  };
}

/** A replay frame: the engine's full state, every hand shown, no moves to make. */
export function modelFromGameState(g: GameState): TableModel {
  const hands = new Map<number, readonly Card[]>();
  g.hands.forEach((cards, seat) => hands.set(seat, cards));
  const started = g.round > 0;
  return {
    gameId: g.gameId,
    seatCount: g.config.seats,
    turnSeconds: g.config.turnSeconds,
    phase: g.phase,
    round: g.round,
    dealer: started ? g.dealer : null,
    trumpCard: g.trumpCard,
    trick: g.trick,
    turn: g.turn,
    turnEndsAt: null,
    seats: g.seats.map((s, seat) => ({
      seat,
      playerId: s.occupant?.playerId ?? null,
      displayName: s.occupant?.displayName ?? "",
      isBot: s.occupant?.isBot ?? false,
      occupied: s.occupant !== null,
      away: s.away,
      connected: true,
      handSize: g.hands[seat]?.length ?? 0,
      bid: g.bids[seat] ?? null,
      tricks: g.tricksWon[seat] ?? 0,
      score: g.scores[seat] ?? 0,
      cardBack: null,
      seatFrame: null,
    })),
    currentTrick: g.currentTrick,
    lastTrick: g.lastTrick,
    roundResults: g.roundResults,
    winners: g.winners,
    seedCommitment: g.seedCommitment,
    revealedSeed: g.phase === "completed" ? g.sessionSeed : null,
    eventCount: g.eventCount,
    hands,
    legalBids: [],
    legalCards: [],
  };
}
