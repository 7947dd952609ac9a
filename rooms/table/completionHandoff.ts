/**
 * Hands a finished game to the completion pipeline once. Keyed on the game id there too, so a
 * retry (a restored table whose transaction had not run) applies nothing twice.
 */
import type { GameState } from "../../src/game/types.js";
import type { Logger } from "../../src/platform/logger.js";
import type { Engine, RoomDeps } from "../ports.js";

/** The completion hand-off of one table. */
export class CompletionHandoff {
  private done = false;

  constructor(
    private readonly deps: { readonly engine: Pick<Engine, "summarize" | "lifetimeDeltas">; readonly completion: RoomDeps["completion"]; readonly now: () => Date },
    private readonly log: Logger,
  ) {}

  /**
   * Completes `game` (its log says completed). Resolves true once the completion is committed
   * (now or earlier); false when it failed, which is logged: the restore at the next start
   * retries it.
   */
  async handOff(game: GameState): Promise<boolean> {
    if (this.done) return true;
    try {
      await this.deps.completion.complete({
        gameId: game.gameId,
        completedAt: this.deps.now(),
        summary: this.deps.engine.summarize(game),
        deltas: this.deps.engine.lifetimeDeltas(game),
      });
      this.done = true;
      this.log.info({ gameId: game.gameId, winners: game.winners }, "game completed");
      return true;
    } catch (err) {
      this.log.error({ err, gameId: game.gameId }, "completion transaction failed");
      return false;
    }
  }
}
