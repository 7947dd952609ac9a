/**
 * "Play again" (docs/PROTOCOL.md, `play_again`): when a game is over, any seated player may ask
 * for the next table. The first request opens it, once per table, with the same seats and turn
 * time, a bot for every seat a bot held at the end (the server's own bots, which join by
 * themselves) and a fresh invitation: the next table is private, so nobody else takes the
 * humans' seats before they arrive. Every later request gets the same table. The room then tells
 * each seated player the new room id and invitation (`play_again`), and their clients join it.
 *
 * What the next table is is a pure decision ({@link nextTableOptions}); opening it is the
 * matchmaker's `handleCreateRoom` on this process, passed in. Options the server alone may give
 * a new table (its invitation) are guarded by the restore key ({@link playAgainOptionsSchema}),
 * which is per process: hence this process.
 */
import { z } from "zod";
import type { GameState } from "../../src/game/types.js";
import type { PlayAgainMessage, ReasonCode, TableCreateOptions } from "../../src/shared/protocol.js";
import { newInviteCode } from "../privateAccess.js";

/**
 * How long a next table waits for its players: until then no refused join (a stranger without
 * the invitation) closes it while it is empty; if no human has sat down by then, it closes.
 */
export const PLAY_AGAIN_WAIT_MS = 60_000;

/** After the wait: close the table (no human came), let it close when empty (as any table), or leave it be (started). */
export function afterPlayAgainWait(game: GameState): "close" | "auto_dispose" | "keep" {
  if (!game.seats.some((s) => s.occupant !== null && !s.occupant.isBot)) return "close";
  return game.phase === "waiting" ? "auto_dispose" : "keep";
}

/** What a next table's room lends {@link waitForPlayers}. */
export interface WaitingRoom {
  setTimeout(callback: () => void, ms: number): void;
  game(): GameState;
  setAutoDispose(on: boolean): void;
  close(): void;
}

/** A next table, opened by the server, waits {@link PLAY_AGAIN_WAIT_MS} for its players. */
export function waitForPlayers(room: WaitingRoom): void {
  room.setAutoDispose(false);
  room.setTimeout(() => {
    const next = afterPlayAgainWait(room.game());
    if (next === "close") room.close();
    else if (next === "auto_dispose") room.setAutoDispose(true);
  }, PLAY_AGAIN_WAIT_MS);
}

/** The server-only part of a next table's create options: its invitation, under the restore key. */
export const playAgainOptionsSchema = z.object({ playAgain: z.object({ key: z.string().min(16), invite: z.string().min(16).max(64) }) });

/** Create options of the next table (the public ones and the server-only `playAgain`). */
export type NextTableOptions = TableCreateOptions & z.infer<typeof playAgainOptionsSchema>;

/** The next table after `game`: same seats and turn time, as many bots as ended it, private. */
export function nextTableOptions(game: GameState, restoreKey: string, reconnectSeconds: number, invite: string = newInviteCode()): NextTableOptions {
  const bots = game.seats.filter((s) => s.occupant?.isBot === true).length;
  return {
    seats: game.config.seats,
    turnSeconds: game.config.turnSeconds,
    isPublic: false,
    bots,
    reconnectSeconds,
    playAgain: { key: restoreKey, invite },
  };
}

/** What a `play_again` request comes to. */
export type PlayAgainOutcome = { readonly ok: true; readonly next: PlayAgainMessage } | { readonly ok: false; readonly code: ReasonCode; readonly message: string };

/** Opens a table on this process and says its room id (the matchmaker's `handleCreateRoom`). */
export type OpenTable = (options: NextTableOptions) => Promise<{ readonly roomId: string }>;

/** The next table of one finished table: opened once, on the first request. */
export class PlayAgain {
  private next: Promise<PlayAgainMessage> | null = null;

  constructor(
    private readonly open: OpenTable,
    private readonly restoreKey: string,
  ) {}

  /**
   * The next table of `game`, opened now if it is the first request, and told to the seated
   * players (`tell`). A failed opening rejects, and may be asked again.
   */
  async request(game: GameState, reconnectSeconds: number, tell: (next: PlayAgainMessage) => void = () => undefined): Promise<PlayAgainOutcome> {
    if (game.phase !== "completed") return { ok: false, code: "table/game_not_over", message: "play again once the game is over" };
    if (this.next === null) {
      const options = nextTableOptions(game, this.restoreKey, reconnectSeconds);
      this.next = this.open(options).then(
        ({ roomId }) => ({ roomId, invite: options.playAgain.invite, bots: options.bots ?? 0 }),
        (err: unknown) => {
          this.next = null;
          throw err;
        },
      );
    }
    const next = await this.next;
    tell(next);
    return { ok: true, next };
  }
}
