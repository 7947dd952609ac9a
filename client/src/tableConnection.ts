/**
 * One live connection to a `table` room, wrapped so that nothing the server sends is missed
 * between joining (in the lobby) and drawing (on the table page): every handler is attached the
 * moment the room is joined. It turns the room's state into a `TableModel`, keeps the move in
 * flight, the last rejection, server notices and a short log of what happened, and tracks the
 * connection (the SDK reconnects by itself after a drop).
 */
import * as z from "zod/mini";
import type { Card } from "../../src/game/types.js";
import { errorText, leaveOutcome } from "./connectionText.js";
import { achievementNotice } from "./seasonText.js";
import { EMOTE_IDS, type EmoteId } from "./protocolConstants.js";
import { cardLabel, isCard } from "./cards.js";
import { modelFromRoomState, type TableModel } from "./model.js";
import { forget, remember, type AnyRoom } from "./net.js";
import { reasonText } from "./reasons.js";

export type ConnectionState = "connected" | "reconnecting" | "disconnected";

const welcomeSchema = z.object({
  gameId: z.string(),
  role: z.enum(["player", "spectator"]),
  seat: z.nullable(z.int()),
  playerId: z.nullable(z.string()),
  eventCount: z.int(),
  /** A private table's invitation, sent to its seated players (docs/PROTOCOL.md). */
  invite: z.optional(z.nullable(z.string())),
  /** A table the ranked queue opened (docs/PROTOCOL.md, "The ranked room"). */
  ranked: z.optional(z.boolean()),
});

const resultSchema = z.union([
  z.object({ ok: z.literal(true), type: z.string(), id: z.optional(z.union([z.string(), z.number()])) }),
  z.object({
    ok: z.literal(false),
    type: z.string(),
    id: z.optional(z.union([z.string(), z.number()])),
    code: z.string(),
    message: z.string(),
  }),
]);

const noticeSchema = z.object({ code: z.string(), message: z.string() });
const achievementSchema = z.object({
  achievementId: z.string(),
  name: z.string(),
  rewardCoins: z.number(),
  rewardItemName: z.optional(z.nullable(z.string())),
  rewardQuantity: z.optional(z.number()),
});

/** `play_again`: the next table of the same humans and bots (docs/PROTOCOL.md). */
const playAgainSchema = z.object({ roomId: z.string(), invite: z.string(), bots: z.int() });

/** Where the table's players go next, once one of them asked to play again. */
export interface NextTable {
  readonly roomId: string;
  readonly invite: string;
}

const emoteSchema = z.object({ seat: z.int(), emote: z.enum(EMOTE_IDS), at: z.number() });

/** One quick-chat phrase said at the table, as the page shows it. */
export interface ShownEmote {
  readonly seat: number;
  readonly emote: EmoteId;
  /** Local receive time, ms. */
  readonly at: number;
}

/** How long an emote stays on screen. */
export const EMOTE_VISIBLE_MS = 6_000;

/**
 * How often the SDK retries a dropped table connection by itself: 4 tries, 0.2, 0.4, 0.8 and
 * 1.6 s apart (its backoff), about 3 s in all. Its retries go to the address the connection
 * used, so they only help while the room's process lives (a network blip); then the table page
 * rejoins by itself through the server's address (pages/table.ts), which also finds a table
 * another process adopted after its own died (docs/PROTOCOL.md, Node loss). The SDK's default,
 * 15 tries up to 5 s apart, kept a page whose process had died trying the dead address for
 * about 56 s before the page could rejoin (test/browser/nodeLoss.test.ts, direct addresses).
 */
export const SDK_RECONNECT_TRIES = 4;

const card = z.custom<Card>(isCard);
/** The events the log line shows; other types are recognised only by `type`. */
const eventSchema = z.object({
  index: z.int(),
  event: z.discriminatedUnion("type", [
    z.object({ type: z.literal("bid_placed"), seat: z.int(), bid: z.int(), auto: z.boolean() }),
    z.object({ type: z.literal("card_played"), seat: z.int(), card, auto: z.boolean() }),
    z.object({ type: z.literal("trick_won"), seat: z.int(), trick: z.int() }),
    z.object({ type: z.literal("round_started"), round: z.int(), trumpCard: card }),
    z.object({ type: z.literal("round_scored"), round: z.int() }),
    z.object({ type: z.literal("seat_taken_by_bot"), seat: z.int(), botName: z.string() }),
    z.object({ type: z.literal("player_joined"), seat: z.int(), displayName: z.string() }),
    z.object({ type: z.literal("player_left"), seat: z.int() }),
    z.object({ type: z.literal("game_started") }),
    z.object({ type: z.literal("game_completed") }),
    z.object({ type: z.literal("game_created") }),
  ]),
});

export interface Snapshot {
  readonly roomId: string;
  readonly model: TableModel | null;
  readonly mySeat: number | null;
  readonly role: "player" | "spectator" | null;
  readonly connection: ConnectionState;
  /** Words for the last refused move, cleared by the next accepted one. */
  readonly rejection: string | null;
  readonly notice: string | null;
  readonly pending: boolean;
  /** The whole table log since joining (from the current round's start for a late joiner). */
  readonly log: readonly string[];
  /** The current round's tricks, in order. */
  readonly tricks: readonly TrickRecord[];
  /** Why the connection ended, when it did. */
  readonly closedReason: string | null;
  /**
   * True when the connection ended in a way a fresh join can mend (the server restarted, or the
   * SDK's own reconnection gave up): the page then rejoins by itself.
   */
  readonly autoRejoin: boolean;
  /** Quick-chat phrases of the last few seconds, oldest first. */
  readonly emotes: readonly ShownEmote[];
  /** A private table's invitation (seated players only), to pass on in the share link. */
  readonly invite: string | null;
  /** A ranked table (its welcome said so). */
  readonly ranked: boolean;
  /** The next table, once a player asked to play again. */
  readonly nextTable: NextTable | null;
}

const historySchema = z.object({ events: z.array(z.unknown()) });

type LoggedEvent = z.infer<typeof eventSchema>["event"];

/** One trick of the current round, as the trick history shows it. */
export interface TrickRecord {
  readonly plays: readonly { readonly seat: number; readonly card: Card }[];
  /** The winner, once the trick is complete. */
  readonly winner: number | null;
}
/** A move whose answer never comes back stops blocking the controls after this long. */
const PENDING_TIMEOUT_MS = 5000;

export class TableConnection {
  readonly room: AnyRoom;
  private model: TableModel | null = null;
  private mySeat: number | null;
  private role: "player" | "spectator" | null;
  private connection: ConnectionState = "connected";
  private rejection: string | null = null;
  private notice: string | null = null;
  private pendingId: number | null = null;
  private pendingTimer: ReturnType<typeof setTimeout> | null = null;
  private nextId = 1;
  /** Every event seen (history and live), by log index. */
  private readonly events = new Map<number, LoggedEvent>();
  private closedReason: string | null = null;
  private autoRejoin = false;
  /** A connection error in words, shown until the connection is back. */
  private connectionError: string | null = null;
  /** The last state that could not be read (a protocol mismatch), cleared by the next good one. */
  private stateError: string | null = null;
  private emotes: ShownEmote[] = [];
  private invite: string | null = null;
  private ranked = false;
  private nextTable: NextTable | null = null;
  private readonly listeners = new Set<(s: Snapshot) => void>();
  private readonly stateListener: (state: unknown) => void;

  constructor(room: AnyRoom, known: { seat: number | null; spectator: boolean } | null = null) {
    this.room = room;
    this.mySeat = known?.seat ?? null;
    this.role = known === null ? null : known.spectator ? "spectator" : known.seat !== null ? "player" : null;
    // Reconnect from the first second of a game: the SDK's default refuses to retry a room
    // joined less than 5 s ago, and says so in its own words.
    room.reconnection.minUptime = 0;
    room.reconnection.maxRetries = SDK_RECONNECT_TRIES;
    this.saveToken();

    room.onMessage("welcome", (payload: unknown) => {
      const w = welcomeSchema.safeParse(payload);
      if (!w.success) return;
      this.mySeat = w.data.seat;
      this.role = w.data.role;
      this.invite = w.data.invite ?? null;
      this.ranked = w.data.ranked ?? false;
      this.saveToken();
      this.emit();
    });
    room.onMessage("result", (payload: unknown) => {
      const r = resultSchema.safeParse(payload);
      if (!r.success) return;
      if (r.data.id === this.pendingId) this.clearPending();
      this.rejection = r.data.ok ? null : reasonText(r.data.code, r.data.message);
      this.emit();
    });
    room.onMessage("notice", (payload: unknown) => {
      const n = noticeSchema.safeParse(payload);
      if (n.success) this.notice = n.data.message;
      this.emit();
    });
    room.onMessage("play_again", (payload: unknown) => {
      const p = playAgainSchema.safeParse(payload);
      if (!p.success) return;
      this.nextTable = { roomId: p.data.roomId, invite: p.data.invite };
      this.emit();
    });
    // An achievement this game unlocked for us (docs/PROTOCOL.md): shown as the table's notice.
    room.onMessage("achievement", (payload: unknown) => {
      const a = achievementSchema.safeParse(payload);
      if (!a.success) return;
      this.notice = achievementNotice(a.data);
      this.emit();
    });
    room.onMessage("emote", (payload: unknown) => {
      const e = emoteSchema.safeParse(payload);
      if (!e.success) return;
      const now = Date.now();
      this.emotes = [...this.emotes.filter((x) => now - x.at < EMOTE_VISIBLE_MS), { seat: e.data.seat, emote: e.data.emote, at: now }].slice(-5);
      this.emit();
    });
    room.onMessage("event", (payload: unknown) => {
      const e = eventSchema.safeParse(payload);
      if (!e.success) return;
      this.events.set(e.data.index, e.data.event);
    });
    // On joining or coming back mid-game: the current round so far (indexes dedupe the overlap
    // with `event` messages that crossed it).
    room.onMessage("history", (payload: unknown) => {
      const hist = historySchema.safeParse(payload);
      if (!hist.success) return;
      for (const item of hist.data.events) {
        const e = eventSchema.safeParse(item);
        if (e.success) this.events.set(e.data.index, e.data.event);
      }
      this.emit();
    });
    this.stateListener = (state: unknown) => {
      let m = modelFromRoomState(state, this.mySeat);
      if (!m.ok) {
        if (m.error !== null) {
          this.stateError = m.error;
          this.emit();
        }
        return;
      }
      this.stateError = null;
      // A reload that found its seat again may not get a new welcome: the only hand a seat
      // can see is its own, so that is our seat.
      const [onlySeat] = m.model.hands.keys();
      if (this.mySeat === null && this.role !== "spectator" && m.model.hands.size === 1 && onlySeat !== undefined) {
        this.mySeat = onlySeat;
        this.role = "player";
        this.saveToken();
        m = modelFromRoomState(state, onlySeat);
        if (!m.ok) return;
      }
      this.model = m.model;
      if (this.pendingId !== null && this.model.turn !== this.mySeat) this.clearPending();
      this.emit();
    };
    room.onStateChange(this.stateListener);
    room.onDrop(() => {
      this.connection = "reconnecting";
      this.emit();
    });
    room.onReconnect(() => {
      this.connection = "connected";
      this.closedReason = null;
      this.connectionError = null;
      this.saveToken();
      this.emit();
    });
    room.onLeave((code: number) => {
      this.connection = "disconnected";
      this.clearPending();
      const outcome = leaveOutcome(code);
      this.closedReason = outcome.text;
      this.autoRejoin = outcome.autoRejoin;
      this.emit();
    });
    room.onError((code: unknown, message?: unknown) => {
      this.connectionError = errorText(code, message);
      this.emit();
    });
    // The first full state may already be there.
    if (room.state !== undefined && room.state !== null) this.stateListener(room.state);
  }

  private saveToken(): void {
    if (this.room.reconnectionToken) remember(this.room.roomId, { token: this.room.reconnectionToken, seat: this.mySeat });
  }

  private seatName(seat: number): string {
    const s = this.model?.seats[seat];
    return s?.occupied && s.displayName ? s.displayName : `Seat ${seat + 1}`;
  }

  private describe(e: LoggedEvent): string | null {
    switch (e.type) {
      case "bid_placed":
        return `${this.seatName(e.seat)} bid ${e.bid}${e.auto ? " (timed out)" : ""}`;
      case "card_played":
        return `${this.seatName(e.seat)} played ${cardLabel(e.card)}${e.auto ? " (timed out)" : ""}`;
      case "trick_won":
        return `${this.seatName(e.seat)} won trick ${e.trick}`;
      case "round_started":
        return `Round ${e.round} dealt; trump ${cardLabel(e.trumpCard)}`;
      case "round_scored":
        return `Round ${e.round} scored`;
      case "seat_taken_by_bot":
        return `${e.botName} (bot) took over seat ${e.seat + 1}`;
      case "player_joined":
        return `${e.displayName} sat down`;
      case "player_left":
        return `${this.seatName(e.seat)} left`;
      case "game_started":
        return "The game started";
      case "game_completed":
        return "The game is over";
      case "game_created":
        return null;
      default: {
        const never: never = e;
        return String(never);
      }
    }
  }

  private ordered(): [number, LoggedEvent][] {
    return [...this.events.entries()].sort((a, b) => a[0] - b[0]);
  }

  private logLines(): string[] {
    return this.ordered()
      .map(([, e]) => this.describe(e))
      .filter((l): l is string => l !== null);
  }

  private roundTricks(): TrickRecord[] {
    const tricks: { plays: { seat: number; card: Card }[]; winner: number | null }[] = [];
    for (const [, e] of this.ordered()) {
      if (e.type === "round_started") tricks.length = 0;
      else if (e.type === "card_played") {
        let current = tricks[tricks.length - 1];
        if (current === undefined || current.winner !== null) {
          current = { plays: [], winner: null };
          tricks.push(current);
        }
        current.plays.push({ seat: e.seat, card: e.card });
      } else if (e.type === "trick_won") {
        const current = tricks[tricks.length - 1];
        if (current !== undefined) current.winner = e.seat;
      }
    }
    return tricks;
  }

  snapshot(): Snapshot {
    return {
      roomId: this.room.roomId,
      model: this.model,
      mySeat: this.mySeat,
      role: this.role,
      connection: this.connection,
      rejection: this.rejection,
      notice: this.stateError ?? this.connectionError ?? this.notice,
      pending: this.pendingId !== null,
      log: this.logLines(),
      tricks: this.roundTricks(),
      closedReason: this.closedReason,
      autoRejoin: this.autoRejoin,
      emotes: this.emotes,
      invite: this.invite,
      ranked: this.ranked,
      nextTable: this.nextTable,
    };
  }

  subscribe(fn: (s: Snapshot) => void): () => void {
    this.listeners.add(fn);
    fn(this.snapshot());
    return () => this.listeners.delete(fn);
  }

  private emit(): void {
    const s = this.snapshot();
    for (const l of this.listeners) l(s);
  }

  private clearPending(): void {
    this.pendingId = null;
    if (this.pendingTimer !== null) clearTimeout(this.pendingTimer);
    this.pendingTimer = null;
  }

  private send(type: "bid" | "play" | "start" | "add_bot" | "emote" | "play_again", payload: Record<string, unknown>, blocking: boolean): void {
    const id = this.nextId++;
    if (blocking) {
      this.clearPending();
      this.pendingId = id;
      this.pendingTimer = setTimeout(() => {
        this.clearPending();
        this.emit();
      }, PENDING_TIMEOUT_MS);
    }
    this.rejection = null;
    this.room.send(type, { ...payload, id });
    this.emit();
  }

  bid(bid: number): void {
    this.send("bid", { bid }, true);
  }
  play(c: Card): void {
    this.send("play", { card: c }, true);
  }
  start(): void {
    this.send("start", {}, false);
  }
  addBot(): void {
    this.send("add_bot", {}, false);
  }
  emote(id: EmoteId): void {
    this.send("emote", { emote: id }, false);
  }
  /** Asks for the next table of the same humans and bots (answered by `play_again`). */
  playAgain(): void {
    this.send("play_again", {}, false);
  }

  /** Leaves on purpose (the seat is given up) and forgets the reconnection token. */
  async leave(): Promise<void> {
    forget(this.room.roomId);
    this.listeners.clear();
    this.clearPending();
    if (this.connection !== "disconnected") await this.room.leave(true);
  }

  /** Stops drawing without leaving (the page is going away; the server keeps the seat). */
  detach(): void {
    this.listeners.clear();
  }
}

/** A connection made on one page (the lobby) and picked up by the next (the table), in memory. */
let handoff: TableConnection | null = null;
export function handOver(conn: TableConnection): void {
  handoff = conn;
}
export function takeHandoff(roomId: string): TableConnection | null {
  const c = handoff;
  handoff = null;
  if (c !== null && c.room.roomId === roomId) return c;
  if (c !== null) void c.leave();
  return null;
}
