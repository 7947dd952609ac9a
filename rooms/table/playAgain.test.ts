import { describe, expect, it } from "vitest";
import { newGame, startedGame, run, testJoin, type Game } from "../../src/game/testing/testkit.js";
import type { PlayerId } from "../../src/game/types.js";
import { afterPlayAgainWait, nextTableOptions, PlayAgain, type NextTableOptions } from "./playAgain.js";

const KEY = "restore-key-restore-key-0123456789";

function finished(game: Game): Game {
  let g = game;
  while (g.state.phase !== "completed") g = run(g, { type: "timeout", seat: g.state.turn ?? -1 });
  return g;
}

describe("play again (docs/PROTOCOL.md, play_again)", () => {
  it("the next table has the same seats and turn time, a bot for every seat a bot ended the game in, and is private", () => {
    let g = startedGame(4);
    g = run(g, { type: "leave", seat: 1, reason: "left" });
    g = run(g, { type: "replace_with_bot", seat: 1, botPlayerId: "bot-1" as PlayerId, botName: "Bot" });
    const options = nextTableOptions(finished(g).state, KEY, 30, "invitation-0123456789ab");
    expect(options).toEqual({ seats: 4, turnSeconds: g.state.config.turnSeconds, isPublic: false, bots: 1, reconnectSeconds: 30, playAgain: { key: KEY, invite: "invitation-0123456789ab" } });
  });

  it("is refused before the game is over; opens one table however often it is asked; a failed opening may be asked again", async () => {
    const opened: NextTableOptions[] = [];
    let fail = true;
    const again = new PlayAgain((options) => {
      opened.push(options);
      if (fail) return Promise.reject(new Error("no process"));
      return Promise.resolve({ roomId: `room-${opened.length}` });
    }, KEY);
    const live = startedGame(3);
    expect(await again.request(live.state, 30)).toMatchObject({ ok: false, code: "table/game_not_over" });
    const done = finished(live).state;
    await expect(again.request(done, 30)).rejects.toThrow("no process");
    fail = false;
    const [a, b] = await Promise.all([again.request(done, 30), again.request(done, 30)]);
    expect(a).toEqual(b);
    expect(a).toMatchObject({ ok: true, next: { roomId: "room-2", bots: 0 } });
    expect(opened).toHaveLength(2);
    if (a.ok) expect(a.next.invite).toBe(opened[1]?.playAgain.invite);
  });

  it("after the wait: a table no human sat at closes; one still waiting closes when empty like any table; a started one stays", () => {
    expect(afterPlayAgainWait(newGame(3).state)).toBe("close");
    expect(afterPlayAgainWait(run(newGame(3), testJoin(0)).state)).toBe("auto_dispose");
    expect(afterPlayAgainWait(startedGame(3).state)).toBe("keep");
  });
});
