/**
 * A bot is an ordinary client: it joins a `table` through the Colyseus SDK over a real WebSocket
 * with its own access token, rebuilds its `GameView` from the state it receives (the same view
 * a person in that seat has), and asks a pure policy for its move.
 */
import { Client, type Room } from "@colyseus/sdk";
import { z } from "zod";
import type { Command, SeatPolicy } from "../game/index.js";
import { ROOM_NAMES, type TableCreateOptions, type TableJoinOptions } from "../shared/protocol.js";
import { tableStateToView } from "../shared/view.js";
import { TableState } from "../shared/schema/TableState.js";

/** The SDK's shape of a `table` room: its state is a decoded {@link TableState}. */
export interface TableRoomLike {
  state: TableState;
  onJoin?: (client: unknown, options?: TableJoinOptions & TableCreateOptions) => unknown;
}

/** A refused move is tried again after this long when no new state came meanwhile. */
export const BOT_RETRY_AFTER_REFUSAL_MS = 500;

/** Where the bot sits down. */
export type BotTarget =
  /** `invite`: a private table's invitation (a seated player's `welcome.invite`, docs/PROTOCOL.md). */
  | { readonly kind: "join"; readonly roomId: string; readonly seat: number | null; readonly invite?: string }
  | { readonly kind: "create"; readonly options: TableCreateOptions }
  | { readonly kind: "joinOrCreate"; readonly options: TableCreateOptions };

/** One move's round trip: sent, then seen in the bot's own state. */
export interface MoveSample {
  readonly type: "bid" | "play";
  readonly roundTripMs: number;
}

/** Options of {@link startBotClient}. */
export interface BotClientOptions {
  /** Server endpoint, e.g. `ws://127.0.0.1:2567` (http:// works too). */
  readonly endpoint: string;
  readonly token: string;
  readonly target: BotTarget;
  readonly policy: SeatPolicy;
  /** Delay before each move, ms (default 0), or a function drawing one per move (a "think time"). */
  readonly moveDelayMs?: number | (() => number);
  /** Delay before each move while a person sits at the table (src/bots/pacing.ts); default `moveDelayMs`. */
  readonly humanMoveDelayMs?: () => number;
  readonly onMove?: (sample: MoveSample) => void;
  readonly onError?: (error: unknown) => void;
  /** Every `event` message the bot receives (index and redacted event), in order. */
  readonly onEvent?: (message: unknown) => void;
  /** Every `achievement` message (an unlock of this player's, after the game completed). */
  readonly onAchievement?: (message: unknown) => void;
  /** Let the SDK reconnect after a dropped connection (default true). */
  readonly reconnect?: boolean;
  /**
   * The seat's client seed (fairness v2, docs/PROTOCOL.md join options): 32..128 lowercase hex
   * chars. Default none: the server derives the seat's seed from its committed seed.
   */
  readonly clientSeed?: string;
}

/** How a bot's game ended. */
export interface BotOutcome {
  readonly roomId: string;
  readonly gameId: string;
  readonly seat: number | null;
  readonly completed: boolean;
  readonly finalScores: readonly number[];
  readonly winners: readonly number[];
  readonly moves: number;
  readonly rejections: number;
  /** Close code when the connection ended before the game did. */
  readonly closeCode: number | null;
}

/** A running bot. */
export interface BotHandle {
  readonly room: Room<TableRoomLike, TableState>;
  readonly done: Promise<BotOutcome>;
  /** The table's invitation once the bot is seated (`welcome.invite`): a string at a private table, else null. */
  readonly invite: Promise<string | null>;
  /** Leaves the table (the seat stays until the server's reconnection window runs out). */
  leave(): Promise<void>;
}

const sessionSchema = z.object({ data: z.object({ accessToken: z.string(), playerId: z.string() }) });

/** A refused guest login; `retryAfterSeconds` is the server's `Retry-After` (429), if it sent one. */
export class GuestLoginError extends Error {
  constructor(
    readonly status: number,
    readonly retryAfterSeconds: number | null,
    body: string,
  ) {
    super(`guest login failed: HTTP ${status} ${body}`);
    this.name = "GuestLoginError";
  }
}

/**
 * A guest session from the REST API (`POST /api/auth/guest`): how bots and load clients get
 * tokens. `unranked` makes it a test client's guest, never on the ladder (docs/LADDER.md, L8).
 */
export async function guestLogin(httpUrl: string, displayName: string, options: { readonly unranked?: boolean } = {}): Promise<{ token: string; playerId: string }> {
  const response = await fetch(new URL("/api/auth/guest", httpUrl), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ displayName, unranked: options.unranked ?? false }),
  });
  if (!response.ok) {
    const retryAfter = Number(response.headers.get("retry-after") ?? Number.NaN);
    throw new GuestLoginError(response.status, Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : null, await response.text());
  }
  const session = sessionSchema.parse(await response.json());
  return { token: session.data.accessToken, playerId: session.data.playerId };
}

/** The HTTP base of a ws:// or http:// endpoint. */
export function httpBaseOf(endpoint: string): string {
  const url = new URL(endpoint);
  url.protocol = url.protocol === "wss:" || url.protocol === "https:" ? "https:" : "http:";
  return url.origin;
}

const welcomeSchema = z.object({ seat: z.number().int().nullable(), gameId: z.string(), invite: z.string().nullable().optional() });
const resultSchema = z.object({ ok: z.boolean(), type: z.string() });

/** Connects a bot and plays until the game completes or the connection closes. */
export async function startBotClient(options: BotClientOptions): Promise<BotHandle> {
  const client = new Client(options.endpoint);
  client.http.authToken = options.token;
  const room = await joinTarget(client, options.target, options.clientSeed === undefined ? {} : { clientSeed: options.clientSeed });
  if (options.reconnect === false) room.reconnection.enabled = false;

  let seat: number | null = null;
  let gameId = "";
  let moves = 0;
  let rejections = 0;
  /** The event count at which a move was sent, so each turn gets at most one move. */
  let pendingAt = -1;
  let sentAt = 0;
  let sentType: "bid" | "play" = "bid";
  let finished = false;
  let closed = false;
  let resolveDone: (outcome: BotOutcome) => void = () => undefined;
  let resolveInvite: (invite: string | null) => void = () => undefined;
  const invite = new Promise<string | null>((resolve) => {
    resolveInvite = resolve;
  });
  const done = new Promise<BotOutcome>((resolve) => {
    resolveDone = resolve;
  });

  const outcome = (completed: boolean, closeCode: number | null): BotOutcome => {
    const view = tableStateToView(room.state, seat ?? "spectator");
    return {
      roomId: room.roomId,
      gameId,
      seat,
      completed,
      finalScores: view.seats.map((s) => s.score),
      winners: view.winners,
      moves,
      rejections,
      closeCode,
    };
  };

  const finish = (completed: boolean, closeCode: number | null): void => {
    if (finished) return;
    finished = true;
    resolveDone(outcome(completed, closeCode));
  };

  const send = (command: Command): void => {
    switch (command.type) {
      case "bid":
        room.send("bid", { bid: command.bid });
        sentType = "bid";
        break;
      case "play":
        room.send("play", { card: command.card });
        sentType = "play";
        break;
      case "join":
      case "leave":
      case "replace_with_bot":
      case "start":
      case "timeout":
        return;
      default: {
        const never: never = command;
        throw new Error(`unexpected command ${JSON.stringify(never)}`);
      }
    }
    moves += 1;
    sentAt = performance.now();
  };

  const think = (): void => {
    if (finished || seat === null) return;
    const state = room.state;
    if (sentAt !== 0 && state.eventCount > pendingAt) {
      options.onMove?.({ type: sentType, roundTripMs: performance.now() - sentAt });
      sentAt = 0;
    }
    if (state.phase === "completed") {
      finish(true, null);
      if (!closed) {
        closed = true;
        void room.leave(true).catch(() => undefined);
      }
      return;
    }
    if (state.turn !== seat || pendingAt === state.eventCount) return;
    const view = tableStateToView(state, seat);
    const command = options.policy(view);
    if (command === null) return;
    pendingAt = state.eventCount;
    const withPeople = view.seats.some((s) => s.occupant !== null && !s.occupant.isBot);
    const delay =
      withPeople && options.humanMoveDelayMs !== undefined
        ? options.humanMoveDelayMs()
        : typeof options.moveDelayMs === "function"
          ? options.moveDelayMs()
          : (options.moveDelayMs ?? 0);
    if (delay > 0) setTimeout(() => !finished && send(command), delay);
    else send(command);
  };

  room.onMessage("welcome", (raw: unknown) => {
    const welcome = welcomeSchema.safeParse(raw);
    if (welcome.success) {
      resolveInvite(welcome.data.invite ?? null);
      seat = welcome.data.seat;
      gameId = welcome.data.gameId;
      think();
    }
  });
  room.onMessage("result", (raw: unknown) => {
    const result = resultSchema.safeParse(raw);
    if (result.success && !result.data.ok) {
      rejections += 1;
      pendingAt = -1; // try again on the next state, or after a pause when none comes
      sentAt = 0;
      // A refusal changed nothing (storage down, shutting down, rate limited): no new state may
      // come, so the bot tries its turn again by itself (issue 19, item 2).
      setTimeout(() => {
        try {
          think();
        } catch (err) {
          options.onError?.(err);
        }
      }, BOT_RETRY_AFTER_REFUSAL_MS);
    }
  });
  room.onMessage("event", (raw: unknown) => options.onEvent?.(raw));
  room.onMessage("notice", () => undefined);
  // Quick chat and the round history on joining are for people; a bot reads the state.
  room.onMessage("emote", () => undefined);
  room.onMessage("history", () => undefined);
  room.onMessage("achievement", (raw: unknown) => options.onAchievement?.(raw));
  room.onStateChange(() => {
    try {
      think();
    } catch (err) {
      options.onError?.(err);
    }
  });
  room.onLeave((code: number) => {
    closed = true;
    finish(room.state.phase === "completed", code);
  });
  room.onError((code: number, message?: string) => options.onError?.(new Error(`room error ${code}: ${message ?? ""}`)));

  return {
    room,
    done,
    invite,
    async leave() {
      if (!finished) finish(false, null);
      if (closed) return;
      closed = true;
      // Never wait forever on a socket that is already going away.
      await Promise.race([room.leave(true).catch(() => undefined), new Promise((r) => setTimeout(r, 2_000))]);
    },
  };
}

function joinTarget(client: Client, target: BotTarget, seed: TableJoinOptions): Promise<Room<TableRoomLike, TableState>> {
  switch (target.kind) {
    case "join":
      return client.joinById<TableRoomLike>(
        target.roomId,
        { ...seed, ...(target.seat === null ? {} : { seat: target.seat }), ...(target.invite === undefined ? {} : { invite: target.invite }) },
        TableState,
      );
    case "create":
      return client.create<TableRoomLike>(ROOM_NAMES.table, { ...target.options, ...seed }, TableState);
    case "joinOrCreate":
      return client.joinOrCreate<TableRoomLike>(ROOM_NAMES.table, { ...target.options, ...seed }, TableState);
    default: {
      const never: never = target;
      throw new Error(`unknown target ${JSON.stringify(never)}`);
    }
  }
}
