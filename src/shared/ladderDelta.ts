/**
 * A live ladder delta, as it travels: on the presence channel between processes (validated on
 * receipt with {@link ladderDeltaSchema}), to lobby clients (`ladder_delta`) and on the SSE stream.
 * The type is derived from the schema, so the two cannot disagree. One delta per tier for every
 * committed ladder change, and one when a player who was in a top 10 is removed.
 */
import { z } from "zod";
import { asPlayerId } from "./identity.js";

/**
 * The ladders. `season` is the current season's tier; `all_time` never resets; `rating` ranks
 * the shown skill rating (docs/LADDER.md, "Skill ratings").
 */
export const LADDER_TIERS = ["all_time", "season", "rating"] as const;
export type LadderTier = (typeof LADDER_TIERS)[number];

/** Fields every delta carries. */
const base = {
  tier: z.enum(LADDER_TIERS),
  /** The season of a `season` delta; null for the all-time and rating tiers. */
  season: z.number().int().nullable(),
  playerId: z.string().min(1).max(256).transform(asPlayerId),
  /** The player's total after the change (for a removal: the total it had). */
  total: z.number(),
  /** Epoch ms at which the service published the delta. */
  at: z.number(),
};

/**
 * `ladder.changed`: a player's entry changed (a finished game or a verified external score).
 * `oldRank` is the rank before the change (1-based), or null when the player was not ranked;
 * `change` is `total - old total`.
 */
const ladderChangedSchema = z.object({ ...base, type: z.literal("ladder.changed"), oldRank: z.number().int().nullable(), newRank: z.number().int(), change: z.number() });

/** `ladder.removed`: a player left the ladder (account deletion) from a top-10 place; `change` is `-total`. */
const ladderRemovedSchema = z.object({ ...base, type: z.literal("ladder.removed"), oldRank: z.number().int(), newRank: z.null(), change: z.number() });

/** The wire shape of a ladder delta (discriminated on `type`). */
export const ladderDeltaSchema = z.discriminatedUnion("type", [ladderChangedSchema, ladderRemovedSchema]);

export type LadderChangedDelta = Readonly<z.output<typeof ladderChangedSchema>>;
export type LadderRemovedDelta = Readonly<z.output<typeof ladderRemovedSchema>>;
/** A live ladder delta (discriminated on `type`). */
export type LadderDelta = LadderChangedDelta | LadderRemovedDelta;
