/**
 * `npm run verify -- <source>`: checks a finished game's deals from its public log.
 *
 * `<source>` is a file of NDJSON as served by `GET /api/games/:id/events`, an http(s) URL of
 * that route, or `-` for standard input. Exit code 0 when the game verifies, 1 when it does not,
 * 2 on a usage or read error.
 */
import { readFile } from "node:fs/promises";
import { text as readStream } from "node:stream/consumers";
import { verifyLogText } from "./verifyLog.js";

async function readSource(source: string): Promise<string> {
  if (source === "-") return readStream(process.stdin);
  if (/^https?:\/\//.test(source)) {
    const res = await fetch(source);
    if (!res.ok) throw new Error(`${source} answered ${res.status}: ${await res.text()}`);
    return res.text();
  }
  return readFile(source, "utf8");
}

const source = process.argv[2];
if (source === undefined) {
  console.error("usage: npm run verify -- <events.ndjson | http://host/api/games/:id/events | ->");
  process.exit(2);
}
let text: string;
try {
  text = await readSource(source);
} catch (e) {
  console.error(`cannot read ${source}: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(2);
}
const verdict = verifyLogText(text);
if (verdict.ok) {
  const from =
    verdict.fairness === "v2"
      ? `server seed ${verdict.sessionSeed} and client seeds ${verdict.clientSeeds.join(", ")} (fairness v2)`
      : `seed ${verdict.sessionSeed} (fairness v1)`;
  console.log(`FAIR: game ${verdict.gameId}, ${verdict.events} events; every deal recomputed from ${from} matches, and sha256(seed) = ${verdict.seedCommitment} as committed at creation.`);
} else {
  console.log(`NOT VERIFIED (${verdict.problems.length} problem(s)):`);
  for (const p of verdict.problems) console.log(`- ${p}`);
  process.exit(1);
}
