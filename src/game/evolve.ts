/**
 * `evolve` applies one event to the state; `fold` rebuilds a game from its log. Both are pure:
 * they never mutate their inputs and return new objects (unchanged parts are shared).
 *
 * `evolve` checks that every event fits the state it lands on (turn order, follow suit, the hook,
 * the deal's shape, the trick winner, the scores, the revealed seed against its commitment) and
 * throws an `InvariantError` when one does not: a log that does not fold is broken, not a move
 * to reject. It needs the full log: redacted events (see `redactEvent`) do not fold.
 *
 * State hands are kept in display order (suit, then rank), whatever the deal order in
 * `round_started`, so views and legal-card lists need no sorting.
 */
import { cardIndex, isCard, sortForDisplay, suitOf } from "./cards.js";
import { dealerForRound, nextSeat } from "./deal.js";
import { isValidConfig } from "./createGame.js";
import { InvariantError } from "./invariant.js";
import { followsSuit, hookedBid } from "./legal.js";
import { scoreRound, winnersOf } from "./scoring.js";
import { dealKeyV2, isClientSeed, isFairnessScheme } from "./fairness.js";
import { isSessionSeed, seedCommitment } from "./seedCommitment.js";
import { trickWinner } from "./trick.js";
import {
  EVENT_VERSION,
  ROUND_COUNT,
  type BidPlacedEvent,
  type Card,
  type CardPlayedEvent,
  type GameCompletedEvent,
  type GameCreatedEvent,
  type GameEvent,
  type GameStartedEvent,
  type GameState,
  type PlayerJoinedEvent,
  type PlayerLeftEvent,
  type RoundScoredEvent,
  type RoundStartedEvent,
  type SeatIndex,
  type SeatMoveCount,
  type SeatState,
  type SeatTakenByBotEvent,
  type TrickWonEvent,
} from "./types.js";

/** Applies one event. `state` is null only for `game_created`. Throws `InvariantError` on a misfit. */
export function evolve(state: GameState | null, event: GameEvent): GameState {
  if (event._v !== EVENT_VERSION) fail(state, event, `unknown payload version ${String(event._v)}`);
  if (event.type === "game_created") {
    if (state !== null) fail(state, event, "game_created must be the first event");
    return created(event);
  }
  if (state === null) throw new InvariantError(`event 0 (${event.type}): the log must start with game_created`);
  switch (event.type) {
    case "player_joined":
      return joined(state, event);
    case "player_left":
      return left(state, event);
    case "seat_taken_by_bot":
      return takenByBot(state, event);
    case "game_started":
      return started(state, event);
    case "round_started":
      return roundStarted(state, event);
    case "bid_placed":
      return bidPlaced(state, event);
    case "card_played":
      return cardPlayed(state, event);
    case "trick_won":
      return trickWon(state, event);
    case "round_scored":
      return roundScored(state, event);
    case "game_completed":
      return completed(state, event);
    default: {
      const unknown: never = event;
      return fail(state, unknown, "unknown event type");
    }
  }
}

/** Rebuilds a game from its whole log (index 0 is `game_created`). Throws on an empty or broken log. */
export function fold(events: readonly GameEvent[]): GameState {
  let state: GameState | null = null;
  for (const event of events) state = evolve(state, event);
  if (state === null) throw new InvariantError("cannot fold an empty log");
  return state;
}

/** Throws the `InvariantError` for an event that does not fit; messages are built only here. */
function fail(state: GameState | null, event: GameEvent, message: string): never {
  throw new InvariantError(`event ${state?.eventCount ?? 0} (${event.type}): ${message}`);
}

function inRange(state: GameState, seat: number): boolean {
  return Number.isInteger(seat) && seat >= 0 && seat < state.config.seats;
}

function seatedAnywhere(state: GameState, playerId: string): boolean {
  return state.seats.some((s) => s.occupant?.playerId === playerId);
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function replaceAt<T>(items: readonly T[], at: number, value: T): T[] {
  const out = items.slice();
  out[at] = value;
  return out;
}

function created(event: GameCreatedEvent): GameState {
  if (!isValidConfig(event.config)) fail(null, event, "invalid config");
  if (!/^[0-9a-f]{64}$/.test(event.seedCommitment)) fail(null, event, "seedCommitment must be 64 lowercase hex chars");
  if (event.sessionSeed !== "" && !isSessionSeed(event.sessionSeed)) fail(null, event, "malformed sessionSeed");
  if (event.fairness !== undefined && !isFairnessScheme(event.fairness)) fail(null, event, `unknown fairness scheme ${String(event.fairness)}`);
  const n = event.config.seats;
  const seats: SeatState[] = [];
  for (let s = 0; s < n; s++) seats.push({ occupant: null, away: false });
  return {
    gameId: event.gameId,
    config: { seats: n, turnSeconds: event.config.turnSeconds },
    seedCommitment: event.seedCommitment,
    sessionSeed: event.sessionSeed,
    fairness: event.fairness ?? "v1",
    clientSeeds: seats.map(() => ""),
    dealKey: "",
    phase: "waiting",
    seats,
    round: 0,
    dealer: 0,
    trumpCard: null,
    hands: seats.map(() => []),
    bids: seats.map(() => null),
    tricksWon: seats.map(() => 0),
    trick: 0,
    currentTrick: [],
    lastTrick: null,
    turn: null,
    scores: seats.map(() => 0),
    roundResults: [],
    winners: [],
    originalOccupants: [],
    trumpHistory: [],
    moveCounts: seats.map(() => ({ moves: 0, notOwn: 0 })),
    eventCount: 1,
  };
}

function joined(state: GameState, event: PlayerJoinedEvent): GameState {
  if (state.phase !== "waiting") fail(state, event, "players join only before the start");
  if (!inRange(state, event.seat)) fail(state, event, `seat ${event.seat} out of range`);
  if (state.seats[event.seat]?.occupant !== null) fail(state, event, `seat ${event.seat} is taken`);
  if (seatedAnywhere(state, event.playerId)) fail(state, event, `player ${event.playerId} is already seated`);
  const occupant = { playerId: event.playerId, displayName: event.displayName, isBot: event.isBot };
  return {
    ...state,
    seats: replaceAt(state.seats, event.seat, { occupant, away: false }),
    clientSeeds: replaceAt(state.clientSeeds, event.seat, joinedClientSeed(state, event)),
    eventCount: state.eventCount + 1,
  };
}

/** The client seed a `player_joined` brings: required (and checked) in v2, absent in v1. */
function joinedClientSeed(state: GameState, event: PlayerJoinedEvent): string {
  if (state.fairness === "v1") {
    if (event.clientSeed !== undefined || event.clientSeedBy !== undefined) fail(state, event, "a v1 game has no client seeds");
    return "";
  }
  if (!isClientSeed(event.clientSeed)) fail(state, event, "a v2 join needs a client seed of 32..128 lowercase hex chars");
  if (event.clientSeedBy !== "player" && event.clientSeedBy !== "server") fail(state, event, "clientSeedBy must be player or server");
  // Whether a server-drawn seed is the one the server seed derives is verifyGame's check (it
  // costs a SHA-256 per join, and a client's fold has no seed to check it with until the end).
  return event.clientSeed;
}

function left(state: GameState, event: PlayerLeftEvent): GameState {
  if (state.phase === "completed") fail(state, event, "the game is over");
  if (!inRange(state, event.seat)) fail(state, event, `seat ${event.seat} out of range`);
  const seat = state.seats[event.seat];
  if (seat?.occupant?.playerId !== event.playerId) fail(state, event, `player ${event.playerId} is not in seat ${event.seat}`);
  if (state.phase === "waiting") {
    return {
      ...state,
      seats: replaceAt(state.seats, event.seat, { occupant: null, away: false }),
      clientSeeds: replaceAt(state.clientSeeds, event.seat, ""),
      eventCount: state.eventCount + 1,
    };
  }
  if (seat?.away !== false) fail(state, event, `seat ${event.seat} is already away`);
  return {
    ...state,
    seats: replaceAt(state.seats, event.seat, { occupant: seat?.occupant ?? null, away: true }),
    eventCount: state.eventCount + 1,
  };
}

function takenByBot(state: GameState, event: SeatTakenByBotEvent): GameState {
  if (state.phase === "waiting" || state.phase === "completed") fail(state, event, "a bot takes a seat over only mid-game");
  if (!inRange(state, event.seat)) fail(state, event, `seat ${event.seat} out of range`);
  const seat = state.seats[event.seat];
  if (seat?.occupant?.playerId !== event.previousPlayerId) fail(state, event, `player ${event.previousPlayerId} is not in seat ${event.seat}`);
  if (seatedAnywhere(state, event.botPlayerId)) fail(state, event, `player ${event.botPlayerId} is already seated`);
  const occupant = { playerId: event.botPlayerId, displayName: event.botName, isBot: true };
  return {
    ...state,
    seats: replaceAt(state.seats, event.seat, { occupant, away: false }),
    eventCount: state.eventCount + 1,
  };
}

function started(state: GameState, event: GameStartedEvent): GameState {
  if (state.phase !== "waiting") fail(state, event, "the game has already started");
  if (event.seats.length !== state.config.seats) fail(state, event, "game_started must list every seat");
  const occupants = state.seats.map((seat, i) => {
    const listed = event.seats[i];
    const o = seat.occupant;
    if (o === null) return fail(state, event, `seat ${i} is empty`);
    if (listed?.playerId !== o.playerId || listed.displayName !== o.displayName || listed.isBot !== o.isBot) {
      fail(state, event, `seat ${i} does not match its occupant`);
    }
    return o;
  });
  checkStartedClientSeeds(state, event);
  const dealKey = state.fairness === "v2" && state.sessionSeed !== "" ? dealKeyV2(state.sessionSeed, state.clientSeeds) : "";
  return { ...state, phase: "bidding", originalOccupants: occupants, dealKey, eventCount: state.eventCount + 1 };
}

/** v2: `game_started.clientSeeds` lists exactly the seeds the seats joined with; v1: it is absent. */
function checkStartedClientSeeds(state: GameState, event: GameStartedEvent): void {
  if (state.fairness === "v1") {
    if (event.clientSeeds !== undefined) fail(state, event, "a v1 game has no client seeds");
    return;
  }
  if (event.clientSeeds?.length !== state.config.seats) fail(state, event, "game_started must list every seat's client seed");
  event.clientSeeds.forEach((seed, seat) => {
    if (seed !== state.clientSeeds[seat]) fail(state, event, `seat ${seat}'s client seed is not the one it joined with`);
  });
}

function roundStarted(state: GameState, event: RoundStartedEvent): GameState {
  const n = state.config.seats;
  if (state.phase !== "bidding" && state.phase !== "playing") fail(state, event, "no round starts before the start or after the end");
  if (event.round !== state.round + 1 || event.round > ROUND_COUNT) fail(state, event, `round ${event.round} does not follow round ${state.round}`);
  if (state.roundResults.length !== state.round) fail(state, event, `round ${state.round} is not scored yet`);
  if (event.dealer !== dealerForRound(event.round, n)) fail(state, event, `round ${event.round} is dealt by seat ${dealerForRound(event.round, n)}`);
  if (!isCard(event.trumpCard)) fail(state, event, "malformed trump card");
  if (event.hands.length !== n) fail(state, event, "one hand per seat");
  // Cards seen so far, one bit per card by its display index (0..51) over two 26-bit words.
  const seen = [0, 0];
  const see = (card: Card): void => {
    const at = cardIndex(card);
    const bit = 1 << (at % 26);
    const word = at < 26 ? 0 : 1;
    if (((seen[word] as number) & bit) !== 0) fail(state, event, `card ${card} dealt twice`);
    seen[word] = (seen[word] as number) | bit;
  };
  see(event.trumpCard);
  for (const hand of event.hands) {
    if (hand.length !== event.round) fail(state, event, `every hand has ${event.round} cards`);
    for (const card of hand) {
      if (!isCard(card)) fail(state, event, `malformed card ${String(card)}`);
      see(card);
    }
  }
  return {
    ...state,
    phase: "bidding",
    round: event.round,
    dealer: event.dealer,
    trumpCard: event.trumpCard,
    hands: event.hands.map(sortForDisplay),
    bids: state.bids.map(() => null),
    tricksWon: state.tricksWon.map(() => 0),
    trick: 1,
    currentTrick: [],
    lastTrick: null,
    turn: nextSeat(event.dealer, n),
    trumpHistory: [...state.trumpHistory, event.trumpCard],
    eventCount: state.eventCount + 1,
  };
}

/**
 * Counts a seat's move, and whether its original occupant did not make it: a move made on
 * timeout, or while someone else (a replacement bot) held the seat.
 */
function countMove(state: GameState, seat: SeatIndex, auto: boolean): SeatMoveCount[] {
  const before = state.moveCounts[seat] ?? { moves: 0, notOwn: 0 };
  const own = !auto && state.seats[seat]?.occupant?.playerId === state.originalOccupants[seat]?.playerId;
  return replaceAt(state.moveCounts, seat, { moves: before.moves + 1, notOwn: before.notOwn + (own ? 0 : 1) });
}

function bidPlaced(state: GameState, event: BidPlacedEvent): GameState {
  if (state.phase !== "bidding") fail(state, event, "not the bidding phase");
  if (event.round !== state.round) fail(state, event, `round ${event.round} is not the current round`);
  if (state.turn === null || event.seat !== state.turn) fail(state, event, `not seat ${event.seat}'s turn`);
  if (!(Number.isInteger(event.bid) && event.bid >= 0 && event.bid <= state.round)) fail(state, event, `bid ${event.bid} out of range`);
  if (event.bid === hookedBid(state, event.seat)) fail(state, event, `bid ${event.bid} breaks the hook`);
  const n = state.config.seats;
  const last = event.seat === state.dealer;
  return {
    ...state,
    phase: last ? "playing" : "bidding",
    bids: replaceAt(state.bids, event.seat, event.bid),
    turn: nextSeat(event.seat, n),
    moveCounts: countMove(state, event.seat, event.auto),
    eventCount: state.eventCount + 1,
  };
}

function cardPlayed(state: GameState, event: CardPlayedEvent): GameState {
  if (state.phase !== "playing") fail(state, event, "not the playing phase");
  if (event.round !== state.round || event.trick !== state.trick) fail(state, event, `round ${event.round} trick ${event.trick} is not current`);
  if (state.turn === null || event.seat !== state.turn) fail(state, event, `not seat ${event.seat}'s turn`);
  const hand = state.hands[event.seat] ?? [];
  const at = hand.indexOf(event.card);
  if (at < 0) fail(state, event, `card ${event.card} is not in seat ${event.seat}'s hand`);
  if (!followsSuit(hand, state.currentTrick, event.card)) fail(state, event, `card ${event.card} does not follow suit`);
  const currentTrick = [...state.currentTrick, { seat: event.seat, card: event.card }];
  const rest = hand.filter((_, i) => i !== at);
  return {
    ...state,
    hands: replaceAt(state.hands, event.seat, rest),
    currentTrick,
    turn: currentTrick.length === state.config.seats ? null : nextSeat(event.seat, state.config.seats),
    moveCounts: countMove(state, event.seat, event.auto),
    eventCount: state.eventCount + 1,
  };
}

function trickWon(state: GameState, event: TrickWonEvent): GameState {
  if (state.phase !== "playing") fail(state, event, "not the playing phase");
  if (event.round !== state.round || event.trick !== state.trick) fail(state, event, `round ${event.round} trick ${event.trick} is not current`);
  const plays = state.currentTrick;
  if (plays.length !== state.config.seats) fail(state, event, "the trick is not complete");
  if (event.plays.length !== plays.length) fail(state, event, "plays differ from the cards played");
  for (let i = 0; i < plays.length; i++) {
    const p = event.plays[i];
    if (p?.seat !== plays[i]?.seat || p?.card !== plays[i]?.card) fail(state, event, "plays differ from the cards played");
  }
  const trump = state.trumpCard;
  if (trump === null || event.seat !== trickWinner(plays, suitOf(trump)).seat) fail(state, event, `seat ${event.seat} did not win the trick`);
  const roundOver = state.trick === state.round;
  return {
    ...state,
    tricksWon: replaceAt(state.tricksWon, event.seat, (state.tricksWon[event.seat] ?? 0) + 1),
    lastTrick: { seat: event.seat, plays },
    currentTrick: [],
    trick: roundOver ? state.trick : state.trick + 1,
    turn: roundOver ? null : event.seat,
    eventCount: state.eventCount + 1,
  };
}

function roundScored(state: GameState, event: RoundScoredEvent): GameState {
  if (state.phase !== "playing") fail(state, event, "not the playing phase");
  if (event.round !== state.round || state.roundResults.length !== state.round - 1) fail(state, event, `round ${event.round} is not the round to score`);
  const taken = state.tricksWon.reduce((a, b) => a + b, 0);
  if (taken !== state.round || state.currentTrick.length > 0) fail(state, event, "the round is not over");
  const results = scoreRound(state.bids.map((b) => b ?? 0), state.tricksWon);
  const sameResults =
    event.results.length === results.length &&
    results.every((r, i) => {
      const e = event.results[i];
      return e !== undefined && e.seat === r.seat && e.bid === r.bid && e.tricks === r.tricks && e.points === r.points && e.misplay === r.misplay;
    });
  if (!sameResults) fail(state, event, "results differ from the bids and tricks");
  const totals = state.scores.map((score, seat) => score + (results[seat]?.points ?? 0));
  if (!sameNumbers(event.totals, totals)) fail(state, event, "totals differ");
  return {
    ...state,
    scores: totals,
    roundResults: [...state.roundResults, results],
    eventCount: state.eventCount + 1,
  };
}

function completed(state: GameState, event: GameCompletedEvent): GameState {
  if (state.phase !== "playing" || state.round !== ROUND_COUNT || state.roundResults.length !== ROUND_COUNT) fail(state, event, `the game ends after round ${ROUND_COUNT} is scored`);
  if (!sameNumbers(event.finalScores, state.scores)) fail(state, event, "final scores differ");
  const winners = winnersOf(state.scores);
  if (!sameNumbers(event.winners, winners)) fail(state, event, "winners differ");
  if (!isSessionSeed(event.sessionSeed)) fail(state, event, "malformed revealed seed");
  if (state.sessionSeed !== "" && state.sessionSeed !== event.sessionSeed) fail(state, event, "revealed seed differs from the game's seed");
  if (seedCommitment(event.sessionSeed) !== state.seedCommitment) fail(state, event, "revealed seed does not match the commitment");
  const dealKey = state.fairness === "v2" && state.dealKey === "" ? dealKeyV2(event.sessionSeed, state.clientSeeds) : state.dealKey;
  return {
    ...state,
    phase: "completed",
    sessionSeed: event.sessionSeed,
    dealKey,
    turn: null,
    winners,
    eventCount: state.eventCount + 1,
  };
}
