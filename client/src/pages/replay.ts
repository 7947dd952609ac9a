/**
 * `#/replay/:gameId[?at=N]`: a finished game from its public log, every hand shown. The page
 * folds the log with the engine itself (`evolve`, one state per event), so seeking to any event
 * is instant and shows exactly `fold(events[0, N))`.
 */
import { evolve } from "../../../src/game/evolve.js";
import type { GameEvent, GameState } from "../../../src/game/types.js";
import { cardLabel } from "../cards.js";
import { h, keepFocus, mount } from "../dom.js";
import { parseLog } from "../events.js";
import { fetchRaw } from "../http.js";
import { modelFromGameState } from "../model.js";
import { tableView } from "../views/tableView.js";
import { keyTarget, roundAt, roundJump, roundStartPositions } from "./replayNav.js";

/** Playback speeds, in events per second. */
const SPEEDS = [1, 2, 4, 8, 16, 32] as const;
const DEFAULT_SPEED = 4;

function describe(e: GameEvent, state: GameState): string {
  const name = (seat: number): string => state.seats[seat]?.occupant?.displayName ?? `Seat ${seat + 1}`;
  switch (e.type) {
    case "game_created":
      return `Table created (${e.config.seats} seats)`;
    case "player_joined":
      return `${e.displayName} sat in seat ${e.seat + 1}`;
    case "player_left":
      return `${name(e.seat)} left`;
    case "seat_taken_by_bot":
      return `${e.botName} (bot) took over seat ${e.seat + 1}`;
    case "game_started":
      return "The game started";
    case "round_started":
      return `Round ${e.round}: ${name(e.dealer)} deals, trump ${cardLabel(e.trumpCard)}`;
    case "bid_placed":
      return `${name(e.seat)} bid ${e.bid}${e.auto ? " (timed out)" : ""}`;
    case "card_played":
      return `${name(e.seat)} played ${cardLabel(e.card)}${e.auto ? " (timed out)" : ""}`;
    case "trick_won":
      return `${name(e.seat)} won trick ${e.trick}`;
    case "round_scored":
      return `Round ${e.round} scored`;
    case "game_completed":
      return "Game over";
    default: {
      const never: never = e;
      return String(never);
    }
  }
}

export function replayPage(root: HTMLElement, gameId: string, startAt: number | null): () => void {
  let closed = false;
  let onKey: ((ev: KeyboardEvent) => void) | null = null;
  let timer: ReturnType<typeof setInterval> | null = null;
  mount(root, h("p", { class: "muted", "data-testid": "replay-loading" }, "Loading the game's log…"));

  const load = async (): Promise<void> => {
    const res = await fetchRaw(`/api/games/${encodeURIComponent(gameId)}/events`);
    if (closed) return;
    if (!(res instanceof Response) || !res.ok) {
      const why =
        res instanceof Response
          ? res.status === 409
            ? "This game is still being played: its replay opens when it ends."
            : res.status === 404
              ? "There is no such game."
              : `The server answered ${res.status}.`
          : res.message;
      mount(root, h("div", { class: "panel", "data-testid": "replay-error", role: "alert" }, why, " ", h("a", { href: "#/lobby" }, "Back to the lobby")));
      return;
    }
    const log = parseLog(await res.text());
    if (closed) return;
    if (!log.ok || log.events.length === 0) {
      mount(root, h("div", { class: "panel", "data-testid": "replay-error", role: "alert" }, `The log cannot be read: ${log.ok ? "it is empty" : log.error}`));
      return;
    }
    const events = log.events;
    // states[i] is the fold of events [0, i]; position p (1..N) shows states[p - 1].
    const states: GameState[] = [];
    try {
      let s: GameState | null = null;
      for (const e of events) {
        s = evolve(s, e);
        states.push(s);
      }
    } catch (e: unknown) {
      mount(root, h("div", { class: "panel", "data-testid": "replay-error", role: "alert" }, `The log does not fold: ${e instanceof Error ? e.message : String(e)}`));
      return;
    }
    start(events, states);
  };

  const start = (events: readonly GameEvent[], states: readonly GameState[]): void => {
    const total = events.length;
    let position = Math.min(total, Math.max(1, startAt ?? 1));
    let playing = startAt === null;
    let speed: number = DEFAULT_SPEED;

    const playButton = h("button", { type: "button", "data-testid": "replay-play", "data-key": "play" });
    const back = h("button", { type: "button", "data-testid": "replay-back", "aria-label": "Previous event" }, "◀");
    const fwd = h("button", { type: "button", "data-testid": "replay-forward", "aria-label": "Next event" }, "▶");
    const scrubber = h("input", {
      type: "range", min: 1, max: total, step: 1, value: position, id: "replay-scrubber",
      "data-testid": "replay-scrubber", "aria-label": "Event",
    });
    const speedSelect = h("select", { id: "replay-speed", "data-testid": "replay-speed" },
      SPEEDS.map((s) => h("option", { value: s, selected: s === DEFAULT_SPEED }, `${s} events/s`)),
    );
    const positionText = h("span", { "data-testid": "replay-position", "aria-live": "polite" });
    const eventText = h("span", { class: "muted", "data-testid": "replay-event" });
    const host = h("div", { class: "table-host" });
    const roundStarts = roundStartPositions(events);
    const prevRound = h("button", { type: "button", "data-testid": "replay-prev-round", "aria-label": "Previous round (Page Up)" }, "⏮ Round");
    const nextRound = h("button", { type: "button", "data-testid": "replay-next-round", "aria-label": "Next round (Page Down)" }, "Round ⏭");
    const roundText = h("span", { class: "muted", "data-testid": "replay-round" });

    const draw = (): void => {
      // The position lives in the URL: a reload or a shared link opens the same moment.
      const url = `#/replay/${encodeURIComponent(gameId)}?at=${position}`;
      if (window.location.hash !== url) window.history.replaceState(null, "", url);
      const state = states[position - 1];
      const event = events[position - 1];
      if (state === undefined || event === undefined) return;
      scrubber.value = String(position);
      scrubber.setAttribute("aria-valuetext", `event ${position} of ${total}`);
      positionText.textContent = `Event ${position} of ${total}`;
      positionText.dataset["position"] = String(position);
      eventText.textContent = describe(event, state);
      playButton.textContent = playing ? "Pause" : "Play";
      playButton.setAttribute("aria-pressed", playing ? "true" : "false");
      back.disabled = position <= 1;
      fwd.disabled = position >= total;
      const round = roundAt(roundStarts, position);
      prevRound.disabled = position <= 1;
      nextRound.disabled = roundStarts.every((p) => p <= position);
      roundText.textContent = round === 0 ? "before round 1" : `round ${round}`;
      keepFocus(host, () => mount(host, tableView(modelFromGameState(state), { mySeat: null, showAllHands: true, endLinks: false })));
    };

    const stop = (): void => {
      playing = false;
      if (timer !== null) clearInterval(timer);
      timer = null;
    };
    const run = (): void => {
      if (timer !== null) clearInterval(timer);
      timer = null;
      if (!playing) return;
      if (position >= total) position = 1;
      timer = setInterval(() => {
        if (position >= total) {
          stop();
        } else {
          position += 1;
        }
        draw();
      }, 1000 / speed);
    };
    const seek = (p: number): void => {
      position = Math.min(total, Math.max(1, Math.round(p)));
      draw();
    };

    const jumpRound = (direction: -1 | 1): void => {
      stop();
      seek(roundJump(roundStarts, position, direction));
    };
    prevRound.addEventListener("click", () => jumpRound(-1));
    nextRound.addEventListener("click", () => jumpRound(1));
    // Arrow keys step (the scrubber does the same when it has focus), PageUp/PageDown jump by
    // round, Home/End go to the ends; never while typing in a field or choosing the speed.
    onKey = (ev: KeyboardEvent): void => {
      const t = ev.target;
      if (t instanceof HTMLInputElement || t instanceof HTMLSelectElement || t instanceof HTMLTextAreaElement) return;
      if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
      const to = keyTarget(ev.key, position, total, roundStarts);
      if (to === null) return;
      ev.preventDefault();
      stop();
      seek(to);
    };
    document.addEventListener("keydown", onKey);

    playButton.addEventListener("click", () => {
      playing = !playing;
      run();
      draw();
    });
    back.addEventListener("click", () => {
      stop();
      seek(position - 1);
    });
    fwd.addEventListener("click", () => {
      stop();
      seek(position + 1);
    });
    scrubber.addEventListener("input", () => {
      stop();
      seek(Number(scrubber.value));
    });
    speedSelect.addEventListener("change", () => {
      speed = Number(speedSelect.value);
      run();
    });

    mount(
      root,
      h(
        "div",
        { class: "replay", "data-testid": "replay", "data-total": total },
        h(
          "header",
          { class: "panel replay-head" },
          h("h1", null, "Replay"),
          h("p", { class: "muted small" }, "Game ", h("code", null, gameId), " · ",
            h("a", { href: `#/verify/${gameId}`, "data-testid": "verify-link" }, "Fairness check"),
          ),
          h(
            "div",
            { class: "replay-controls", role: "group", "aria-label": "Replay controls" },
            prevRound, back, playButton, fwd, nextRound,
            h("label", { for: "replay-scrubber", class: "scrub" }, scrubber),
            h("label", { for: "replay-speed" }, "Speed ", speedSelect),
          ),
          h("p", null, positionText, " (", roundText, ") — ", eventText),
          h("p", { class: "muted small" }, "Keys: ← → step, Page Up / Page Down jump by round, Home / End."),
        ),
        host,
      ),
    );
    draw();
    run();
  };

  void load();
  return () => {
    closed = true;
    if (timer !== null) clearInterval(timer);
    if (onKey !== null) document.removeEventListener("keydown", onKey);
  };
}
