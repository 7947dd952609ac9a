/**
 * The Season 0 event log over HTTP: the caller's own events as Server-Sent Events (resumable
 * with `Last-Event-ID`, which is the last `seq` seen), and every event for admins (cursor by
 * `seq`). Both read only up to the log's horizon (db/seasonLog.ts): no row at or below it can
 * commit later, so reading `seq > last` again after a dropped connection misses nothing and
 * repeats nothing. Live events come from the process's one feed (seasonFeed.ts).
 */
import { z } from "zod";
import { problem } from "../problem.js";
import { jsonRoute, none, ok, rawRoute } from "../route.js";
import { seasonEventSchema, seasonEventsQuery } from "../seasonSchemas.js";
import type { SeasonEvent } from "../../season/events.js";
import type { SeasonBatch } from "../seasonFeed.js";
import type { RouteDeps } from "./deps.js";

const HEARTBEAT_MS = 15_000;
const PAGE = 500;

function view(e: SeasonEvent): z.input<typeof seasonEventSchema> {
  return { seq: e.seq, type: e.type, playerId: e.playerId, payload: { ...e.payload }, createdAt: e.createdAt };
}

/** The season event routes. */
export function seasonEventRoutes(deps: RouteDeps) {
  const stream = rawRoute({
    method: "get",
    path: "/api/season/events/stream",
    summary: "The caller's own Season 0 events, live (Server-Sent Events)",
    description:
      "Each event is sent as `id: <seq>`, `event: <type>`, `data: <the event as JSON>`. Without Last-Event-ID the stream starts at the caller's first event; with it (header, or `lastEventId` query) it resumes after that `seq`: nothing is missed or repeated. New events arrive within about one poll interval (SEASON_STREAM_POLL_MS): one reader per server process polls the log for every open stream. A comment line is sent every 15 s.",
    tags: ["season"],
    access: "player",
    group: "stream",
    errors: [],
    params: none,
    query: z.object({ lastEventId: z.string().regex(/^\d{1,16}$/).optional().describe("Same as the Last-Event-ID header") }),
    produces: { contentType: "text/event-stream", description: "One SSE message per season event; `id` is its `seq`" },
    async handle({ auth, query, headers, signal }, res) {
      if (auth === null) return problem("auth/missing_token");
      const header = headers["last-event-id"];
      const given = typeof header === "string" && header !== "" ? header : query.lastEventId;
      if (given !== undefined && !/^\d{1,16}$/.test(given)) {
        return problem("validation/failed", "bad Last-Event-ID", { errors: [{ in: "header", path: "Last-Event-ID", message: "the seq of the last event received" }] });
      }
      let last = given === undefined ? 0 : Number(given);
      res.status(200);
      res.setHeader("Content-Type", "text/event-stream; charset=utf-8");
      res.setHeader("Cache-Control", "no-cache, no-transform");
      res.setHeader("Connection", "keep-alive");
      res.setHeader("X-Accel-Buffering", "no");
      res.flushHeaders();
      res.write("retry: 1000\n\n");
      const heartbeat = setInterval(() => res.write(": ping\n\n"), HEARTBEAT_MS);
      const send = (e: SeasonEvent): void => {
        if (e.seq <= last) return;
        res.write(`id: ${e.seq}\nevent: ${e.type}\ndata: ${JSON.stringify(view(e))}\n\n`);
        last = e.seq;
      };
      // Batches from the feed queue here while this stream writes; `covered`: every event of
      // this player up to there has been sent.
      const queue: SeasonBatch[] = [];
      let wake: (() => void) | null = null;
      const unsubscribe = deps.seasonFeed.subscribe(auth.playerId, (b) => {
        queue.push(b);
        wake?.();
      });
      const aborted = new Promise<void>((r) => signal.addEventListener("abort", () => r(), { once: true }));
      let covered = last;
      try {
        while (!signal.aborted) {
          const batch = queue.shift();
          if (batch === undefined) {
            await Promise.race([new Promise<void>((r) => (wake = r)), aborted]);
            wake = null;
            continue;
          }
          // The history before the feed's first batch (after a reconnect: what was missed).
          while (covered < batch.from && !signal.aborted) {
            const page = await deps.season.readEvents({ after: covered, upTo: batch.from, limit: PAGE, playerId: auth.playerId });
            for (const e of page.events) send(e);
            covered = page.events.length + page.errors.length < PAGE ? batch.from : page.lastSeq;
          }
          for (const e of batch.events) send(e);
          covered = Math.max(covered, batch.to);
        }
      } finally {
        unsubscribe();
        clearInterval(heartbeat);
        res.end();
      }
      return null;
    },
  });

  const all = jsonRoute({
    method: "get",
    path: "/api/admin/season/events",
    summary: "Every Season 0 event in seq order (admin; cursor `after` = the last seq seen)",
    tags: ["season", "admin"],
    access: "admin",
    group: "admin",
    errors: [],
    params: none,
    query: seasonEventsQuery,
    body: none,
    response: z.array(seasonEventSchema),
    paginated: true,
    async handler({ query, signal }) {
      const upTo = await deps.season.horizon(signal);
      // Null only when the client went away while the horizon waited: nobody reads this answer.
      if (upTo === null) return ok([], { meta: { nextCursor: null } });
      const page = await deps.season.readEvents({
        upTo,
        after: query.after ?? 0,
        limit: query.limit,
        ...(query.playerId === undefined ? {} : { playerId: query.playerId }),
        ...(query.type === undefined ? {} : { types: [query.type] }),
      });
      const full = page.events.length + page.errors.length === query.limit;
      return ok(page.events.map(view), { meta: { nextCursor: full ? String(page.lastSeq) : null } });
    },
  });

  return [stream, all];
}
