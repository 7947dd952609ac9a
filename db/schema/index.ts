/**
 * The PZO database schema (spec 004 plus the tables the rest of the system needs), one file
 * per table group. Migrations in `drizzle/` are generated from these definitions.
 */
export * from "./players.js";
export * from "./games.js";
export * from "./gameEvents.js";
export * from "./gameSummaries.js";
export * from "./playerStats.js";
export * from "./roomDirectory.js";
export * from "./users.js";
export * from "./ladder.js";
export * from "./scoreEvents.js";
export * from "./actionTokens.js";
export * from "./season.js";
export * from "./ratings.js";
export * from "./seasonEnds.js";
export * from "./seasonAchievements.js";
export * from "./seasonCosmetics.js";
export * from "./nodeLeases.js";
