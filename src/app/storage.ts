/**
 * Storage as the server uses it, over db/: the group-commit event log, the games repository
 * and player rows (the completion pipeline is wired in server.ts). PostgreSQL with DATABASE_URL, else embedded
 * PGlite under DATA_DIR, served by a child process (tests pass an in-memory PGlite handle).
 */
import { randomBytes, randomUUID } from "node:crypto";
import { createDatabase, migrate, pgliteDirIn, type DatabaseHandle } from "../../db/client.js";
import { GroupCommitEventLog } from "../../db/eventLog.js";
import { createGame, getGame, listInProgress, markStarted } from "../../db/games.js";
import { createPlayer, ensureBotPlayer, getPlayer } from "../../db/players.js";
import type { GameRepository, PlayerDirectory, RoomDeps } from "../../rooms/ports.js";
import { asPlayerId } from "../shared/identity.js";
import type { Config } from "../platform/config.js";
import type { Logger } from "../platform/logger.js";

/** The storage ports, the database behind them, and how to close them. */
export interface Storage {
  readonly kind: DatabaseHandle["kind"];
  readonly handle: DatabaseHandle;
  readonly eventLog: RoomDeps["eventLog"];
  /** The full event log (paged reads), for the HTTP API. */
  readonly log: GroupCommitEventLog;
  readonly games: GameRepository;
  readonly players: PlayerDirectory;
  /**
   * This process's node id (db/gameLeases.ts): the games it creates or claims are owned by it,
   * and its event log appends only to games it owns (E8 in db/eventLog.ts).
   */
  readonly nodeId: string;
  /** Flushes the event log, then closes the database (unless the handle is borrowed). */
  close(): Promise<void>;
}

const PALETTE = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6", "#469990"] as const;

/** Storage over an open database handle. `ownsHandle: false` leaves closing it to the caller. */
export function databaseStorage(
  handle: DatabaseHandle,
  options: { readonly maxBatch: number; readonly maxWaitMs: number; readonly logger: Logger; readonly ownsHandle: boolean },
): Storage {
  const db = handle.db;
  const nodeId = randomUUID();
  const log = new GroupCommitEventLog(db, { maxBatch: options.maxBatch, maxWaitMs: options.maxWaitMs, logger: options.logger.child({ component: "eventlog" }), fenceNode: nodeId });
  const games: GameRepository = {
    async createGame({ created, createdAt, listing, inviteCode, ranked }) {
      await createGame(db, { created, createdAt, inviteCode: inviteCode ?? null, ranked: ranked ?? false, ownerNode: nodeId, ...(listing === undefined ? {} : { listing }) });
    },
    async accessOf(gameId) {
      const game = await getGame(db, gameId);
      return { inviteCode: game?.inviteCode ?? null, ranked: game?.ranked ?? false };
    },
    async markStarted(gameId, at) {
      await markStarted(db, gameId, at);
    },
    async listInProgress() {
      return (await listInProgress(db)).map((g) => g.id);
    },
    async status(gameId) {
      return (await getGame(db, gameId))?.status ?? null;
    },
  };
  const players: PlayerDirectory = {
    async get(playerId) {
      const row = await getPlayer(db, asPlayerId(playerId)).catch(() => undefined);
      return row === undefined ? null : { displayName: row.displayName, isBot: row.isBot };
    },
    async create({ displayName, isBot }) {
      const seed = randomBytes(8);
      const row = await createPlayer(db, { displayName, isBot, avatarSeed: seed.toString("hex"), color: PALETTE[(seed[0] ?? 0) % PALETTE.length] ?? PALETTE[0] });
      return row.id;
    },
    async ensureBot({ playerId, displayName }) {
      await ensureBotPlayer(db, { id: playerId, displayName, avatarSeed: `ranked-${playerId}`, color: PALETTE[0] });
    },
  };
  return {
    kind: handle.kind,
    handle,
    log,
    eventLog: log,
    games,
    players,
    nodeId,
    async close() {
      await log.close();
      if (options.ownsHandle) await handle.close();
    },
  };
}

/**
 * Opens and migrates the configured database and builds storage over it. Without DATABASE_URL
 * the embedded database runs in a child process (db/embedded.ts); if that process ends while the
 * server still runs, nothing more can be made durable: the server logs it and exits (status 1)
 * for its supervisor to restart it (every acknowledged move is already on disk).
 */
export async function openStorage(config: Config, logger: Logger): Promise<Storage> {
  const handle = await createDatabase({ url: config.DATABASE_URL, pgliteDir: pgliteDirIn(config.DATA_DIR) });
  let closing = false;
  void handle.embedded?.exited.then((code) => {
    if (closing) return;
    logger.fatal({ exitCode: code, pid: handle.embedded?.pid }, "the embedded database process ended unexpectedly: exiting");
    process.exit(1);
  });
  await migrate(handle);
  logger.info({ database: handle.kind, ...(handle.embedded === undefined ? {} : { databasePid: handle.embedded.pid }) }, `storage: ${handle.embedded?.description ?? "PostgreSQL (DATABASE_URL)"}`);
  const storage = databaseStorage(handle, { maxBatch: config.EVENTLOG_MAX_BATCH, maxWaitMs: config.EVENTLOG_MAX_WAIT_MS, logger, ownsHandle: true });
  return {
    ...storage,
    close() {
      closing = true;
      return storage.close();
    },
  };
}
