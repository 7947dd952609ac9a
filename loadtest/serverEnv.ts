/**
 * What the load harness (run.ts) and `npm run bench:embedded` (embeddedBench.ts) give the server
 * processes they start: a free port and the environment of a load run.
 */
import { createServer } from "node:net";

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const a = srv.address();
      srv.close(() => resolve(a !== null && typeof a === "object" ? a.port : 0));
    });
  });
}

/**
 * A load run's server settings (the caller adds PORT, DATA_DIR, JWT_SECRET and
 * BOT_HUMAN_DELAY_MS): quiet logs, instant server bots, no restore, no client assets, and
 * limits that one address's many clients never meet.
 */
export const LOAD_SERVER_ENV = {
  NODE_ENV: "production",
  HOST: "127.0.0.1",
  LOG_LEVEL: "warn",
  BOT_MOVE_DELAY_MS: "0",
  RESTORE_GAMES: "false",
  RATE_LIMIT_AUTH: "1000000/60",
  RATE_LIMIT_READ: "1000000/60",
  // Every client of the run comes from this one address: no per-address connection cap and no
  // per-address matchmaking budget.
  ROOM_CONNECTIONS_PER_ADDRESS: "0",
  MATCHMAKE_RATE_LIMIT: "0",
  SERVE_CLIENT: "false",
} as const;
