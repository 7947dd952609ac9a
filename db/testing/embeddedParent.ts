/**
 * A stand-in server for db/embedded.test.ts: opens the embedded database in the directory given
 * as its argument (a child process), writes the rows `value` 1..N of table `acked`, printing
 * `acked N` after each commit, with `embedded PID` first, then waits to be killed.
 */
import { sql } from "drizzle-orm";
import { createDatabase } from "../client.js";

const dir = process.argv[2];
if (dir === undefined) throw new Error("usage: embeddedParent DIR");
const handle = await createDatabase({ pgliteDir: dir });
process.stdout.write(`embedded ${handle.embedded?.pid ?? 0}\n`);
await handle.db.execute(sql`CREATE TABLE IF NOT EXISTS acked (value integer PRIMARY KEY)`);
for (let i = 1; i <= 20; i++) {
  await handle.db.execute(sql`INSERT INTO acked (value) VALUES (${i})`);
  process.stdout.write(`acked ${i}\n`);
}
setInterval(() => undefined, 60_000);
