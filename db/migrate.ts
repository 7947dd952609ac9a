/**
 * `npm run db:migrate`: applies pending migrations to the configured database and exits (a
 * release step). The server also migrates at start-up; both are idempotent and, on
 * PostgreSQL, serialized by an advisory lock.
 *
 * Reads `DATABASE_URL` (PostgreSQL) or, when unset, `DATA_DIR` (PGlite in `DATA_DIR/pglite`),
 * parsed by the server's env schema. This module runs on import: it is an entry point only.
 */
import { pino } from "pino";
import { envSchema } from "../src/platform/config.js";
import { createDatabase, migrate, pgliteDirIn } from "./client.js";

const logger = pino({ name: "db:migrate" });
const env = envSchema.pick({ DATABASE_URL: true, DATA_DIR: true }).safeParse(
  Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== undefined && v !== "")),
);
if (!env.success) {
  logger.error({ issues: env.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`) }, "invalid configuration");
  process.exitCode = 1;
} else {
  const handle = await createDatabase({ url: env.data.DATABASE_URL, pgliteDir: pgliteDirIn(env.data.DATA_DIR) });
  try {
    await migrate(handle);
    logger.info({ kind: handle.kind }, "migrations applied");
  } catch (err) {
    logger.error({ err }, "migration failed");
    process.exitCode = 1;
  } finally {
    await handle.close();
  }
}
