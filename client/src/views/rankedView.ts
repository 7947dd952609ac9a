/**
 * The ranked search panel (lobby): the player's rating, the band they are matched within now and
 * when it widens, the seconds waited and when bots fill the table, and Cancel.
 */
import { h, keepFocus, mount } from "../dom.js";
import type { RankedSearching, RankedState } from "../ranked.js";

/** `1:05` from 65 seconds. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/** The band in words: `±200 (1,000 to 1,400)`, or `any rating`. */
export function bandText(search: Pick<RankedSearching, "rating" | "band">): string {
  if (search.band === null) return "any rating";
  return `±${search.band} (${search.rating - search.band} to ${search.rating + search.band})`;
}

function searchingView(search: RankedSearching, onCancel: () => void): HTMLElement {
  const widens = search.nextWideningSeconds === null ? "It is as wide as it gets." : `It widens in ${Math.max(0, search.nextWideningSeconds - search.waitedSeconds)} s.`;
  const botsIn = Math.max(0, search.botFillSeconds - search.waitedSeconds);
  return h(
    "div",
    { class: "ranked-search", "data-testid": "ranked-search", role: "status" },
    h("p", null, "Searching for a ranked table… ", h("strong", { "data-testid": "ranked-wait" }, clock(search.waitedSeconds))),
    h("p", null, "Your rating ", h("strong", { "data-testid": "ranked-rating" }, String(search.rating)), search.band === null ? ". Matching players of " : ". Matching players within ", h("strong", { "data-testid": "ranked-band" }, bandText(search)), ". ", widens),
    h("p", { class: "muted" }, botsIn > 0 ? `Bots of a similar rating fill the empty seats in ${botsIn} s.` : "Bots of a similar rating are filling the empty seats."),
    h("button", { type: "button", "data-testid": "ranked-cancel", "data-key": "ranked-cancel", onclick: onCancel }, "Cancel"),
  );
}

/** Draws `state` into `box` (empty when idle). */
export function drawRanked(box: HTMLElement, state: RankedState, onCancel: () => void): void {
  switch (state.phase) {
    case "idle":
      mount(box);
      return;
    case "joining":
      mount(box, h("p", { class: "ranked-search", "data-testid": "ranked-search", role: "status" }, "Joining the ranked queue…"));
      return;
    case "searching":
      keepFocus(box, () => mount(box, searchingView(state.search, onCancel)));
      return;
    case "matched":
      mount(box, h("p", { class: "ranked-search", "data-testid": "ranked-matched", role: "status" }, `Table found after ${clock(state.matched.waitedSeconds)}: taking your seat…`));
      return;
    case "failed":
      mount(box, h("p", { class: "rejection", role: "alert", "data-testid": "ranked-failed" }, state.message));
      return;
    default: {
      const never: never = state;
      throw new Error(`unknown ranked state ${JSON.stringify(never)}`);
    }
  }
}
