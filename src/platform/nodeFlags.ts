/**
 * The Node (V8) flags the production server runs with, by backend: `npm start` (and the Docker
 * image's CMD, the same command) goes through scripts/start.mjs, which restarts itself once with
 * these flags (a test checks that its lists are these), and the benches and the load harness
 * start their servers with them, so their figures are the production server's.
 *
 * - `embedded` (no DATABASE_URL): semi-spaces capped at 8 MiB, a lean resident size
 *   (docs/OPERATIONS.md, "Embedded database").
 * - `postgres`: semi-spaces of up to 64 MiB. V8 otherwise sizes the young generation from the
 *   machine's memory, so the same server scavenges more often on a smaller machine. A scavenge
 *   stops the event loop, and at a few hundred requests a second those stops were the HTTP
 *   reads' p99 tail (docs/OPERATIONS.md, "Node flags"); a larger young generation makes them
 *   rarer, at the price of up to that much more RSS.
 *
 * V8 fixes the heap's limits when the process starts: `v8.setFlagsFromString` later changes nothing.
 */
export const SERVER_NODE_FLAGS = {
  embedded: ["--max-semi-space-size=8"],
  postgres: ["--max-semi-space-size=64"],
} as const satisfies Readonly<Record<string, readonly string[]>>;

/** The production server's flags for a server configured with this DATABASE_URL (unset or empty: embedded). */
export function serverNodeFlags(databaseUrl: string | undefined): readonly string[] {
  return databaseUrl === undefined || databaseUrl === "" ? SERVER_NODE_FLAGS.embedded : SERVER_NODE_FLAGS.postgres;
}
