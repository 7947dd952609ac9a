/**
 * Starts a PZO server inside the test process on a free port (port 0), over a fresh migrated
 * database from test/support/db.ts (in-memory PGlite by default; PostgreSQL when DATABASE_URL
 * is set), and helps make players and SDK clients.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "@colyseus/sdk";
import { loadConfig } from "../../src/platform/config.js";
import { createLogger } from "../../src/platform/logger.js";
import { createPzoServer, type PzoServer, type PzoServerOverrides } from "../../src/app/server.js";
import { databaseStorage, type Storage } from "../../src/app/storage.js";
import type { PlayerId } from "../../src/game/types.js";
import { testBackends, type TestDatabase } from "./db.js";

/** A player made for a test: its id and access token. */
export interface TestPlayer {
  readonly playerId: PlayerId;
  readonly displayName: string;
  readonly token: string;
}

/** A running test server. */
export interface TestServer {
  readonly server: PzoServer;
  readonly port: number;
  /** ws://127.0.0.1:port */
  readonly url: string;
  /** http://127.0.0.1:port */
  readonly httpUrl: string;
  readonly storage: Storage;
  readonly database: TestDatabase;
  createPlayer(displayName: string): Promise<TestPlayer>;
  /** An SDK client that authenticates as `player`. */
  client(player: TestPlayer): Client;
  close(): Promise<void>;
}

/** Options of {@link startTestServer}. */
export interface TestServerOptions {
  readonly env?: Readonly<Record<string, string>>;
  readonly overrides?: Omit<PzoServerOverrides, "storage">;
  /** The database backend (default: PostgreSQL when DATABASE_URL is set, else PGlite). */
  readonly database?: "pglite" | "postgres";
}

/** The database backend tests run on: PostgreSQL when DATABASE_URL is set, else PGlite. */
function backend(name?: "pglite" | "postgres") {
  const backends = testBackends();
  const chosen = backends.find((b) => b.name === (name ?? "postgres")) ?? backends[0];
  if (chosen === undefined) throw new Error("no test database backend");
  return chosen;
}

/** Test JWT secret (never used outside tests). */
export const TEST_JWT_SECRET = "test-secret-test-secret-test-secret-0123456789";

/** Starts a server on a free port. Close it in `afterAll`. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const config = loadConfig({
    NODE_ENV: "test",
    HOST: "127.0.0.1",
    PORT: "0",
    LOG_LEVEL: process.env["LOG_LEVEL"] ?? "warn",
    JWT_SECRET: TEST_JWT_SECRET,
    DATA_DIR: mkdtempSync(path.join(tmpdir(), "pzo-test-")),
    BOT_MOVE_DELAY_MS: "0",
    BOT_HUMAN_DELAY_MS: "0",
    TRANSPORT: "ws",
    ...options.env,
  });
  const logger = createLogger(config.LOG_LEVEL, { test: true });
  const database = await backend(options.database).create();
  const storage = databaseStorage(database.handle, { maxBatch: config.EVENTLOG_MAX_BATCH, maxWaitMs: config.EVENTLOG_MAX_WAIT_MS, logger, ownsHandle: false });
  const server = await createPzoServer(config, { ...options.overrides, storage, logger });
  const { port } = await server.listen();
  return {
    server,
    port,
    url: `ws://127.0.0.1:${port}`,
    httpUrl: `http://127.0.0.1:${port}`,
    storage,
    database,
    async createPlayer(displayName) {
      const playerId = await storage.players.create({ displayName, isBot: false });
      const issued = await server.tokens.issueAccessToken({ userId: null, playerId, role: "player", kind: "guest" });
      return { playerId, displayName, token: issued.accessToken };
    },
    client(player) {
      const client = new Client(`ws://127.0.0.1:${port}`);
      client.http.authToken = player.token;
      return client;
    },
    async close() {
      await server.shutdown();
      await database.close();
    },
  };
}
