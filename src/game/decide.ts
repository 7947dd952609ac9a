/**
 * `decide(state, command)`: the rules. It returns the events a command causes, or a rejection
 * with a namespaced reason code; it never changes `state`. A rejected command changes nothing.
 */
import { isCard, lowestCard, suitOf } from "./cards.js";
import { dealRound } from "./deal.js";
import { dealSourceOf, isClientSeed, serverClientSeedV2 } from "./fairness.js";
import { InvariantError } from "./invariant.js";
import { followsSuit, hookedBid, legalBids, playableCards } from "./legal.js";
import { scoreRound, winnersOf } from "./scoring.js";
import { trickWinner } from "./trick.js";
import {
  EVENT_VERSION,
  ROUND_COUNT,
  type Card,
  type Command,
  type Decision,
  type GameEvent,
  type GameState,
  type JoinSeatCommand,
  type LeaveSeatCommand,
  type ReplaceWithBotCommand,
  type RoundStartedEvent,
  type RuleRejectionCode,
  type SeatIndex,
} from "./types.js";

/** A rejection decision. */
export function reject(code: RuleRejectionCode, message: string): Decision {
  return { ok: false, rejection: { code, message } };
}

function accept(...events: GameEvent[]): Decision {
  return { ok: true, events };
}

/** The `round_started` event of round `round`, dealt under the game's fairness scheme. */
export function roundStartedEvent(state: GameState, round: number): RoundStartedEvent {
  if (state.sessionSeed === "") throw new InvariantError("cannot deal without the session seed");
  const deal = dealRound(dealSourceOf(state), round, state.config.seats);
  return { _v: EVENT_VERSION, type: "round_started", round, dealer: deal.dealer, trumpCard: deal.trumpCard, hands: deal.hands };
}

/** Decides a command against the current state. Pure; see the module docs. */
export function decide(state: GameState, command: Command): Decision {
  switch (command.type) {
    case "join":
      return join(state, command);
    case "leave":
      return leave(state, command);
    case "replace_with_bot":
      return replaceWithBot(state, command);
    case "start":
      return start(state);
    case "bid":
      return bid(state, command.seat, command.bid, false);
    case "play":
      return play(state, command.seat, command.card, false);
    case "timeout":
      return timeout(state, command.seat);
    default: {
      const unknown: never = command;
      return reject("rules/invalid_command", `unknown command ${JSON.stringify(unknown)}`);
    }
  }
}

function seatInRange(state: GameState, seat: unknown): seat is SeatIndex {
  return typeof seat === "number" && Number.isInteger(seat) && seat >= 0 && seat < state.config.seats;
}

function outOfRange(state: GameState, seat: unknown): Decision {
  return reject("rules/seat_out_of_range", `seat ${String(seat)} is not 0..${state.config.seats - 1}`);
}

function notLive(state: GameState): Decision | null {
  if (state.phase === "waiting") return reject("rules/game_not_started", "the game has not started");
  if (state.phase === "completed") return reject("rules/game_completed", "the game is over");
  return null;
}

function join(state: GameState, c: JoinSeatCommand): Decision {
  if (state.phase === "completed") return reject("rules/game_completed", "the game is over");
  if (state.phase !== "waiting") return reject("rules/game_already_started", "seats are taken only before the start");
  if (!seatInRange(state, c.seat)) return outOfRange(state, c.seat);
  if (typeof c.playerId !== "string" || c.playerId === "" || typeof c.displayName !== "string" || typeof c.isBot !== "boolean") {
    return reject("rules/invalid_command", "join needs a playerId, a displayName and isBot");
  }
  if (state.seats.some((s) => s.occupant?.playerId === c.playerId)) {
    return reject("rules/already_seated", `player ${c.playerId} already has a seat`);
  }
  if (state.seats[c.seat]?.occupant !== null) return reject("rules/seat_taken", `seat ${c.seat} is taken`);
  const joined = { _v: EVENT_VERSION, type: "player_joined", seat: c.seat, playerId: c.playerId, displayName: c.displayName, isBot: c.isBot } as const;
  if (state.fairness === "v1") return accept(joined);
  if (c.clientSeed === null) {
    if (state.sessionSeed === "") throw new InvariantError("cannot derive a client seed without the session seed");
    return accept({ ...joined, clientSeed: serverClientSeedV2(state.sessionSeed, state.eventCount), clientSeedBy: "server" });
  }
  if (!isClientSeed(c.clientSeed)) {
    return reject("rules/invalid_client_seed", "a client seed is 32..128 lowercase hex characters (128..512 bits)");
  }
  return accept({ ...joined, clientSeed: c.clientSeed, clientSeedBy: "player" });
}

function leave(state: GameState, c: LeaveSeatCommand): Decision {
  if (state.phase === "completed") return reject("rules/game_completed", "the game is over");
  if (!seatInRange(state, c.seat)) return outOfRange(state, c.seat);
  if (c.reason !== "left" && c.reason !== "disconnected") return reject("rules/invalid_command", "reason must be left or disconnected");
  const seat = state.seats[c.seat];
  const occupant = seat?.occupant ?? null;
  if (occupant === null) return reject("rules/seat_empty", `seat ${c.seat} is empty`);
  if (state.phase !== "waiting" && seat?.away === true) return reject("rules/seat_away", `seat ${c.seat} is already away`);
  return accept({ _v: EVENT_VERSION, type: "player_left", seat: c.seat, playerId: occupant.playerId, reason: c.reason });
}

function replaceWithBot(state: GameState, c: ReplaceWithBotCommand): Decision {
  const closed = notLive(state);
  if (closed !== null) return closed;
  if (!seatInRange(state, c.seat)) return outOfRange(state, c.seat);
  if (typeof c.botPlayerId !== "string" || c.botPlayerId === "" || typeof c.botName !== "string") {
    return reject("rules/invalid_command", "replace_with_bot needs a botPlayerId and a botName");
  }
  const occupant = state.seats[c.seat]?.occupant ?? null;
  if (occupant === null) return reject("rules/seat_empty", `seat ${c.seat} is empty`);
  if (state.seats.some((s) => s.occupant?.playerId === c.botPlayerId)) {
    return reject("rules/already_seated", `player ${c.botPlayerId} already has a seat`);
  }
  return accept({
    _v: EVENT_VERSION,
    type: "seat_taken_by_bot",
    seat: c.seat,
    previousPlayerId: occupant.playerId,
    botPlayerId: c.botPlayerId,
    botName: c.botName,
  });
}

function start(state: GameState): Decision {
  if (state.phase === "completed") return reject("rules/game_completed", "the game is over");
  if (state.phase !== "waiting") return reject("rules/game_already_started", "the game has already started");
  const seats = [];
  for (const seat of state.seats) {
    if (seat.occupant === null) return reject("rules/not_enough_players", "every seat must be taken to start");
    seats.push(seat.occupant);
  }
  const clientSeeds = state.fairness === "v2" ? { clientSeeds: state.clientSeeds } : {};
  return accept({ _v: EVENT_VERSION, type: "game_started", seats, ...clientSeeds }, roundStartedEvent(state, 1));
}

function bid(state: GameState, seat: SeatIndex, amount: number, auto: boolean): Decision {
  const closed = notLive(state);
  if (closed !== null) return closed;
  if (!seatInRange(state, seat)) return outOfRange(state, seat);
  if (state.phase !== "bidding") return reject("rules/not_bidding_phase", "bids are closed for this round");
  if (state.turn !== seat) return reject("rules/not_your_turn", `it is not seat ${seat}'s turn to bid`);
  if (typeof amount !== "number" || !Number.isInteger(amount) || amount < 0 || amount > state.round) {
    return reject("rules/bid_out_of_range", `a bid is 0..${state.round}`);
  }
  if (amount === hookedBid(state, seat)) {
    return reject("rules/hook_violation", `the dealer may not bid ${amount}: the bids would add up to ${state.round}`);
  }
  return accept({ _v: EVENT_VERSION, type: "bid_placed", round: state.round, seat, bid: amount, auto });
}

function play(state: GameState, seat: SeatIndex, card: Card, auto: boolean): Decision {
  const closed = notLive(state);
  if (closed !== null) return closed;
  if (!seatInRange(state, seat)) return outOfRange(state, seat);
  if (state.phase !== "playing") return reject("rules/not_playing_phase", "bidding is not over");
  if (state.turn !== seat) return reject("rules/not_your_turn", `it is not seat ${seat}'s turn to play`);
  const hand = state.hands[seat] ?? [];
  if (!isCard(card) || !hand.includes(card)) return reject("rules/card_not_in_hand", `${String(card)} is not in your hand`);
  if (!followsSuit(hand, state.currentTrick, card)) {
    return reject("rules/must_follow_suit", "you must follow the led suit");
  }
  return { ok: true, events: cardEvents(state, seat, card, auto) };
}

/** card_played, and when it completes a trick, trick_won, round_scored and round_started or game_completed. */
function cardEvents(state: GameState, seat: SeatIndex, card: Card, auto: boolean): GameEvent[] {
  const { round, trick } = state;
  const n = state.config.seats;
  const played: GameEvent = { _v: EVENT_VERSION, type: "card_played", round, trick, seat, card, auto };
  if (state.currentTrick.length + 1 < n) return [played];
  const events: GameEvent[] = [played];
  if (state.trumpCard === null) throw new InvariantError("a trick is played without a trump card");
  const plays = [...state.currentTrick, { seat, card }];
  const winner = trickWinner(plays, suitOf(state.trumpCard)).seat;
  events.push({ _v: EVENT_VERSION, type: "trick_won", round, trick, seat: winner, plays });
  if (trick < round) return events;
  const tricks = state.tricksWon.map((t, s) => (s === winner ? t + 1 : t));
  const results = scoreRound(state.bids.map((b) => b ?? 0), tricks);
  const totals = state.scores.map((score, s) => score + (results[s]?.points ?? 0));
  events.push({ _v: EVENT_VERSION, type: "round_scored", round, results, totals });
  if (round < ROUND_COUNT) {
    events.push(roundStartedEvent(state, round + 1));
  } else {
    if (state.sessionSeed === "") throw new InvariantError("cannot complete a game without the session seed");
    events.push({
      _v: EVENT_VERSION,
      type: "game_completed",
      finalScores: totals,
      winners: winnersOf(totals),
      sessionSeed: state.sessionSeed,
    });
  }
  return events;
}

/**
 * The turn timer ran out: bid 0 if legal (else 1, as the hook can forbid only one bid), or play
 * the lowest legal card (lowest rank, ties C < D < H < S). Recorded with `auto: true`.
 */
function timeout(state: GameState, seat: SeatIndex): Decision {
  const closed = notLive(state);
  if (closed !== null) return closed;
  if (!seatInRange(state, seat)) return outOfRange(state, seat);
  if (state.turn !== seat) return reject("rules/not_your_turn", `it is not seat ${seat}'s turn`);
  if (state.phase === "bidding") return bid(state, seat, legalBids(state, seat).includes(0) ? 0 : 1, true);
  const card = lowestCard(playableCards(state.hands[seat] ?? [], state.currentTrick));
  if (card === null) throw new InvariantError(`seat ${seat} has no card to play`);
  return play(state, seat, card, true);
}
