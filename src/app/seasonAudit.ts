/**
 * `npm run season:audit`: re-folds `season_events` and checks every Season 0 invariant against
 * the tables (each currency sums to 0, no player balance below 0, every transaction balanced,
 * balances, inventories and waitlist entries and positions equal the fold; achievement unlocks,
 * their rewards, and owned and equipped cosmetics match the log). Prints each check
 * and what it looked at; exits 1 on any breach, 2 on a usage or connection error.
 *
 * Reads `DATABASE_URL` (PostgreSQL) or, when unset, `DATA_DIR` (PGlite in `DATA_DIR/pglite`).
 * This module runs on import: it is an entry point only.
 */
import { envSchema } from "../platform/config.js";
import { createDatabase, pgliteDirIn } from "../../db/client.js";
import { runSeasonAudit } from "../../db/seasonAudit.js";
import { formatAudit } from "../season/auditReport.js";

const env = envSchema.pick({ DATABASE_URL: true, DATA_DIR: true }).safeParse(Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== undefined && v !== "")));
if (!env.success) {
  console.error(`invalid configuration: ${env.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  process.exit(2);
}
const handle = await createDatabase({ url: env.data.DATABASE_URL, pgliteDir: pgliteDirIn(env.data.DATA_DIR) });
try {
  const checks = await runSeasonAudit(handle.db);
  const report = formatAudit(checks);
  console.log(`season:audit on ${handle.kind}`);
  console.log(report.text);
  process.exitCode = report.ok ? 0 : 1;
} catch (err) {
  console.error(`season:audit could not run: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 2;
} finally {
  await handle.close();
}
