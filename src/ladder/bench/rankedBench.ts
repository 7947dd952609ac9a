/**
 * `npm run bench:ranked`: the ranked queue (src/ladder/rankedQueue.ts) under a simulated crowd,
 * through the pure queue and a fake clock (no server, no wall time: the figures are the queue's
 * decisions, not speed). 200 players of known skill (shown ratings drawn from a normal
 * distribution, mean 1500, sd 700, clipped to -300..3600, a seeded PRNG) arrive uniformly over
 * 2 minutes; the queue ticks every RANKED_TICK_MS until everyone is seated. Bot seats get the
 * ranked bots nearest the table's mean (src/ladder/botRatings.ts).
 *
 * Prints, per seed: tables formed, median and p90 wait, the median rating spread per table
 * (highest - lowest shown rating of its people, tables with two or more people; and of all its
 * seats, bots included), and the share of seats filled by bots. The RANKED_* variables are read
 * from the environment as the server reads them (defaults otherwise).
 */
import { sfc32 } from "../../game/prng.js";
import { loadConfig } from "../../platform/config.js";
import { pickBots } from "../botRatings.js";
import { parseBands, RankedQueue, type FormedTable } from "../rankedQueue.js";

const PLAYERS = Number(process.env["RANKED_BENCH_PLAYERS"] ?? 200);
const ARRIVAL_SECONDS = Number(process.env["RANKED_BENCH_ARRIVAL_SECONDS"] ?? 120);
const SEEDS = [1, 2, 3];

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

/** A normal draw (Box-Muller) from a uint32 source. */
function normal(next: () => number): number {
  const u = (next() + 1) / 4294967297;
  const v = (next() + 1) / 4294967297;
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

interface Outcome {
  readonly tables: readonly FormedTable[];
  readonly waits: readonly number[];
  readonly lastSeatedAt: number;
}

function simulate(seed: number, queue: RankedQueue, tickMs: number): Outcome {
  const next = sfc32(0x9e3779b9, seed, 0x85ebca6b, 0xc2b2ae35);
  for (let i = 0; i < 16; i++) next();
  const arrivals = Array.from({ length: PLAYERS }, (_, i) => ({
    playerId: `p${i}`,
    rating: Math.round(Math.min(3600, Math.max(-300, 1500 + 700 * normal(next)))),
    at: Math.floor(((next() / 4294967296) * ARRIVAL_SECONDS * 1000) / tickMs) * tickMs,
  })).sort((a, b) => a.at - b.at);
  const tables: FormedTable[] = [];
  const waits: number[] = [];
  let arrived = 0;
  let now = 0;
  for (; arrived < arrivals.length || queue.size > 0; now += tickMs) {
    for (; arrived < arrivals.length && (arrivals[arrived]?.at ?? Infinity) <= now; arrived++) {
      const a = arrivals[arrived];
      if (a !== undefined) queue.enqueue({ playerId: a.playerId, rating: a.rating, enqueuedAt: now });
    }
    for (const table of queue.tick(now)) {
      tables.push(table);
      for (const p of table.players) waits.push((now - p.enqueuedAt) / 1000);
    }
  }
  return { tables, waits: waits.sort((a, b) => a - b), lastSeatedAt: now / 1000 };
}

function main(): void {
  const config = loadConfig(process.env);
  const bands = parseBands(config.RANKED_BANDS);
  const queueConfig = { bands, seats: config.RANKED_SEATS, botFillSeconds: config.RANKED_BOT_FILL_SECONDS };
  console.log(`bench:ranked: ${PLAYERS} players of known skill (normal 1500 ± 700), arriving over ${ARRIVAL_SECONDS} s; RANKED_BANDS=${config.RANKED_BANDS} RANKED_SEATS=${config.RANKED_SEATS} RANKED_BOT_FILL_SECONDS=${config.RANKED_BOT_FILL_SECONDS} RANKED_TICK_MS=${config.RANKED_TICK_MS}; fake clock`);
  for (const seed of SEEDS) {
    const { tables, waits, lastSeatedAt } = simulate(seed, new RankedQueue(queueConfig), config.RANKED_TICK_MS);
    const seats = tables.length * config.RANKED_SEATS;
    const botSeats = tables.reduce((n, t) => n + t.bots, 0);
    const humanSpreads = tables.filter((t) => t.players.length >= 2).map((t) => Math.max(...t.players.map((p) => p.rating)) - Math.min(...t.players.map((p) => p.rating)));
    const allSpreads = tables.map((t) => {
      const ratings = [...t.players.map((p) => p.rating), ...pickBots(t.humanMean, t.bots).map((b) => b.shown)];
      return Math.max(...ratings) - Math.min(...ratings);
    });
    const byBots = [0, 1, 2, 3, 4].map((b) => tables.filter((t) => t.bots === b).length).join("/");
    console.log(
      `seed ${seed}: tables ${tables.length} (by bots 0/1/2/3/4: ${byBots}), wait median ${quantile(waits, 0.5).toFixed(1)} s, p90 ${quantile(waits, 0.9).toFixed(1)} s, max ${(waits.at(-1) ?? 0).toFixed(1)} s; ` +
        `rating spread per table median ${quantile(humanSpreads.sort((a, b) => a - b), 0.5)} (people, ${humanSpreads.length} tables), ${quantile(allSpreads.sort((a, b) => a - b), 0.5)} (all seats); ` +
        `bot seats ${botSeats}/${seats} = ${((100 * botSeats) / Math.max(1, seats)).toFixed(1)}%; last seated at ${lastSeatedAt.toFixed(0)} s`,
    );
  }
}

main();
