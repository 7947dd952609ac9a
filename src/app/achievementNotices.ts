/**
 * Live unlocks: the achievements completion participant's after-commit step hands its unlocks
 * here, and they go to the game's table room (room id = game id), wherever it runs, by a remote
 * room call; the room sends each to the unlocking player's clients (rooms/table/achievements.ts).
 * The Season event stream carries the same unlocks as `ACHIEVEMENT_UNLOCKED` without help from
 * here. A room that has gone (everyone left) simply misses the message; nothing is lost.
 */
import { matchMaker } from "@colyseus/core";
import type { Unlock } from "../../db/achievements.js";
import type { FinishedGame } from "../completion/pipeline.js";
import type { Logger } from "../platform/logger.js";
import type { PlayerUnlock } from "../../rooms/table/achievements.js";
import type { TableRoom } from "../../rooms/TableRoom.js";

/** How long the room may take to answer (ms). */
const CALL_TIMEOUT_MS = 2000;

/** The unlocks as the room receives them. */
export function toPlayerUnlocks(unlocks: readonly Unlock[]): PlayerUnlock[] {
  return unlocks.map((u) => ({
    playerId: u.playerId,
    achievementId: u.achievementId,
    name: u.name,
    rewardCoins: u.rewardCoins,
    transactionId: u.transactionId,
    rewardItemId: u.rewardItemId,
    rewardItemName: u.rewardItemName,
    rewardQuantity: u.rewardQuantity,
    seq: u.seq,
  }));
}

/** The after-commit step of the achievements participant. */
export function createAchievementNotifier(logger: Pick<Logger, "info" | "warn">): (unlocks: readonly Unlock[], game: FinishedGame) => Promise<void> {
  return async (unlocks, game) => {
    logger.info({ gameId: game.gameId, unlocks: unlocks.map((u) => `${u.playerId}:${u.achievementId}`) }, "achievements unlocked");
    try {
      await matchMaker.remoteRoomCall<TableRoom>(game.gameId, "announceAchievements", [toPlayerUnlocks(unlocks)], CALL_TIMEOUT_MS);
    } catch (err) {
      logger.warn({ err, gameId: game.gameId }, "achievements: the table room could not be told (the Season stream still has them)");
    }
  };
}
