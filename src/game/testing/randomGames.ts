/**
 * Random whole games with every property checked at every event: the driver behind the
 * property tests (`properties.*.test.ts`). Pure and deterministic for given inputs; it throws on
 * the first violated property, with a message naming it. Not part of the engine's API.
 *
 * Per game: seats join in a random order (some leave and rejoin before the start), then random
 * legal bids and cards, with random timeouts (10% of turns), seats going away (1% of steps; an
 * away seat always moves by timeout) and bots taking away seats over (1% of steps). Before every
 * command, 3 illegal commands picked at random from those that apply to the state, each built
 * (from an oracle written apart from legal.ts) to break one rule (wrong seat, card not in hand,
 * off-suit when able to follow, out-of-range bid, the hook, wrong phase, seat changes at the
 * wrong time), must each be rejected with its own reason code and leave the state unchanged.
 * After every event:
 * - `fold(stored log so far)` equals the live state: each event is written as JSON and read back
 *   (as storage does) and folded onto the previous fold of the stored log; and, at every
 *   `foldFromScratchEvery`-th event and the last, `fold(events[0..i])` is recomputed from scratch;
 * - every seat's view and the spectator's view, and every event as `redactEvent` sends it to each
 *   of them, is walked string by string: no card held by another seat, and no seed while live;
 * - a seat's view holds exactly its own hand; a spectator's holds none;
 * - each deal has r cards per hand and no card twice; each round's tricks sum to r.
 * Before every move, the engine's `legalBids` / `legalCards` must equal an independent oracle.
 * At the end: the game completed after round 10, `verifyGame` accepts the log, and rejects it
 * with one random card of one random deal replaced by another card.
 */
import { DECK, isCard } from "../cards.js";
import { createGame } from "../createGame.js";
import { decide } from "../decide.js";
import { evolve, fold } from "../evolve.js";
import { legalBids, legalCards } from "../legal.js";
import { floatSource, sfc32 } from "../prng.js";
import { redactEvent } from "../redactEvent.js";
import { shuffle } from "../shuffle.js";
import {
  RULE_REJECTIONS,
  type Card,
  type Command,
  type GameEvent,
  type GameId,
  type GameState,
  type PlayerId,
  type RuleRejectionCode,
  type Viewer,
} from "../types.js";
import { verifyGame } from "../verifyGame.js";
import { viewFor } from "../view.js";

/**
 * A cheap assertion for the hot loop (vitest's expect costs microseconds per call, and these
 * checks run millions of times): throws with `message` when `condition` is false.
 */
function check(condition: boolean, message: string | (() => string)): void {
  if (!condition) throw new Error(typeof message === "string" ? message : message());
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Caches for one game's checks (frozen objects never change, so a verdict about one holds). */
interface Caches {
  /** Pairs of frozen objects already found deep-equal. */
  readonly knownEqual: WeakMap<object, object>;
  /** Frozen objects with no card string and not the seed anywhere inside: they can never leak. */
  readonly inert: WeakSet<object>;
}

/** Deep equality of JSON-like values. */
function deepEqual(a: unknown, b: unknown, caches: Caches): boolean {
  const knownEqual = caches.knownEqual;
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (knownEqual.get(a) === b) return true;
  let equal = true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length && equal; i++) equal = deepEqual(a[i], b[i], caches);
  } else {
    if (Array.isArray(b)) return false;
    const x = a as Record<string, unknown>;
    const y = b as Record<string, unknown>;
    let count = 0;
    for (const k in x) {
      if (!(k in y) || !deepEqual(x[k], y[k], caches)) return false;
      count++;
    }
    for (const _ in y) count--;
    equal = count === 0;
  }
  if (equal && Object.isFrozen(a) && Object.isFrozen(b)) knownEqual.set(a, b);
  return equal;
}

/** What a leak scan needs: who holds each card now, who is looking, and the live seed (null once revealed). */
interface LeakContext {
  readonly holder: ReadonlyMap<string, number>;
  readonly viewer: Viewer;
  readonly secret: string | null;
  readonly inert: WeakSet<object>;
}

const CLEAN = 0; // no leak, but holds a card or the seed somewhere (may leak to another viewer)
const INERT = 1; // no card and no seed anywhere inside: can never leak

/**
 * Walks every string in `value` (the whole object, whatever its fields) and returns the first one
 * that is a card held by a seat other than the viewer or equals the live seed; else CLEAN or
 * INERT. Frozen inert subtrees are remembered and skipped.
 */
function scan(value: unknown, ctx: LeakContext): string | typeof CLEAN | typeof INERT {
  if (typeof value === "string") {
    const seat = ctx.holder.get(value);
    if ((seat !== undefined && seat !== ctx.viewer) || value === ctx.secret) return value;
    return ctx.secret !== null && !isCard(value) ? INERT : CLEAN;
  }
  if (value === null || typeof value !== "object" || ctx.inert.has(value)) return INERT;
  let inert = true;
  if (Array.isArray(value)) {
    for (const item of value) {
      const r = scan(item, ctx);
      if (typeof r === "string") return r;
      if (r === CLEAN) inert = false;
    }
  } else {
    const record = value as Record<string, unknown>;
    for (const k in record) {
      const r = scan(record[k], ctx);
      if (typeof r === "string") return r;
      if (r === CLEAN) inert = false;
    }
  }
  if (!inert) return CLEAN;
  if (Object.isFrozen(value)) ctx.inert.add(value);
  return INERT;
}

/** The string in `value` that leaks to `ctx.viewer`, or null. */
function findLeak(value: unknown, ctx: LeakContext): string | null {
  const r = scan(value, ctx);
  return typeof r === "string" ? r : null;
}

/** What a batch of random games checked. */
export interface RandomGameStats {
  games: number;
  events: number;
  /** Events after which the fold of the stored log was compared with the live state. */
  foldChecks: number;
  /** Events after which `fold(events[0..i])` was recomputed from scratch and compared. */
  fullFoldChecks: number;
  illegalChecked: number;
  viewsChecked: number;
  tamperedRejected: number;
}

type Rng = () => number;

const pick = <T>(rng: Rng, items: readonly T[]): T => {
  const item = items[Math.floor(rng() * items.length)];
  if (item === undefined) throw new Error("pick from an empty list");
  return item;
};

/**
 * The rules for bids and cards again, written independently of legal.ts, as the oracle the
 * illegal commands and the engine's `legalBids` / `legalCards` are checked against.
 */
function oracleBids(state: GameState, seat: number): number[] {
  let others = 0;
  state.bids.forEach((bid, s) => {
    if (s !== seat) others += bid ?? 0;
  });
  const bids: number[] = [];
  for (let bid = 0; bid <= state.round; bid++) {
    const hooked = seat === (state.round - 1) % state.config.seats && others + bid === state.round;
    if (!hooked) bids.push(bid);
  }
  return bids;
}

function oracleCards(state: GameState, seat: number): Card[] {
  const hand = state.hands[seat] ?? [];
  const lead = state.currentTrick[0];
  if (lead === undefined) return [...hand];
  const follow = hand.filter((card) => card.charAt(1) === lead.card.charAt(1));
  return follow.length > 0 ? follow : [...hand];
}

/** Illegal commands for `state`, each with the reason code it must be rejected with. */
function illegalCommands(state: GameState, rng: Rng): { command: Command; code: RuleRejectionCode }[] {
  const n = state.config.seats;
  const out: { command: Command; code: RuleRejectionCode }[] = [];
  out.push({ command: { type: "bid", seat: pick(rng, [-1, n, n + 3, 0.5]), bid: 0 }, code: state.phase === "waiting" ? "rules/game_not_started" : "rules/seat_out_of_range" });
  if (state.phase === "waiting") {
    out.push({ command: { type: "play", seat: 0, card: "2C" }, code: "rules/game_not_started" });
    out.push({ command: { type: "timeout", seat: 0 }, code: "rules/game_not_started" });
    out.push({ command: { type: "replace_with_bot", seat: 0, botPlayerId: "x" as PlayerId, botName: "x" }, code: "rules/game_not_started" });
    const taken = state.seats.findIndex((s) => s.occupant !== null);
    if (taken >= 0) {
      const occupant = state.seats[taken]?.occupant;
      out.push({ command: { type: "join", seat: taken, playerId: "intruder" as PlayerId, displayName: "i", isBot: false, clientSeed: "ab".repeat(16) }, code: "rules/seat_taken" });
      const empty = state.seats.findIndex((s) => s.occupant === null);
      if (empty >= 0 && occupant) out.push({ command: { type: "join", seat: empty, ...occupant, clientSeed: "ab".repeat(16) }, code: "rules/already_seated" });
      if (empty >= 0) {
        const clientSeed = pick(rng, ["", "AB".repeat(16), "ab".repeat(15), "ab".repeat(65), "zz".repeat(16)]);
        out.push({ command: { type: "join", seat: empty, playerId: "fresh" as PlayerId, displayName: "f", isBot: false, clientSeed }, code: "rules/invalid_client_seed" });
      }
      if (empty >= 0) out.push({ command: { type: "start" }, code: "rules/not_enough_players" });
    }
    out.push({ command: { type: "join", seat: pick(rng, [-1, n, 99]), playerId: "z" as PlayerId, displayName: "z", isBot: false, clientSeed: "ab".repeat(16) }, code: "rules/seat_out_of_range" });
    return out;
  }
  out.push({ command: { type: "join", seat: 0, playerId: "late" as PlayerId, displayName: "late", isBot: false, clientSeed: "ab".repeat(16) }, code: "rules/game_already_started" });
  out.push({ command: { type: "start" }, code: "rules/game_already_started" });
  const turn = state.turn;
  if (turn === null) return out;
  const other = (turn + 1 + Math.floor(rng() * (n - 1))) % n;
  out.push({ command: { type: "timeout", seat: other }, code: "rules/not_your_turn" });
  if (state.phase === "bidding") {
    out.push({ command: { type: "bid", seat: other, bid: 0 }, code: "rules/not_your_turn" });
    out.push({ command: { type: "bid", seat: turn, bid: pick(rng, [-1, state.round + 1, 11, 0.5, Number.NaN]) }, code: "rules/bid_out_of_range" });
    out.push({ command: { type: "play", seat: turn, card: pick(rng, DECK) }, code: "rules/not_playing_phase" });
    const allowed = oracleBids(state, turn);
    for (let bid = 0; bid <= state.round; bid++) {
      if (!allowed.includes(bid)) out.push({ command: { type: "bid", seat: turn, bid }, code: "rules/hook_violation" });
    }
  } else {
    const hand = state.hands[turn] ?? [];
    out.push({ command: { type: "play", seat: other, card: pick(rng, (state.hands[other] ?? []).length > 0 ? (state.hands[other] ?? DECK) : DECK) }, code: "rules/not_your_turn" });
    out.push({ command: { type: "bid", seat: turn, bid: 0 }, code: "rules/not_bidding_phase" });
    const notHeld = DECK.filter((c) => !hand.includes(c));
    out.push({ command: { type: "play", seat: turn, card: pick(rng, notHeld) }, code: "rules/card_not_in_hand" });
    const legal = oracleCards(state, turn);
    const offSuit = hand.filter((c) => !legal.includes(c));
    if (offSuit.length > 0) out.push({ command: { type: "play", seat: turn, card: pick(rng, offSuit) }, code: "rules/must_follow_suit" });
  }
  return out;
}

/** How many of the illegal commands built for a state are tried (picked at random) before each command. */
const ILLEGAL_PER_COMMAND = 3;

/** Fresh, zeroed stats. */
export function newRandomGameStats(): RandomGameStats {
  return { games: 0, events: 0, foldChecks: 0, fullFoldChecks: 0, illegalChecked: 0, viewsChecked: 0, tamperedRejected: 0 };
}

/** `words` 32-bit draws as lowercase hex (8 chars each): a random client seed. */
function randomHex(next: () => number, words: number): string {
  let out = "";
  for (let i = 0; i < words; i++) out += next().toString(16).padStart(8, "0");
  return out;
}

/** How one random game is played and checked. */
export interface RandomGameInput {
  readonly seats: number;
  readonly sessionSeed: string;
  /** Four 32-bit words seeding the sfc32 generator that picks the moves. */
  readonly moveSeed: readonly number[];
  /** Recompute `fold(events[0..i])` from scratch at every n-th event (1 = every event) and the last. */
  readonly foldFromScratchEvery: number;
}

/** Plays one random game, checking every property at every event; throws on a violation. */
export function playRandomGame(input: RandomGameInput, stats: RandomGameStats): void {
  const { seats, sessionSeed, foldFromScratchEvery } = input;
  const [a = 0, b = 0, c = 0, d = 0] = input.moveSeed;
  const next = sfc32(a, b, c, d);
  const rng = floatSource(next);
  const caches: Caches = { knownEqual: new WeakMap(), inert: new WeakSet() };
  const events: GameEvent[] = [];
  let state: GameState | null = null;
  let replay: GameState | null = null; // the fold of the stored (JSON) log, event by event
  let commands = 0;
  const viewers: Viewer[] = [...Array.from({ length: seats }, (_, s) => s), "spectator"];

  const checkEvent = (event: GameEvent, live: GameState, last: boolean): void => {
    const index = events.length - 1;
    const stored = JSON.parse(JSON.stringify(event)) as GameEvent;
    replay = deepFreeze(evolve(replay, stored));
    check(deepEqual(replay, live, caches), () => `fold of the stored log differs from the live state after event ${index}`);
    stats.foldChecks++;
    if (index % foldFromScratchEvery === 0 || last) {
      check(deepEqual(fold(events), live, caches), () => `fold(events[0..${index}]) differs from the live state`);
      stats.fullFoldChecks++;
    }
    const secretSeed = live.phase === "completed" ? null : live.sessionSeed;
    const holder = new Map<string, number>();
    live.hands.forEach((hand, seat) => {
      for (const card of hand) holder.set(card, seat);
    });
    for (const viewer of viewers) {
      const ctx: LeakContext = { holder, viewer, secret: secretSeed, inert: caches.inert };
      const view = viewFor(live, viewer);
      stats.viewsChecked++;
      const viewLeak = findLeak(view, ctx);
      check(viewLeak === null, () => `event ${index}: the view of ${viewer} shows ${viewLeak} (another seat's card, or the live seed)`);
      check(deepEqual(view.hand, viewer === "spectator" ? null : live.hands[viewer], caches), () => `event ${index}: ${viewer} does not see exactly its own hand`);
      const eventLeak = findLeak(redactEvent(event, viewer), ctx);
      check(eventLeak === null, () => `event ${index} as sent to ${viewer} shows ${eventLeak} (another seat's card, or the live seed)`);
    }
    if (event.type === "round_started") {
      const dealt = [...event.hands.flat(), event.trumpCard];
      check(new Set(dealt).size === dealt.length, () => `round ${event.round}: a card dealt twice`);
      check(event.hands.every((h) => h.length === event.round), () => `round ${event.round}: a hand without ${event.round} cards`);
    }
    if (event.type === "round_scored") {
      check(event.results.reduce((sum, r) => sum + r.tricks, 0) === event.round, () => `round ${event.round}: tricks do not sum to ${event.round}`);
    }
  };

  const submit = (command: Command): void => {
    const current = state;
    if (current === null) throw new Error("no game");
    // `current` is deep-frozen, so a decide that mutated it would throw; on every 20th command a
    // JSON comparison double-checks that the rejected commands changed nothing.
    const before = commands++ % 20 === 0 ? JSON.stringify(current) : null;
    const candidates = shuffle(illegalCommands(current, rng), next).slice(0, ILLEGAL_PER_COMMAND);
    for (const { command: bad, code } of candidates) {
      const decision = decide(current, bad);
      check(!decision.ok, () => `illegal ${JSON.stringify(bad)} accepted`);
      if (!decision.ok) {
        check(decision.rejection.code === code, () => `${JSON.stringify(bad)}: ${decision.rejection.code}, expected ${code}`);
        check(RULE_REJECTIONS.includes(decision.rejection.code) && decision.rejection.message !== "", "a rejection without a known code or a reason");
      }
      stats.illegalChecked++;
    }
    check(before === null || JSON.stringify(current) === before, "a rejected command changed the state");
    const decision = decide(current, command);
    if (!decision.ok) throw new Error(`legal ${JSON.stringify(command)} rejected: ${decision.rejection.code}`);
    decision.events.forEach((event) => {
      state = deepFreeze(evolve(state, event));
      events.push(event);
      checkEvent(event, state, event.type === "game_completed");
    });
  };

  const created = createGame({ gameId: `prop-${seats}` as GameId, config: { seats, turnSeconds: 30 }, sessionSeed });
  state = deepFreeze(evolve(null, created));
  events.push(created);
  checkEvent(created, state, false);

  // Seats fill in a random order; some leave and come back before the start.
  for (const seat of shuffle(Array.from({ length: seats }, (_, s) => s), next)) {
    const player = { playerId: `player-${seat}` as PlayerId, displayName: `P${seat}`, isBot: rng() < 0.3 };
    submit({ type: "join", seat, ...player, clientSeed: player.isBot ? null : randomHex(next, 4 + Math.floor(rng() * 13)) });
    if (rng() < 0.2) {
      submit({ type: "leave", seat, reason: "left" });
      submit({ type: "join", seat, ...player, clientSeed: rng() < 0.5 ? null : randomHex(next, 4) });
    }
  }
  submit({ type: "start" });

  let bots = 0;
  for (let steps = 0; ; steps++) {
    const s: GameState | null = state;
    if (s === null || s.phase === "completed") break;
    check(steps < 5000, "the game does not end");
    const turn = s.turn;
    if (turn === null) throw new Error("a live game with no turn");
    const roll = rng();
    if (roll < 0.01) {
      const present = s.seats.flatMap((seat, i) => (seat.away ? [] : [i]));
      if (present.length > 0) {
        submit({ type: "leave", seat: pick(rng, present), reason: "disconnected" });
        continue;
      }
    } else if (roll < 0.02) {
      const away = s.seats.flatMap((seat, i) => (seat.away ? [i] : []));
      if (away.length > 0) {
        submit({ type: "replace_with_bot", seat: pick(rng, away), botPlayerId: `bot-${bots}` as PlayerId, botName: `Bot ${bots}` });
        bots++;
        continue;
      }
    }
    // The engine's legal moves match the oracle's.
    const bids = legalBids(s, turn);
    const cards = legalCards(s, turn);
    if (s.phase === "bidding") check(deepEqual(bids, oracleBids(s, turn), caches) && cards.length === 0, () => `legal bids ${JSON.stringify(bids)} differ from the rules`);
    else check(deepEqual([...cards].sort(), oracleCards(s, turn).sort(), caches) && bids.length === 0, () => `legal cards ${JSON.stringify(cards)} differ from the rules`);
    if (s.seats[turn]?.away === true || rng() < 0.1) submit({ type: "timeout", seat: turn });
    else if (s.phase === "bidding") submit({ type: "bid", seat: turn, bid: pick(rng, bids) });
    else submit({ type: "play", seat: turn, card: pick(rng, cards) });
  }

  // Every game ends after round 10.
  const final: GameState | null = state;
  check(final !== null && final.phase === "completed" && final.round === 10 && final.roundResults.length === 10, "the game did not end after round 10");
  check(events.filter((e) => e.type === "round_started").length === 10, "not 10 rounds dealt");
  check(events[events.length - 1]?.type === "game_completed", "the log does not end with game_completed");
  stats.games++;
  stats.events += events.length;

  // verifyGame accepts the honest log and rejects it with one card of one deal changed.
  const verdict = verifyGame(events);
  check(verdict.ok, () => `verifyGame rejected an honest log: ${JSON.stringify(verdict)}`);
  const deals = events.flatMap((e, i) => (e.type === "round_started" ? [i] : []));
  const at = pick(rng, deals);
  const deal = events[at];
  if (deal?.type !== "round_started") throw new Error("expected round_started");
  const seat = Math.floor(rng() * seats);
  const position = Math.floor(rng() * deal.round);
  const original = deal.hands[seat]?.[position];
  const replacement = pick(rng, DECK.filter((card) => card !== original));
  const hands = deal.hands.map((hand, s) => (s === seat ? hand.map((card, p) => (p === position ? replacement : card)) : hand));
  const tampered = events.slice();
  tampered[at] = { ...deal, hands };
  check(!verifyGame(tampered).ok, () => `verifyGame accepted ${original} changed to ${replacement} in round ${deal.round}, seat ${seat}`);
  stats.tamperedRejected++;
}
