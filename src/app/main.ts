/**
 * Process entry: checks the runtime, reads the configuration once, builds the server through the
 * composition root, listens, and shuts down gracefully on SIGTERM/SIGINT (a second signal exits
 * at once). The server modules are imported only after the Node check, so an old Node gets a
 * one-line reason instead of a stack trace from deep inside Colyseus.
 */
const MIN_NODE_MAJOR = 22;
const major = Number(process.versions.node.split(".")[0]);
if (major < MIN_NODE_MAJOR) {
  console.error(`PZO needs Node.js >= ${MIN_NODE_MAJOR} (Colyseus 0.18); this is ${process.version}. Use node_modules/.bin/node or npm scripts.`);
  process.exit(1);
}

const { loadConfig, ConfigError } = await import("../platform/config.js");
const { createLogger } = await import("../platform/logger.js");
const { createPzoServer } = await import("./server.js");

let config;
try {
  config = loadConfig(process.env);
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : String(err));
  process.exit(1);
}

const logger = createLogger(config.LOG_LEVEL);
const { outageLog } = await import("../platform/outageLog.js");

// Colyseus calls presence and the driver without waiting in places (a room's channel unsubscribed at
// dispose, the process's room count): while Redis is down those reject with nobody listening. They
// are outage warnings (once a minute, no stack), never a crash nor a raw stack on stderr.
const REDIS_OUTAGE = /(MaxRetriesPerRequestError|Command timed out|Connection is closed|Stream isn't writeable|ECONNREFUSED)/;
const onUnhandledRejection = (reason: unknown): void => {
  const text = reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason);
  if (REDIS_OUTAGE.test(text)) outageLog.warn(logger, {}, "redis unavailable: a background Redis call failed", text);
  else logger.error({ err: reason }, "unhandled promise rejection");
};
/** Ours only: @pm2/io (loaded by Colyseus's stats) adds one that prints every rejection's stack raw. */
const ownUnhandledRejections = (): void => {
  for (const listener of process.listeners("unhandledRejection")) if (listener !== onUnhandledRejection) process.removeListener("unhandledRejection", listener);
  if (!process.listeners("unhandledRejection").includes(onUnhandledRejection)) process.on("unhandledRejection", onUnhandledRejection);
};
ownUnhandledRejections();
const server = await createPzoServer(config, { logger });
await server.listen();
ownUnhandledRejections();

let signals = 0;
const onSignal = (signal: NodeJS.Signals): void => {
  signals += 1;
  if (signals > 1) {
    logger.warn({ signal }, "second signal: exiting now");
    process.exit(1);
  }
  logger.info({ signal }, "signal received: graceful shutdown");
  server.shutdown().then(
    () => process.exit(0),
    (err: unknown) => {
      logger.error({ err }, "shutdown failed");
      process.exit(1);
    },
  );
};
process.on("SIGTERM", onSignal);
process.on("SIGINT", onSignal);
