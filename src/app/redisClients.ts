/**
 * The process's Redis connections (issue 19, item 1: Redis is optional at run time). Every one is
 * made here with short, documented limits (docs/OPERATIONS.md, Failure modes), so that a Redis
 * that is down or hangs costs a caller at most about a second, never the ~10 s of ioredis's
 * defaults (20 retries per request, an unbounded offline queue):
 *
 * - `commandTimeout` 1 s: a command not answered within it rejects ("stalled", counted in
 *   `pzo_redis_stalled_commands_total{client}`); until the server listens ({@link RedisClients.started})
 *   it is 5 s instead, so a Redis slow to answer while the machine is busy does not stop a start
 *   (Colyseus's start-up commands must all succeed);
 * - `maxRetriesPerRequest` 1 and `connectTimeout` 2 s; reconnects every 100 ms up to 1 s apart, so a
 *   Redis that returns is in use again within about a second;
 * - the offline queue stays on (commands issued before the first connect wait for it), but a queued
 *   command is bound by the same 1 s timeout. The ladder cache's own connection has no offline queue
 *   at all (src/ladder/redisCache.ts): it falls back to PostgreSQL at once.
 *
 * Connection errors are logged at warn once per client and outage (then at most one line a
 * minute), with no stack; `pzo_redis_up{client}` is 1 while a client is connected. When a client is
 * ready again after losing its connection, the `onReconnect` listeners run (the ladder rebuilds
 * its cache, the delta outbox flushes).
 */
import { Redis, type RedisOptions } from "ioredis";
import { Counter, Gauge, type Registry } from "prom-client";
import type { Logger } from "../platform/logger.js";

/** A command not answered within this many ms rejects (docs/OPERATIONS.md, Failure modes). */
export const REDIS_COMMAND_TIMEOUT_MS = 1_000;

/** A command's timeout until the server listens (a start-up command that fails stops the start). */
export const REDIS_STARTUP_COMMAND_TIMEOUT_MS = 5_000;

/** The limits every runtime connection gets (its command timeout once the server listens). */
export const RUNTIME_REDIS_OPTIONS = {
  commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
  maxRetriesPerRequest: 1,
  connectTimeout: 2_000,
  retryStrategy: (times: number) => Math.min(100 * times, 1_000),
} as const satisfies RedisOptions;

/** Connection-error lines per client and minute while Redis stays down. */
const ERROR_LINES_PER_MINUTE = 1;

/** The process's Redis clients by purpose. */
export type RedisClientName = "presence" | "driver" | "http" | "ladder";

/** Makes and watches the process's Redis connections. */
export class RedisClients {
  private readonly clients = new Map<RedisClientName, Redis>();
  private readonly reconnectListeners: ((name: RedisClientName) => void)[] = [];
  private readonly stalled: Counter<"client">;
  private readonly up: Gauge<"client">;
  private closing = false;
  private starting = true;

  constructor(
    private readonly url: string,
    private readonly logger: Logger,
    registry: Registry,
  ) {
    this.stalled = new Counter({
      name: "pzo_redis_stalled_commands_total",
      help: `Redis commands that got no answer within ${REDIS_COMMAND_TIMEOUT_MS} ms (or could not be sent: Redis down), by client.`,
      labelNames: ["client"],
      registers: [registry],
    });
    const clients = this.clients;
    this.up = new Gauge({
      name: "pzo_redis_up",
      help: "1 while the client's Redis connection is ready, by client.",
      labelNames: ["client"],
      registers: [registry],
      collect() {
        for (const [name, client] of clients) this.set({ client: name }, client.status === "ready" ? 1 : 0);
      },
    });
  }

  /** A connection for `name` with the runtime limits and `extra` options on top. */
  create(name: RedisClientName, extra: RedisOptions = {}): Redis {
    const client = new Redis(this.url, { ...RUNTIME_REDIS_OPTIONS, ...extra, commandTimeout: this.starting ? REDIS_STARTUP_COMMAND_TIMEOUT_MS : REDIS_COMMAND_TIMEOUT_MS });
    this.watch(name, client);
    this.clients.set(name, client);
    return client;
  }

  /** The server listens: every command from now on gets the runtime timeout (ioredis reads it per command). */
  started(): void {
    this.starting = false;
    for (const client of this.clients.values()) client.options.commandTimeout = REDIS_COMMAND_TIMEOUT_MS;
  }

  /** Runs `listener` whenever a client is ready again after losing its connection. */
  onReconnect(listener: (name: RedisClientName) => void): void {
    this.reconnectListeners.push(listener);
  }

  /** True while every client is connected. */
  allReady(): boolean {
    return [...this.clients.values()].every((c) => c.status === "ready");
  }

  /** Marks the process as closing: connection errors from now on are not logged. */
  closingDown(): void {
    this.closing = true;
  }

  /** Closes every connection still open (QUIT, bounded by the command timeout). */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(
      [...this.clients.values()].map(async (c) => {
        if (c.status === "end") return;
        try {
          await c.quit();
        } catch {
          c.disconnect();
        }
      }),
    );
  }

  private watch(name: RedisClientName, client: Redis): void {
    let lost = false;
    let lastLine = Number.NEGATIVE_INFINITY;
    let notLogged = 0;
    client.on("error", (err: Error) => {
      if (this.closing) return;
      const now = Date.now();
      if (now - lastLine < 60_000 / ERROR_LINES_PER_MINUTE) {
        notLogged += 1;
        return;
      }
      lastLine = now;
      this.logger.warn({ client: name, error: err.message, ...(notLogged > 0 ? { errorsNotLogged: notLogged } : {}) }, "redis connection error (Redis optional: falling back)");
      notLogged = 0;
    });
    client.on("close", () => {
      if (this.closing || lost) return;
      lost = true;
      this.logger.warn({ client: name }, "redis connection lost; falling back until it returns");
    });
    client.on("ready", () => {
      if (!lost) return;
      lost = false;
      lastLine = Number.NEGATIVE_INFINITY;
      this.logger.info({ client: name }, "redis connection back");
      for (const listener of this.reconnectListeners) listener(name);
    });
    // Every command that times out or cannot be sent is counted; the caller sees the rejection.
    const send = client.sendCommand.bind(client);
    client.sendCommand = (command, stream) => {
      const result = send(command, stream);
      command.promise.catch((err: unknown) => {
        if (err instanceof Error && /timed out|Stream isn't writeable|Connection is closed|max retries/i.test(err.message)) this.stalled.inc({ client: name });
      });
      return result;
    };
  }
}
