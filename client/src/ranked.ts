/**
 * Ranked quick match in the page: joins the `ranked` room, keeps the search's state (the band,
 * counted seconds, the next widening) from `ranked/searching`, and hands the table over on
 * `ranked/matched` (docs/PROTOCOL.md, "The ranked room"). The view is views/rankedView.ts.
 */
import * as z from "zod/mini";
import { joinErrorText, joinRanked, type AnyRoom } from "./net.js";

const searchingSchema = z.object({
  rating: z.number(),
  band: z.nullable(z.number()),
  waitedSeconds: z.number(),
  nextWideningSeconds: z.nullable(z.number()),
  botFillSeconds: z.number(),
});
const matchedSchema = z.object({ roomId: z.string(), invite: z.string(), seats: z.int(), bots: z.int(), waitedSeconds: z.number() });

export type RankedSearching = z.infer<typeof searchingSchema>;
export type RankedMatched = z.infer<typeof matchedSchema>;

/** What the ranked panel shows. */
export type RankedState =
  | { readonly phase: "idle" }
  | { readonly phase: "joining" }
  | { readonly phase: "searching"; readonly search: RankedSearching }
  | { readonly phase: "matched"; readonly matched: RankedMatched }
  | { readonly phase: "failed"; readonly message: string };

/** One search: `cancel()` leaves the queue; `stop()` (page left) too, quietly. */
export interface RankedSearch {
  cancel(): void;
  stop(): void;
}

/** The search one second later, as the page counts it between server messages. */
export function counted(search: RankedSearching, seconds: number): RankedSearching {
  return { ...search, waitedSeconds: search.waitedSeconds + seconds };
}

/** Starts searching; every change of state goes to `onState`, the matched table to `onMatched`. */
export function startRankedSearch(onState: (state: RankedState) => void, onMatched: (matched: RankedMatched) => void): RankedSearch {
  let room: AnyRoom | null = null;
  let stopped = false;
  let search: RankedSearching | null = null;
  let ticker: ReturnType<typeof setInterval> | null = null;
  const end = (): void => {
    if (ticker !== null) clearInterval(ticker);
    ticker = null;
  };
  onState({ phase: "joining" });
  void joinRanked().then(
    (joined) => {
      room = joined;
      if (stopped) return void joined.leave(true);
      joined.onMessage("ranked/searching", (payload: unknown) => {
        const p = searchingSchema.safeParse(payload);
        if (!p.success) return;
        search = p.data;
        onState({ phase: "searching", search });
      });
      joined.onMessage("ranked/matched", (payload: unknown) => {
        const p = matchedSchema.safeParse(payload);
        if (!p.success) return;
        end();
        onState({ phase: "matched", matched: p.data });
        onMatched(p.data);
      });
      joined.onMessage("ranked/cancelled", () => undefined);
      joined.onMessage("result", () => undefined);
      joined.onLeave(() => {
        const interrupted = ticker !== null && !stopped;
        end();
        if (interrupted) onState({ phase: "failed", message: "The ranked search was interrupted; try again." });
      });
      ticker = setInterval(() => {
        if (search === null) return;
        search = counted(search, 1);
        onState({ phase: "searching", search });
      }, 1000);
    },
    (e: unknown) => {
      if (!stopped) onState({ phase: "failed", message: joinErrorText(e) });
    },
  );
  const leave = (): void => {
    stopped = true;
    end();
    if (room !== null) {
      room.send("cancel");
      void room.leave(true);
    }
  };
  return {
    cancel() {
      leave();
      onState({ phase: "idle" });
    },
    stop: leave,
  };
}
