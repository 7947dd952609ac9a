/**
 * One worker process of the load harness (started by run.ts with an IPC channel): it gets a job
 * (a range of tables), logs its clients in as guests, fills its tables with bot clients (the house
 * policy, Colyseus SDK over real WebSockets, a random think time before each move), and when the
 * games end or the deadline passes, sends back raw round-trip samples, the tables it saw and its
 * own event-loop delay, then exits.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { z } from "zod";
import { smartPolicy } from "../src/bots/policy.js";
import { guestLogin, httpBaseOf, startBotClient, type BotHandle, type BotOutcome, type MoveSample } from "../src/bots/client.js";
import { formatSched, LOOP_RESOLUTION_MS, loopDelayOf, pool, schedstat, workerJobSchema, type TableReport, type WorkerJob, type WorkerReport } from "./shared.js";

const send = (message: unknown): Promise<void> =>
  new Promise((resolve, reject) => {
    if (process.send === undefined) {
      reject(new Error("loadtest/worker.ts runs only as a child of loadtest/run.ts"));
      return;
    }
    process.send(message, undefined, {}, (err: Error | null) => (err === null ? resolve() : reject(err)));
  });

const indexSchema = z.object({ index: z.number() });

async function run(job: WorkerJob): Promise<WorkerReport> {
  const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  loop.enable();
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  const schedBefore = schedstat("self");
  const http = httpBaseOf(job.endpoint);
  const clients = job.tableCount * job.seats;
  const think = (): number => job.thinkMinMs + Math.random() * (job.thinkMaxMs - job.thinkMinMs);

  const roundTrips: number[] = [];
  let firstMoveAt: number | null = null;
  let lastMoveAt: number | null = null;
  const onMove = (s: MoveSample): void => {
    roundTrips.push(s.roundTripMs);
    const now = Date.now();
    lastMoveAt = now;
    if (firstMoveAt === null) firstMoveAt = now - s.roundTripMs;
  };

  const handles: BotHandle[] = [];
  const tables: { gameId: string; seenMax: number; handles: BotHandle[] }[] = [];
  let connectFailures = 0;
  let failureSample: string | null = null;
  const failed = (err: unknown, count: number): void => {
    connectFailures += count;
    failureSample ??= err instanceof Error ? err.message : String(err);
  };

  const progress = setInterval(() => void send({ type: "progress", worker: job.worker, connected: handles.length, moves: roundTrips.length }).catch(() => undefined), 5_000);

  const accounts = await pool(clients, 20, async (i) => {
    try {
      return await guestLogin(http, `load-${job.firstTable * job.seats + i}`, { unranked: job.unranked });
    } catch (err) {
      failed(err, 1);
      return null;
    }
  });

  // Table k of the run (over all workers) is created at rampStartAt + k/totalTables * rampMs, so
  // tables start (and their moves fall) spread out as real tables do, not in one burst.
  await pool(job.tableCount, job.rampMs > 0 ? job.tableCount : 10, async (t) => {
    const startAt = job.rampStartAt + ((job.firstTable + t) / job.totalTables) * job.rampMs;
    if (startAt > Date.now()) await new Promise((r) => setTimeout(r, startAt - Date.now()));
    const table = { gameId: "", seenMax: -1, handles: [] as BotHandle[] };
    tables.push(table);
    const watch = (m: unknown): void => {
      const parsed = indexSchema.safeParse(m);
      if (parsed.success) table.seenMax = Math.max(table.seenMax, parsed.data.index);
    };
    const own = accounts.slice(t * job.seats, (t + 1) * job.seats);
    const first = own[0];
    if (first === null || first === undefined) return;
    try {
      const creator = await startBotClient({
        endpoint: job.endpoint,
        token: first.token,
        target: { kind: "create", options: { seats: job.seats, turnSeconds: job.turnSeconds, isPublic: false } },
        policy: smartPolicy,
        moveDelayMs: think,
        onMove,
        onEvent: watch,
      });
      handles.push(creator);
      table.handles.push(creator);
      table.gameId = creator.room.roomId;
      // The tables are private: the others join with the invitation the creator was given.
      const invite = (await creator.invite) ?? undefined;
      for (const account of own.slice(1)) {
        if (account === null || account === undefined) continue;
        try {
          const target = { kind: "join", roomId: creator.room.roomId, seat: null, ...(invite === undefined ? {} : { invite }) } as const;
          const h = await startBotClient({ endpoint: job.endpoint, token: account.token, target, policy: smartPolicy, moveDelayMs: think, onMove, onEvent: watch });
          handles.push(h);
          table.handles.push(h);
        } catch (err) {
          failed(err, 1);
        }
      }
    } catch (err) {
      failed(err, job.seats);
    }
  });
  const connected = handles.length;

  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((r) => {
    timer = setTimeout(() => r(null), Math.max(0, job.deadline - Date.now()));
  });
  const outcomes = await Promise.race([Promise.all(handles.map((h) => h.done)), timeout]);
  clearTimeout(timer);
  clearInterval(progress);
  loop.disable();

  const byGame = new Map<string, BotOutcome[]>();
  for (const o of outcomes ?? []) byGame.set(o.gameId, [...(byGame.get(o.gameId) ?? []), o]);
  const reports: TableReport[] = tables
    .filter((t) => t.gameId !== "")
    .map((t) => ({ gameId: t.gameId, seenMax: t.seenMax, completed: outcomes !== null && (byGame.get(t.gameId)?.every((o) => o.completed) ?? false) }));

  const cpu = process.cpuUsage(cpuBefore);
  const wallSeconds = (performance.now() - wallBefore) / 1000;
  await Promise.all(handles.map((h) => h.leave()));
  return {
    type: "report",
    worker: job.worker,
    connected,
    connectFailures,
    failureSample,
    roundTrips,
    firstMoveAt,
    lastMoveAt,
    timedOut: outcomes === null,
    tables: reports,
    loopDelay: loopDelayOf(loop),
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    wallSeconds,
    sched: formatSched(schedBefore, schedstat("self")),
  };
}

// The coordinator went away (an error, Ctrl-C): so does this worker.
process.once("disconnect", () => process.exit(1));

process.once("message", (raw: unknown) => {
  const job = workerJobSchema.parse(raw);
  run(job)
    .then((report) => send(report))
    .then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`worker ${job.worker}:`, err);
        process.exit(1);
      },
    );
});
