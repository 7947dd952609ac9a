/**
 * A ranked table (docs/PROTOCOL.md, "The ranked room"): the `ranked` room opens it on its own
 * process with {@link rankedTableOptions}. It is a private table (the matched players get its
 * invitation) whose last seats go to the ranked bots the queue picked (src/ladder/botRatings.ts),
 * marked `ranked` in its `welcome`. The server-only part of its options is guarded by the
 * process's restore key, as "play again" is, so no client can open one or pick its bots.
 *
 * A matched player who does not come: once RANKED_NO_SHOW_SECONDS have passed, a table where a
 * person sits gives every seat still empty to a bot; a table where nobody sat closes after the
 * play-again wait (rooms/table/playAgain.ts), as every server-opened table does.
 */
import { z } from "zod";
import type { TableCreateOptions } from "../../src/shared/protocol.js";
import { asPlayerId, type Identity } from "../../src/shared/identity.js";

const rankedBotSchema = z.object({ playerId: z.string().uuid(), displayName: z.string().min(1).max(64) });

/** The server-only part of a ranked table's create options. */
export const rankedOptionsSchema = z.object({
  ranked: z.object({ key: z.string().min(16), invite: z.string().min(16).max(64), bots: z.array(rankedBotSchema).max(5) }),
});

export type RankedTableOptions = TableCreateOptions & z.infer<typeof rankedOptionsSchema>;

/** What a ranked table is told at creation (from its options), or null for any other table. */
export interface RankedTable {
  readonly invite: string;
  readonly bots: readonly Identity[];
}

/** The create options of a ranked table of `seats`, whose last seats go to `bots`. */
export function rankedTableOptions(seats: number, bots: readonly { readonly playerId: string; readonly displayName: string }[], restoreKey: string, invite: string): RankedTableOptions {
  return {
    seats,
    isPublic: false,
    bots: bots.length,
    ranked: { key: restoreKey, invite, bots: bots.map((b) => ({ playerId: b.playerId, displayName: b.displayName })) },
  };
}

/** The ranked part of `rawOptions` when its key is this process's restore key, else null. */
export function rankedOf(rawOptions: unknown, restoreKey: string): RankedTable | null {
  const parsed = rankedOptionsSchema.safeParse(rawOptions);
  if (!parsed.success || parsed.data.ranked.key !== restoreKey) return null;
  const { invite, bots } = parsed.data.ranked;
  return { invite, bots: bots.map((b) => ({ playerId: asPlayerId(b.playerId), displayName: b.displayName, isBot: true })) };
}
