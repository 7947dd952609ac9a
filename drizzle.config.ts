import { defineConfig } from "drizzle-kit";

/**
 * drizzle-kit configuration: `npm run db:generate` diffs `db/schema` against the snapshots in
 * `drizzle/meta` and writes the next migration. Generation needs no database connection.
 */
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema/index.ts",
  out: "./drizzle",
  // Spec 004 §7: timestamp-based migration file names.
  migrations: { prefix: "timestamp" },
  strict: true,
  verbose: true,
});
