import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { createLogger } from "../platform/logger.js";
import { REDIS_COMMAND_TIMEOUT_MS, REDIS_STARTUP_COMMAND_TIMEOUT_MS, RedisClients } from "./redisClients.js";

describe("Redis clients' command timeout", () => {
  it("is the longer start-up timeout until the server listens, then the runtime one, for clients made before and after", async () => {
    // lazyConnect: nothing connects; only the options are looked at.
    const clients = new RedisClients("redis://127.0.0.1:1", createLogger("silent"), new Registry());
    const early = clients.create("presence", { lazyConnect: true });
    expect(early.options.commandTimeout).toBe(REDIS_STARTUP_COMMAND_TIMEOUT_MS);
    clients.started();
    expect(early.options.commandTimeout).toBe(REDIS_COMMAND_TIMEOUT_MS);
    const late = clients.create("http", { lazyConnect: true, enableOfflineQueue: false });
    expect(late.options.commandTimeout).toBe(REDIS_COMMAND_TIMEOUT_MS);
    expect(REDIS_STARTUP_COMMAND_TIMEOUT_MS).toBeGreaterThan(REDIS_COMMAND_TIMEOUT_MS);
    await clients.close();
  });
});
