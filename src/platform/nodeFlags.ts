/**
 * The Node (V8) flags the production server runs with: `npm start` (package.json) and the
 * Docker image's CMD pass exactly these to `node scripts/start.mjs` (a test checks both), and the
 * benches and the load harness start their servers with them, so their figures are the
 * production server's.
 *
 * `--max-semi-space-size=64` (MiB): V8 sizes the young generation from the machine's memory
 * unless told, so the same server scavenges several times as often on a small machine (a 1 GB
 * Fly VM) as on a large one. A scavenge stops the event loop, and at a few hundred requests a
 * second those stops were the reads' p99 tail (docs/OPERATIONS.md, "Node flags"); a young
 * generation of up to 2 x 64 MiB makes them rarer, at the price of that much more RSS at most.
 * The flag must be given at start: V8 fixes the heap's limits when the process starts
 * (`v8.setFlagsFromString` later changes nothing).
 */
export const SERVER_NODE_FLAGS: readonly string[] = ["--max-semi-space-size=64"];
