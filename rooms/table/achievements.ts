/**
 * Live achievement unlocks at the table: after the completion committed, the composition root
 * hands the room the unlocks of its game (src/app/achievementNotices.ts), and each goes to the
 * unlocking player's own connected clients as an `achievement` message (docs/PROTOCOL.md).
 */
import type { AchievementMessage } from "../../src/shared/protocol.js";
import { identitySchema } from "../../src/shared/identity.js";
import type { TableClient } from "./clients.js";

/** One unlock for one player, as the room receives it. */
export interface PlayerUnlock extends AchievementMessage {
  readonly playerId: string;
}

/** Sends each unlock to its player's clients at this table; returns how many messages were sent. */
export function announceUnlocks(clients: Iterable<TableClient>, unlocks: readonly PlayerUnlock[]): number {
  let sent = 0;
  for (const client of clients) {
    const playerId = identitySchema.safeParse(client.auth).data?.playerId;
    if (playerId === undefined) continue;
    for (const { playerId: owner, ...message } of unlocks) {
      if (owner !== playerId) continue;
      client.send("achievement", message);
      sent++;
    }
  }
  return sent;
}
