/**
 * The lobby's season clock: the time left in the open season (`GET /api/seasons/current`,
 * docs/API.md), ticking locally once a second from the server's `secondsLeft` (so a wrong client
 * clock does not matter), and fetched again when it reaches 0 (the season ends within the
 * scheduler's next check) or when a fetch failed. Without a schedule it names the season only.
 */
import * as z from "zod/mini";
import { h } from "./dom.js";
import { request } from "./http.js";
import { seasonClockText } from "./seasonText.js";

const currentSeasonSchema = z.object({
  season: z.int(),
  startedAt: z.string(),
  endsAt: z.nullable(z.string()),
  secondsLeft: z.nullable(z.int()),
});

/** How often to ask again while the season is due but not ended yet, or after a failed fetch, ms. */
const REFETCH_MS = 5_000;
const RETRY_MS = 30_000;

/** A live clock element; call `stop` when the page closes. */
export function seasonClock(now: () => number = Date.now): { readonly element: HTMLElement; stop(): void } {
  const element = h("span", { class: "season-clock muted small", "data-testid": "season-clock", "aria-live": "off" });
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const later = (ms: number, fn: () => void): void => {
    if (!stopped) timer = setTimeout(fn, ms);
  };

  const tick = (season: number, endsAtLocal: number): void => {
    const left = Math.ceil((endsAtLocal - now()) / 1000);
    element.textContent = seasonClockText(season, left);
    element.dataset["secondsLeft"] = String(Math.max(0, left));
    if (left <= 0) later(REFETCH_MS, () => void load());
    // Next when the shown second changes (the remaining ms past a whole second), just after it.
    else later(((endsAtLocal - now()) % 1000 || 1000) + 5, () => tick(season, endsAtLocal));
  };

  const load = async (): Promise<void> => {
    const r = await request("/api/seasons/current", currentSeasonSchema);
    if (stopped) return;
    if (!r.ok) {
      element.textContent = "";
      later(RETRY_MS, () => void load());
      return;
    }
    element.dataset["season"] = String(r.data.season);
    if (r.data.secondsLeft === null) {
      element.textContent = seasonClockText(r.data.season, null);
      return;
    }
    tick(r.data.season, now() + r.data.secondsLeft * 1000);
  };

  void load();
  return {
    element,
    stop() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
    },
  };
}
