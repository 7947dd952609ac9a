/**
 * `npm run bots -- --url ws://host:port --tables N [--seats 4] [--turn-seconds 30]`
 *
 * Plays N full tables of bots against any PZO server: each bot gets a guest session from the
 * server's REST API, the first bot of a table creates it, the others join it by id, and every
 * bot plays the house policy over a real WebSocket. Prints one line per finished table and a
 * summary; exits non-zero when a table did not finish.
 *
 * Guest logins share the server's `RATE_LIMIT_AUTH` budget (default 30/60 per client address), so
 * more than 7 tables of 4 from one address meet HTTP 429: the CLI then says so once and waits as
 * long as the server's `Retry-After` asks (up to `--max-login-wait` seconds in all, default 300).
 * On a server you run for bot play, raise `RATE_LIMIT_AUTH` (e.g. `RATE_LIMIT_AUTH=100000/60`).
 * Every bot here is a room connection from this one address: the server's cap
 * (`ROOM_CONNECTIONS_PER_ADDRESS`, default 100) holds 25 tables of 4 at once, and joins past it
 * are refused with `limits/too_many_connections`; raise it (or set 0) on such a server too. Each
 * bot makes one matchmaking request per table, within the per-address budget
 * (`MATCHMAKE_RATE_LIMIT`, default 300/60: 75 tables of 4 a minute).
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { smartPolicy } from "./policy.js";
import { GuestLoginError, guestLogin, httpBaseOf, startBotClient, type BotOutcome } from "./client.js";

const argsSchema = z.object({
  url: z.string().url(),
  tables: z.coerce.number().int().min(1).max(10_000),
  seats: z.coerce.number().int().min(3).max(5).default(4),
  "turn-seconds": z.coerce.number().min(1).max(600).default(30),
  "max-login-wait": z.coerce.number().min(0).max(3600).default(300),
});

let maxLoginWaitMs = 300_000;
let rateLimitedSaid = false;

/** A guest session; on HTTP 429 waits for the server's Retry-After (with jitter) and tries again. */
async function loginWithBackoff(http: string, displayName: string): Promise<{ token: string; playerId: string }> {
  const giveUpAt = performance.now() + maxLoginWaitMs;
  for (let attempt = 0; ; attempt++) {
    try {
      // Bot tables are tests of a server, not players: their guests never enter the ladder.
      return await guestLogin(http, displayName, { unranked: true });
    } catch (err) {
      if (!(err instanceof GuestLoginError) || err.status !== 429) throw err;
      const waitMs = (err.retryAfterSeconds ?? Math.min(60, 2 ** attempt)) * 1000 + Math.random() * 1000;
      if (performance.now() + waitMs > giveUpAt) {
        throw new Error(`guest logins are rate-limited by the server (HTTP 429) for longer than --max-login-wait; raise RATE_LIMIT_AUTH on the server or play fewer tables`, { cause: err });
      }
      if (!rateLimitedSaid) {
        rateLimitedSaid = true;
        console.log(
          `guest logins rate-limited by the server (HTTP 429, RATE_LIMIT_AUTH; default 30/60 per address): waiting ${Math.ceil(waitMs / 1000)} s as Retry-After asks, then retrying. ` +
            `On a server you run for bots, start it with e.g. RATE_LIMIT_AUTH=100000/60.`,
        );
      }
      await new Promise((r) => setTimeout(r, waitMs));
    }
  }
}

/** Plays one table; resolves with every bot's outcome. */
async function playTable(endpoint: string, table: number, seats: number, turnSeconds: number): Promise<BotOutcome[]> {
  const http = httpBaseOf(endpoint);
  const accounts = await Promise.all(Array.from({ length: seats }, (_, s) => loginWithBackoff(http, `cli-bot-${table}-${s}`)));
  const first = await startBotClient({ endpoint, token: accounts[0]!.token, target: { kind: "create", options: { seats, turnSeconds, isPublic: false } }, policy: smartPolicy });
  // The table is private: the others join with the invitation its creator was given.
  const invite = (await first.invite) ?? undefined;
  const target = { kind: "join", roomId: first.room.roomId, seat: null, ...(invite === undefined ? {} : { invite }) } as const;
  const others = await Promise.all(accounts.slice(1).map((a) => startBotClient({ endpoint, token: a.token, target, policy: smartPolicy })));
  return Promise.all([first, ...others].map((h) => h.done));
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { url: { type: "string" }, tables: { type: "string" }, seats: { type: "string" }, "turn-seconds": { type: "string" }, "max-login-wait": { type: "string" } } });
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) {
    console.error(`usage: npm run bots -- --url ws://host:port --tables N [--seats 3-5] [--turn-seconds S] [--max-login-wait S]\n${z.prettifyError(parsed.error)}`);
    return 2;
  }
  const { url, tables, seats } = parsed.data;
  maxLoginWaitMs = parsed.data["max-login-wait"] * 1000;
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
