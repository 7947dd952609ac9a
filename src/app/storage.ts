/**
 * Storage as the server uses it: the event log, the games repository and player rows. Backed by
 * db/ (PostgreSQL with DATABASE_URL, else embedded PGlite under DATA_DIR) where its repositories
 * exist, otherwise in memory (tests, and a server started before storage landed).
 */
import type { EventLog, GameRepository, PlayerDirectory } from "../../rooms/ports.js";
import { MemoryGameStore, MemoryPlayers } from "../../rooms/memory.js";
import { randomUUID } from "node:crypto";
import type { Config } from "./config.js";
import type { Logger } from "./logger.js";

/** The storage ports, and how to close them. */
export interface Storage {
  readonly kind: "memory" | "pglite" | "postgres";
  readonly eventLog: EventLog;
  readonly games: GameRepository;
  readonly players: PlayerDirectory;
  close(): Promise<void>;
}

/** In-memory storage (nothing survives the process). */
export function memoryStorage(): Storage & { readonly store: MemoryGameStore } {
  const store = new MemoryGameStore();
  return { kind: "memory", store, eventLog: store, games: store, players: new MemoryPlayers(() => randomUUID()), close: () => Promise.resolve() };
}

/** Opens the configured storage. */
export function openStorage(config: Config, logger: Logger): Promise<Storage> {
  logger.warn({ databaseUrl: config.DATABASE_URL !== undefined }, "storage: in memory (db/ repositories not wired yet); games do not survive a restart");
  return Promise.resolve(memoryStorage());
}
