/**
 * The composition root: every dependency is built here, once, and handed down. `createPzoServer`
 * returns a server that tests start on port 0 and `main.ts` starts on PORT.
 *
 * Colyseus keeps its matchmaker in module state, so one process hosts one PZO server at a time.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { defineRoom, defineServer, LocalDriver, LocalPresence, matchMaker, type Presence } from "@colyseus/core";
import { ResilientRedisDriver } from "./resilientDriver.js";
import { RedisPresence } from "@colyseus/redis-presence";
import type express from "express";
import type { Express } from "express";
import { Registry } from "prom-client";
import { RedisClients } from "./redisClients.js";
import { LADDER_REDIS_OPTIONS } from "../ladder/redisCache.js";
import { deltaOutboxHooks } from "./deltaOutboxMetrics.js";
import * as engine from "../game/index.js";
import { smartPolicy } from "../bots/policy.js";
import { BotManager } from "../bots/manager.js";
import type { TokenService } from "../http/auth.js";
import { createTokenServiceFromConfig, registerHttpRoutes } from "../http/http.js";
import { serveClient } from "./clientAssets.js";
import { createLadderPort } from "../http/ladderAdapter.js";
import { createScoresPortFromConfig } from "../http/scoresAdapter.js";
import { ROOM_NAMES } from "../shared/protocol.js";
import { roomRoutingMode, type Config } from "../platform/config.js";
import { createLogger, type Logger } from "../platform/logger.js";
import { createRoomRouter, type RoomRouter } from "./roomRouting.js";
import { installQuickPlay } from "./quickPlay.js";
import { installJoinErrorCodes } from "./matchmakeErrors.js";
import { installMatchmakeAddresses, installMatchmakeBudget } from "./matchmakeBudget.js";
import { selectTransport } from "./transport.js";
import { colyseusLogger } from "./colyseusLog.js";
import { createBotDirectory, createTokenVerifier } from "./identityAdapters.js";
import { openStorage, type Storage } from "./storage.js";
import { createTableRoom, JOIN_CODE_FILTER } from "../../rooms/TableRoom.js";
import { createRoomDirectory } from "../../db/roomDirectory.js";
import { createGameCompletion } from "../../db/completion.js";
import { ratingParticipant, rebuildRatings, shownRatingOf } from "../../db/ratings.js";
import { parseBands } from "../ladder/rankedQueue.js";
import { createRankedRoom } from "../../rooms/RankedRoom.js";
import { parseRewardBands, parseSeasonSchedule } from "../ladder/seasonSchedule.js";
import { SeasonScheduler } from "./seasons.js";
import { endedSeasonStandings } from "../../db/seasonEnd.js";
import { register } from "../completion/pipeline.js";
import { createReplayRoom } from "../../rooms/ReplayRoom.js";
import { createLobbyRoom } from "../../rooms/LobbyRoom.js";
import { PresenceDeltaBus } from "../../rooms/presenceBus.js";
import { createRoomMetrics } from "../../rooms/roomMetrics.js";
import { Admission, ClientAddresses } from "../../rooms/admission.js";
import { createConcurrencyLimiter, createKeyedLimiter, parseBudget } from "../http/rateLimit.js";
import { installUpgradeAddresses, noteUpgradeAddress, trustOf } from "./clientAddress.js";
import { checkReconnectionUpgrade, createSessionOwners } from "../../rooms/reconnectionGuard.js";
import type { Engine, RoomDeps } from "../../rooms/ports.js";
import { createLadder, type LadderWiring } from "./ladder.js";
import { registerOperationalRoutes, type ProcessMetrics } from "./routes.js";
import { browserHeaders, contentSecurityPolicy, corsHeadersFor, parseCorsOrigins, webSocketOrigin } from "../http/browserHeaders.js";
import { registerEventLogMetrics } from "./eventLogMetrics.js";
import { createRoomSeatCheck } from "./seats.js";
import { createAchievementNotifier } from "./achievementNotices.js";
import { createTableEntry } from "./tableEntry.js";
import { achievementsCompletion } from "../../db/achievements.js";
import { leaderboardEventsParticipant } from "../../db/leaderboardEvents.js";
import { recordSeatTaken, recordTableEvent, seatCosmeticsOf } from "../../db/seasonSeats.js";
import type { HostedTable } from "../../rooms/ports.js";
import type { GameId } from "../game/types.js";
import { asGameId } from "../shared/identity.js";
import { NodeLeaseKeeper } from "./nodeLeases.js";
import { DeadProcessSweep } from "./deadProcesses.js";
import { registerNodeLeaseMetrics } from "./nodeLeaseMetrics.js";

/**
 * How long a key's count of live connections or tables lives in the limiter store from its first
 * place: a process that dies holding places frees them after this, at the latest.
 */
const ADMISSION_LEASE_SECONDS = 6 * 3600;

/** Optional replacements for the parts the composition root would build itself. */
/** The built browser client: `client/dist` at the package root, from source or from `dist/`. */
const CLIENT_DIST = fileURLToPath(new URL(import.meta.url.includes("/dist/") ? "../../../client/dist" : "../../client/dist", import.meta.url));

export interface PzoServerOverrides {
  readonly logger?: Logger;
  /** Storage over a database opened by the caller (tests); default: open the configured one. */
  readonly storage?: Storage;
  readonly engine?: Engine;
  /** Registers more HTTP routes on the express app, after the REST API. */
  readonly httpRoutes?: (app: express.Application) => void | Promise<void>;
}

/** A running (or ready to run) PZO server. */
export interface PzoServer {
  /** Binds PORT (0 picks a free port), restores in-progress games, returns the address. */
  listen(): Promise<{ port: number; url: string }>;
  /** Graceful shutdown: no new tables, moves in flight committed, clients told. */
  shutdown(): Promise<void>;
  readonly config: Config;
  readonly logger: Logger;
  readonly tokens: TokenService;
  readonly storage: Storage;
  readonly ladder: LadderWiring;
  readonly bots: BotManager;
  readonly transportKind: "uws" | "ws";
}

/** Colyseus types its HTTP app as `Application`; both transports hand over a full `express()` app. */
function isExpressApp(app: express.Application): app is Express {
  return "request" in app && "response" in app;
}

/** The Colyseus `publicAddress` (host[:port][/path]) derived from PUBLIC_URL. */
function publicAddressOf(config: Config): string | undefined {
  if (config.PUBLIC_URL === undefined) return undefined;
  const url = new URL(config.PUBLIC_URL);
  return `${url.host}${url.pathname === "/" ? "" : url.pathname.replace(/\/$/, "")}`;
}

/** The room router ROOM_ROUTING asks for (none when it resolves to `off`). */
function createRouter(config: Config, presence: Presence, logger: Logger): RoomRouter | undefined {
  const mode = roomRoutingMode(config);
  if (mode === "off") return undefined;
  return createRoomRouter(mode, {
    presence,
    registryKey: `${config.REDIS_PREFIX}routes`,
    selfProcessId: () => matchMaker.processId,
    hostsLocally: (roomId) => matchMaker.getLocalRoomById(roomId) !== undefined,
    hostOf: async (roomId) => (await matchMaker.getRoomById(roomId))?.processId ?? null,
    onInvalidEntry: (processId, err) => logger.warn({ err, processId }, "malformed room-routing entry in presence"),
    // Info, not a warning: Colyseus then answers the join itself ("seat reservation expired" for a gone room).
    onFallback: ({ error, ...fallback }) => logger.info({ ...fallback, err: error }, "room routing: host not found, serving the upgrade locally"),
  });
}

/** Builds the server. Nothing listens until `listen()`. */
export async function createPzoServer(config: Config, overrides: PzoServerOverrides = {}): Promise<PzoServer> {
  const logger = overrides.logger ?? createLogger(config.LOG_LEVEL);
  const registry = new Registry();
  // Every Redis connection with short limits, watched (src/app/redisClients.ts).
  const redisClients = config.REDIS_URL === undefined ? null : new RedisClients(config.REDIS_URL, logger.child({ component: "redis" }), registry);
  const presence: Presence = redisClients !== null ? new RedisPresence(redisClients.create("presence")) : new LocalPresence();
  const router = createRouter(config, presence, logger);

  const resilientDriver = redisClients !== null ? new ResilientRedisDriver(redisClients.create("driver"), logger.child({ component: "matchmaking" })) : null;
  const driver = resilientDriver ?? new LocalDriver();

  const storage = overrides.storage ?? (await openStorage(config, logger));
  const tokens = createTokenServiceFromConfig(config, logger);
  const unsubscribeEventLogMetrics = registerEventLogMetrics(registry, storage.log);
  const deltaBus = new PresenceDeltaBus(presence, config.REDIS_PREFIX, {
    onInvalid: (err) => logger.warn({ err }, "malformed ladder delta on presence"),
    ...deltaOutboxHooks(registry, logger.child({ component: "ladder" })),
  });
  const ladder = createLadder({ config, db: storage.handle.db, bus: deltaBus, registry, logger, redis: redisClients?.create("ladder", LADDER_REDIS_OPTIONS) ?? null });
  redisClients?.onReconnect((name) => {
    if (name === "ladder") void ladder.service.cacheReconnected().catch((err: unknown) => logger.warn({ err }, "ladder: rebuild after Redis returned failed; retrying"));
    if (name === "presence") deltaBus.flushSoon();
    if (name === "driver") void resilientDriver?.reconnected();
  });
  const seasons = new SeasonScheduler({
    db: storage.handle.db,
    ladder: ladder.service,
    schedule: config.SEASON_SCHEDULE === undefined ? null : parseSeasonSchedule(config.SEASON_SCHEDULE, config.SEASON_TIME_ZONE),
    rewardBands: parseRewardBands(config.SEASON_REWARD_BANDS),
    cosmeticRanks: config.SEASON_COSMETIC_RANKS,
    logger: logger.child({ component: "seasons" }),
  });
  // No offline queue: while Redis is down, rate limits and idempotency keys fall back to the
  // process at once instead of waiting out the command timeout.
  const httpRedis = redisClients?.create("http", { enableOfflineQueue: false });
  const botDirectory = createBotDirectory(tokens, storage.players);
  const bots = new BotManager({ bots: botDirectory, policy: smartPolicy, logger, moveDelayMs: config.BOT_MOVE_DELAY_MS, humanDelay: config.BOT_HUMAN_DELAY_MS });
  const metrics: ProcessMetrics = { startedAt: Date.now() };
  const trust = trustOf(config.TRUST_PROXY);
  const addresses = new ClientAddresses(Date.now);
  const limiterBackend = { redis: httpRedis, prefix: config.REDIS_PREFIX, logger };
  const admission = new Admission(
    {
      connectionsPerPlayer: config.ROOM_CONNECTIONS_PER_PLAYER,
      connectionsPerAddress: config.ROOM_CONNECTIONS_PER_ADDRESS,
      tablesPerPlayer: config.TABLES_PER_PLAYER,
      botsPerPlayer: config.BOTS_PER_PLAYER,
    },
    (name, max) => createConcurrencyLimiter(name, { max, leaseSeconds: ADMISSION_LEASE_SECONDS }, limiterBackend),
    addresses,
  );

  const achievements = achievementsCompletion(createAchievementNotifier(logger.child({ component: "achievements" })));
  const deps: RoomDeps = {
    engine: overrides.engine ?? engine,
    eventLog: storage.eventLog,
    games: storage.games,
    completion: createGameCompletion(storage.handle.db, {
      onLadderChanges: (changes) => ladder.service.applyChanges(changes),
      // Achievements read a game's figures from the lifetime-stats upsert's RETURNING (no statement of their own when nothing unlocks).
      withLifetimeStats: [achievements.readWithLifetimeStats],
      participants: [
        register(ratingParticipant((changes) => ladder.service.applyChanges(changes))),
        // After every ladder writer: it reads back what they wrote (LEADERBOARD_UPDATED).
        register(leaderboardEventsParticipant),
        register(achievements.participant),
      ],
      logger: logger.child({ component: "completion" }),
    }),
    roomDirectory: createRoomDirectory(storage.handle.db),
    ladder: ladder.facade,
    ladderFeed: deltaBus,
    tokens: createTokenVerifier(tokens, storage.players),
    bots: botDirectory,
    botLauncher: bots,
    logger,
    metrics: createRoomMetrics(registry),
    sessionOwners: createSessionOwners(),
    messageLimits: { perSecond: config.ROOM_MESSAGES_PER_SECOND, closeAfterWindows: config.ROOM_FLOOD_CLOSE_SECONDS },
    admission,
    reconnectSeconds: config.RECONNECT_SECONDS,
    restoreKey: randomBytes(24).toString("hex"),
    seasonSeats: {
      seatTaken: (gameId, seat, playerId) => recordSeatTaken(storage.handle.db, gameId, seat, playerId),
      seatsOf: (gameId) => seatCosmeticsOf(storage.handle.db, gameId),
      record: (event) => recordTableEvent(storage.handle.db, event),
    },
    ranked: {
      queue: { bands: parseBands(config.RANKED_BANDS), seats: config.RANKED_SEATS, botFillSeconds: config.RANKED_BOT_FILL_SECONDS },
      tickMs: config.RANKED_TICK_MS,
      noShowMs: config.RANKED_NO_SHOW_SECONDS * 1000,
      ratings: { shownRatingOf: (playerId) => shownRatingOf(storage.handle.db, playerId) },
    },
    now: () => new Date(),
    randomUuid: () => randomUUID(),
    randomSeed: () => randomBytes(32).toString("hex"),
    hostedTables: new Map<string, HostedTable>(),
  };
  const leases = createLeaseKeeper(config, storage, deps, logger.child({ component: "leases" }));
  registerNodeLeaseMetrics(registry, leases.stats);

  // Every WebSocket upgrade passes here first: a reconnection must come from the seat's owner,
  // and the client's address is noted for the per-address limits (src/app/clientAddress.ts).
  let headersNormalized = false;
  const noteAddress = noteUpgradeAddress(addresses, config.TRUST_PROXY, trust, () => headersNormalized);
  const { transport, kind } = await selectTransport(config.TRANSPORT, logger, router, async (request, context) => {
    const url = new URL(request.url);
    const refused = await checkReconnectionUpgrade(url, context.token, deps.sessionOwners, deps.tokens);
    if (refused !== null) return new Response(refused.body, { status: refused.status, headers: { "content-type": "text/plain" } });
    return noteAddress(url, context);
  });
  if (kind === "ws" && transport.server !== undefined) {
    installUpgradeAddresses(transport.server, trust);
    headersNormalized = true;
  }

  const server = defineServer({
    rooms: {
      [ROOM_NAMES.table]: defineRoom(createTableRoom(deps)).filterBy([...JOIN_CODE_FILTER]).enableRealtimeListing(),
      [ROOM_NAMES.replay]: defineRoom(createReplayRoom(deps)),
      [ROOM_NAMES.lobby]: defineRoom(createLobbyRoom(deps)),
      [ROOM_NAMES.ranked]: defineRoom(createRankedRoom(deps)),
    },
    transport,
    presence,
    driver,
    publicAddress: publicAddressOf(config),
    greet: false,
    gracefullyShutdown: false,
    logger: colyseusLogger(logger.child({ component: "colyseus" })),
    express: async (app) => {
      // Browser headers first, so every response below carries them (src/http/browserHeaders.ts).
      const corsOrigins = parseCorsOrigins(config.CORS_ORIGINS);
      app.disable("x-powered-by");
      app.use(browserHeaders({ csp: contentSecurityPolicy(webSocketOrigin(config.PUBLIC_URL), corsOrigins), corsOrigins }));
      // Colyseus's matchmaker reflects any Origin with credentials by default: allow-list only.
      matchMaker.controller.DEFAULT_CORS_HEADERS = {
        "Access-Control-Allow-Headers": "Content-Type, Authorization",
        "Access-Control-Allow-Methods": "POST",
        "Access-Control-Allow-Credentials": "false",
        "Access-Control-Allow-Origin": "",
        "Access-Control-Max-Age": "600",
      };
      matchMaker.controller.getCorsHeaders = (headers) => corsHeadersFor(headers.get("origin"), corsOrigins);
      registerOperationalRoutes(app, { metrics, transportKind: kind, bots, metricsToken: config.METRICS_TOKEN });
      if (!isExpressApp(app)) throw new Error("the transport's HTTP app is not an express() application");
      registerHttpRoutes(app, {
        config,
        logger,
        db: storage.handle.db,
        registry,
        ladder: createLadderPort(
          ladder.service,
          ladder.feed,
          createScoresPortFromConfig({ config, logger, db: storage.handle.db, ladder: ladder.service, registry }),
          {
            rebuildRatings: () => rebuildRatings(storage.handle.db),
            endSeason: () => seasons.endNow(),
            seasonStandings: (season, limit, fromRank) => endedSeasonStandings(storage.handle.db, season, limit, fromRank),
          },
        ),
        readEvents: (gameId, fromIndex) => storage.log.read(gameId, fromIndex),
        verifyGame: (events) => engine.verifyGame(events),
        seats: createRoomSeatCheck(),
        tables: createTableEntry(),
        redis: httpRedis,
        tokens,
      });
      await overrides.httpRoutes?.(app);
      // The browser client (client/dist) at `/`, after every API route so it never shadows one.
      if (config.SERVE_CLIENT && overrides.httpRoutes === undefined) serveClient(app, CLIENT_DIST, { sourceMaps: config.NODE_ENV !== "production" });
    },
  });

  let listening = false;
  let stopping: Promise<void> | null = null;
  let uninstallQuickPlay: (() => void) | null = null;
  let uninstallJoinErrorCodes: (() => void) | null = null;
  let uninstallMatchmakeBudget: (() => void) | null = null;
  const matchmakeBudget = parseBudget(config.MATCHMAKE_RATE_LIMIT);

  return {
    config,
    logger,
    tokens,
    storage,
    ladder,
    bots,
    transportKind: kind,
    async listen() {
      await ladder.start();
      await seasons.start();
      uninstallQuickPlay = installQuickPlay(logger.child({ component: "matchmaking" }));
      // A joinById of a game in progress whose process died: `table/moving` until it is adopted.
      uninstallJoinErrorCodes = installJoinErrorCodes(config.RESTORE_GAMES ? async (id) => /^[0-9a-f-]{36}$/.test(id) && (await storage.games.status(asGameId(id))) === "in_progress" : undefined);
      // Registered before the matchmaker accepts rooms here (inside listen): a room placed on this
      // process is routable from its first upgrade.
      await matchMaker.onReady;
      // The lease first: no table is created or hosted here before it exists (db/gameLeases.ts).
      await leases.register();
      await router?.register({ machineId: config.FLY_MACHINE_ID, address: config.PRIVATE_ADDRESS });
      await server.listen(config.PORT, config.HOST);
      listening = true;
      if (matchmakeBudget !== null) {
        // After listen: Colyseus's request listener is in place, the address rewrite goes before it.
        const removeAddresses = kind === "ws" && transport.server !== undefined ? installMatchmakeAddresses(transport.server, trust) : () => undefined;
        const addressing = { normalized: kind === "ws", trustProxy: config.TRUST_PROXY, trust };
        const removeBudget = installMatchmakeBudget(createKeyedLimiter("matchmake", matchmakeBudget, limiterBackend), matchmakeBudget, addressing);
        uninstallMatchmakeBudget = () => {
          removeBudget();
          removeAddresses();
        };
      }
      const address = transport.server?.address();
      const port = address !== null && typeof address === "object" ? address.port : config.PORT;
      const url = `ws://127.0.0.1:${port}`;
      bots.setEndpoint(url);
      logger.info({ port, transport: kind, redis: config.REDIS_URL !== undefined, database: storage.kind, roomRouting: router?.mode ?? "off" }, `PZO listening on ${config.HOST}:${port}`);
      // The first sweep restores the games this process may take (all of them without Redis).
      await leases.start();
      redisClients?.started();
      return { port, url };
    },
    shutdown() {
      stopping ??= (async () => {
        logger.info("shutting down: no new tables; finishing moves in flight");
        await router?.unregister().catch((err: unknown) => logger.warn({ err }, "cannot remove the room-routing entry"));
        if (listening) await server.gracefullyShutdown(false);
        // The tables are drained: another live process may adopt their games at once.
        await leases.stop(listening);
        uninstallMatchmakeBudget?.();
        uninstallJoinErrorCodes?.();
        uninstallQuickPlay?.();
        await bots.stop();
        await seasons.stop();
        // Colyseus closed presence and the driver in gracefullyShutdown: from here, a Redis
        // connection's errors are the shutdown's own, not an outage (issue 19, item 8).
        redisClients?.closingDown();
        deltaBus.stop();
        await ladder.stop();
        await redisClients?.close();
        await storage.close();
        unsubscribeEventLogMetrics();
        logger.info("shutdown complete");
      })();
      return stopping;
    },
  };
}

/**
 * The lease keeper (src/app/nodeLeases.ts): renews this process's lease, adopts the games of dead
 * processes (with RESTORE_GAMES) and, with Redis, sweeps dead processes' matchmaking listings.
 */
function createLeaseKeeper(config: Config, storage: Storage, deps: RoomDeps, logger: Logger): NodeLeaseKeeper {
  const deadProcesses = config.REDIS_URL === undefined ? null : new DeadProcessSweep();
  const adopt = async (gameId: GameId): Promise<void> => {
    if (matchMaker.getLocalRoomById(gameId) !== undefined) return;
    // A listing a dead host left under this id is overwritten by the new room's (RedisDriver.persist).
    await matchMaker.handleCreateRoom(ROOM_NAMES.table, { restoreGameId: gameId, restoreKey: deps.restoreKey });
    deadProcesses?.adopted();
  };
  return new NodeLeaseKeeper({
    db: storage.handle.db,
    nodeId: storage.nodeId,
    leaseMs: config.NODE_LEASE_MS,
    sweepMs: config.NODE_SWEEP_MS,
    sole: config.REDIS_URL === undefined,
    claims: config.RESTORE_GAMES,
    adopt,
    hosted: () => [...(deps.hostedTables?.keys() ?? [])].map(asGameId),
    lose: (gameId) => deps.hostedTables?.get(gameId)?.moved(),
    ...(deadProcesses === null ? {} : { sweepMatchmaking: async () => void (await deadProcesses.sweep()) }),
    logger,
  });
}
