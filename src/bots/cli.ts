/**
 * `npm run bots -- --url ws://host:port --tables N [--seats 4] [--turn-seconds 30]`
 *
 * Plays N full tables of bots against any PZO server: each bot gets a guest session from the
 * server's REST API, the first bot of a table creates it, the others join it by id, and every
 * bot plays the house policy over a real WebSocket. Prints one line per finished table and a
 * summary; exits non-zero when a table did not finish.
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { smartPolicy } from "./policy.js";
import { guestLogin, httpBaseOf, startBotClient, type BotOutcome } from "./client.js";

const argsSchema = z.object({
  url: z.string().url(),
  tables: z.coerce.number().int().min(1).max(10_000),
  seats: z.coerce.number().int().min(3).max(5).default(4),
  "turn-seconds": z.coerce.number().min(1).max(600).default(30),
});

/** Plays one table; resolves with every bot's outcome. */
async function playTable(endpoint: string, table: number, seats: number, turnSeconds: number): Promise<BotOutcome[]> {
  const http = httpBaseOf(endpoint);
  const accounts = await Promise.all(Array.from({ length: seats }, (_, s) => guestLogin(http, `cli-bot-${table}-${s}`)));
  const first = await startBotClient({ endpoint, token: accounts[0]!.token, target: { kind: "create", options: { seats, turnSeconds, isPublic: false } }, policy: smartPolicy });
  const others = await Promise.all(
    accounts.slice(1).map((a) => startBotClient({ endpoint, token: a.token, target: { kind: "join", roomId: first.room.roomId, seat: null }, policy: smartPolicy })),
  );
  return Promise.all([first, ...others].map((h) => h.done));
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { url: { type: "string" }, tables: { type: "string" }, seats: { type: "string" }, "turn-seconds": { type: "string" } } });
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) {
    console.error(`usage: npm run bots -- --url ws://host:port --tables N [--seats 3-5] [--turn-seconds S]\n${z.prettifyError(parsed.error)}`);
    return 2;
  }
  const { url, tables, seats } = parsed.data;
  const started = performance.now();
  const results = await Promise.allSettled(Array.from({ length: tables }, (_, t) => playTable(url, t, seats, parsed.data["turn-seconds"])));
  let finished = 0;
  results.forEach((r, t) => {
    if (r.status === "rejected") {
      console.log(`table ${t}: FAILED ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`);
      return;
    }
    const outcomes = r.value;
    const done = outcomes.every((o) => o.completed);
    if (done) finished += 1;
    const first = outcomes[0];
    const scores = first?.finalScores.join(" ") ?? "";
    const moves = outcomes.reduce((n, o) => n + o.moves, 0);
    console.log(`table ${t}: game ${first?.gameId ?? "?"} ${done ? "completed" : "NOT completed"}; scores [${scores}]; winners [${first?.winners.join(" ") ?? ""}]; ${moves} moves`);
  });
  const seconds = (performance.now() - started) / 1000;
  console.log(`${finished}/${tables} tables completed in ${seconds.toFixed(1)} s`);
  return finished === tables ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
