/**
 * Draws a `TableModel`: seats with bids against tricks and scores, trump, the trick on the
 * table, the viewer's hand and bids (only legal ones are enabled), the score sheet and, at the
 * end, the winners with links to the replay and the fairness check. Pure DOM building: the page
 * that owns the room decides when to call it.
 */
import type { Card } from "../../../src/game/types.js";
import { ROUND_COUNT } from "../../../src/game/types.js";
import { cardLabel, cardName, isRed, sortHand, suitName, suitOf } from "../cards.js";
import { h } from "../dom.js";
import type { SeatModel, TableModel } from "../model.js";
import { cardBack, cardFace } from "./cardView.js";

export interface TableViewOptions {
  /** The viewer's seat, or null for a spectator or a replay. */
  readonly mySeat: number | null;
  /** Show every seat's hand (replays). */
  readonly showAllHands: boolean;
  /** Called when the viewer picks a legal bid / card; absent in a replay. */
  readonly onBid?: (bid: number) => void;
  readonly onPlay?: (card: Card) => void;
  /** A move was sent and its answer has not come back: controls stay disabled meanwhile. */
  readonly pending?: boolean;
  /** Links at the end; the replay page leaves them out. */
  readonly endLinks?: boolean;
}

export function seatName(model: TableModel, seat: number): string {
  const s = model.seats[seat];
  if (!s || !s.occupied) return `Seat ${seat + 1}`;
  return s.displayName || `Seat ${seat + 1}`;
}

function phaseText(model: TableModel): string {
  switch (model.phase) {
    case "waiting":
      return "Waiting for players";
    case "bidding":
      return "Bidding";
    case "playing":
      return `Trick ${model.trick} of ${model.round}`;
    case "completed":
      return "Game over";
    default: {
      const never: never = model.phase;
      return String(never);
    }
  }
}

/** "Your turn" / "Bob's turn" / "". */
export function turnText(model: TableModel, mySeat: number | null): string {
  if (model.turn === null) return "";
  const action = model.phase === "bidding" ? "bid" : "play";
  if (model.turn === mySeat) return `Your turn to ${action}`;
  return `${seatName(model, model.turn)} to ${action}`;
}

function seatPanel(model: TableModel, s: SeatModel, opts: TableViewOptions): HTMLElement {
  const isTurn = model.turn === s.seat;
  const isMe = opts.mySeat === s.seat;
  const isDealer = model.dealer === s.seat && model.round > 0;
  const won = model.phase === "completed" && model.winners.includes(s.seat);
  const hand = opts.showAllHands ? model.hands.get(s.seat) : undefined;
  const badges = [
    isMe ? h("span", { class: "badge me" }, "you") : null,
    s.isBot ? h("span", { class: "badge" }, "bot") : null,
    isDealer ? h("span", { class: "badge", title: "dealer" }, "dealer") : null,
    s.away ? h("span", { class: "badge warn" }, "away") : null,
    s.occupied && !s.connected && !s.isBot && !s.away ? h("span", { class: "badge warn" }, "offline") : null,
    won ? h("span", { class: "badge win" }, "winner") : null,
    s.seatFrame === null ? null : h("span", { class: "badge cosmetic", title: "seat frame" }, s.seatFrame.replace(/_/g, " ")),
    s.cardBack === null ? null : h("span", { class: "badge cosmetic", title: "card back" }, s.cardBack.replace(/_/g, " ")),
  ];
  const bidText = s.bid === null ? "–" : String(s.bid);
  return h(
    "li",
    {
      class: `seat${isTurn ? " turn" : ""}${isMe ? " mine" : ""}${won ? " won" : ""}`,
      "data-testid": `seat-${s.seat}`,
      "data-seat": s.seat,
      "data-card-back": s.cardBack,
      "data-seat-frame": s.seatFrame,
      "aria-current": isTurn ? "true" : null,
    },
    h("div", { class: "seat-head" }, h("span", { class: "seat-name", "data-testid": "seat-name" }, s.occupied ? s.displayName : "(empty seat)"), badges),
    h(
      "dl",
      { class: "seat-stats" },
      h("div", null, h("dt", null, "bid"), h("dd", { "data-testid": "seat-bid" }, bidText)),
      h("div", null, h("dt", null, "tricks"), h("dd", { "data-testid": "seat-tricks" }, String(s.tricks))),
      h("div", null, h("dt", null, "score"), h("dd", { "data-testid": "seat-score" }, String(s.score))),
    ),
    hand
      ? h(
          "div",
          { class: "seat-hand", "data-testid": `seat-hand-${s.seat}`, "aria-label": `${seatName(model, s.seat)}'s hand` },
          hand.length === 0 ? h("span", { class: "muted" }, "no cards") : sortHand(hand).map((c) => cardFace(c, { "data-testid": "seat-hand-card" })),
        )
      : !isMe && s.handSize > 0
        ? h("div", { class: "seat-backs", "aria-label": `${s.handSize} cards` }, Array.from({ length: Math.min(s.handSize, 10) }, cardBack))
        : null,
  );
}

function trickArea(model: TableModel): HTMLElement {
  const plays = model.currentTrick;
  const showLast = plays.length === 0 && model.lastTrick !== null && model.phase !== "completed";
  const shown = showLast && model.lastTrick ? model.lastTrick.plays : plays;
  const caption =
    plays.length > 0
      ? "Current trick"
      : showLast && model.lastTrick
        ? `Last trick, won by ${seatName(model, model.lastTrick.seat)}`
        : "No cards on the table";
  return h(
    "section",
    { class: `trick${showLast ? " last" : ""}`, "data-testid": "current-trick", "aria-label": caption, "aria-live": "polite" },
    h("h2", { class: "caption" }, caption),
    h(
      "ol",
      { class: "trick-cards" },
      shown.map((p, i) =>
        h(
          "li",
          {
            "data-testid": showLast ? "last-trick-card" : "trick-card",
            "data-seat": p.seat,
            "data-card": p.card,
            // The newest card travels in; a finished trick's winning card is marked (CSS moves it).
            class: showLast ? (model.lastTrick?.seat === p.seat ? "winner" : null) : i === shown.length - 1 ? "enter" : null,
          },
          cardFace(p.card),
          h("span", { class: "who" }, seatName(model, p.seat)),
        ),
      ),
    ),
  );
}

function handArea(model: TableModel, opts: TableViewOptions): HTMLElement | null {
  if (opts.mySeat === null) return null;
  const hand = model.hands.get(opts.mySeat);
  if (!hand) return null;
  const legal = new Set<string>(model.legalCards);
  const myTurnToPlay = model.phase === "playing" && model.turn === opts.mySeat;
  const cards = sortHand(hand);
  const buttons = cards.map((c: Card) => {
    const ok = myTurnToPlay && legal.has(c) && opts.pending !== true && opts.onPlay !== undefined;
    return h(
      "button",
      {
        type: "button",
        class: `card play${isRed(c) ? " red" : ""}${ok ? " legal" : ""}`,
        "data-testid": "hand-card",
        "data-card": c,
        "data-legal": ok ? "true" : "false",
        "data-key": `card-${c}`,
        "aria-label": ok ? `Play ${cardName(c)}` : `${cardName(c)}${myTurnToPlay ? ", cannot be played now" : ""}`,
        disabled: !ok,
        onclick: () => {
          if (ok) opts.onPlay?.(c);
        },
      },
      cardLabel(c),
    );
  });
  return h(
    "section",
    { class: "hand", "data-testid": "hand", "aria-label": "Your hand" },
    h("h2", { class: "caption" }, `Your hand (${cards.length})`),
    h("div", { class: "hand-cards", role: "group", "aria-label": "Your cards" }, buttons),
  );
}

function bidArea(model: TableModel, opts: TableViewOptions): HTMLElement | null {
  if (opts.mySeat === null || model.phase !== "bidding" || model.turn !== opts.mySeat || opts.onBid === undefined) return null;
  const legal = new Set(model.legalBids);
  const options: HTMLElement[] = [];
  for (let b = 0; b <= model.round; b++) {
    const ok = legal.has(b) && opts.pending !== true;
    options.push(
      h(
        "button",
        {
          type: "button",
          class: `bid${ok ? " legal" : ""}`,
          "data-testid": "bid-button",
          "data-bid": b,
          "data-legal": ok ? "true" : "false",
          "data-key": `bid-${b}`,
          "aria-label": ok ? `Bid ${b}` : `Bid ${b}, not allowed${legal.has(b) ? "" : ` (the bids may not add up to ${model.round})`}`,
          disabled: !ok,
          onclick: () => {
            if (ok) opts.onBid?.(b);
          },
        },
        String(b),
      ),
    );
  }
  const hooked = Array.from({ length: model.round + 1 }, (_, b) => b).filter((b) => !legal.has(b));
  return h(
    "section",
    { class: "bids", "data-testid": "bid-controls", "aria-label": "Your bid" },
    h("h2", { class: "caption" }, `How many tricks will you take? (round ${model.round})`),
    h("div", { class: "bid-buttons", role: "group", "aria-label": "Bids" }, options),
    hooked.length > 0 && legal.size > 0
      ? h(
          "p",
          { class: "hint", "data-testid": "bid-hook-reason" },
          `You deal, so you may not bid ${hooked.join(" or ")}: the bids may not add up to ${model.round}, the number of tricks this round.`,
        )
      : null,
  );
}

function scoreSheet(model: TableModel): HTMLElement {
  const seats = model.seats;
  const running = seats.map(() => 0);
  const rows = model.roundResults.map((results, i) =>
    h(
      "tr",
      null,
      h("th", { scope: "row" }, String(i + 1)),
      seats.map((s) => {
        const r = results.find((x) => x.seat === s.seat);
        if (!r) return h("td", null, "");
        running[s.seat] = (running[s.seat] ?? 0) + r.points;
        return h(
          "td",
          { class: r.misplay === 0 ? "made" : "missed", title: `bid ${r.bid}, took ${r.tricks}` },
          `${r.points > 0 ? "+" : ""}${r.points}`,
          h("span", { class: "sub" }, ` (${r.bid}/${r.tricks})`),
        );
      }),
    ),
  );
  return h(
    "section",
    { class: "sheet", "aria-label": "Score sheet" },
    h(
      "table",
      { "data-testid": "score-sheet" },
      h("caption", null, "Scores by round (bid/tricks)"),
      h("thead", null, h("tr", null, h("th", { scope: "col" }, "Round"), seats.map((s) => h("th", { scope: "col" }, seatName(model, s.seat))))),
      h("tbody", null, rows),
      h(
        "tfoot",
        null,
        h("tr", null, h("th", { scope: "row" }, "Total"), seats.map((s) => h("td", { "data-testid": "sheet-total" }, String(s.score)))),
      ),
    ),
  );
}

function finalArea(model: TableModel, opts: TableViewOptions): HTMLElement | null {
  if (model.phase !== "completed") return null;
  const names = model.winners.map((w) => seatName(model, w));
  const ranked = [...model.seats].sort((a, b) => b.score - a.score);
  const me = opts.mySeat;
  const headline =
    me !== null && model.winners.includes(me)
      ? model.winners.length > 1
        ? "You share the win!"
        : "You win!"
      : `${names.join(" and ")} ${names.length > 1 ? "win" : "wins"}`;
  return h(
    "section",
    { class: "final", "data-testid": "final-scores", "aria-label": "Final scores", tabindex: "-1" },
    h("h2", { "data-testid": "winners" }, headline),
    h(
      "ol",
      { class: "final-list" },
      ranked.map((s) =>
        h(
          "li",
          { "data-testid": model.winners.includes(s.seat) ? "winner" : "final-row", "data-seat": s.seat },
          h("span", null, seatName(model, s.seat)),
          h("strong", { "data-testid": "final-score" }, String(s.score)),
        ),
      ),
    ),
    opts.endLinks === false
      ? null
      : h(
          "p",
          { class: "links" },
          h("a", { href: `#/replay/${model.gameId}`, "data-testid": "replay-link" }, "Watch the replay"),
          " · ",
          h(
            "a",
            { href: `#/verify/${model.gameId}`, "data-testid": "verify-link" },
            "Check the deal's fairness",
          ),
        ),
    model.revealedSeed ? h("p", { class: "muted small" }, "Seed: ", h("code", { "data-testid": "revealed-seed" }, model.revealedSeed)) : null,
  );
}

/** Builds the whole table (everything but the page chrome). */
export function tableView(model: TableModel, opts: TableViewOptions): HTMLElement {
  const trump = model.trumpCard;
  return h(
    "div",
    { class: "table", "data-testid": "table", "data-phase": model.phase, "data-round": model.round, "data-event-count": model.eventCount },
    h(
      "header",
      { class: "table-head" },
      h("span", { "data-testid": "table-round" }, model.round > 0 ? `Round ${model.round} of ${ROUND_COUNT}` : "Not started"),
      h("span", { "data-testid": "table-phase" }, phaseText(model)),
      trump
        ? h(
            "span",
            { class: "trump", "data-testid": "trump" },
            "Trump: ",
            cardFace(trump, { "data-testid": "trump-card" }),
            h("span", { class: "sr-only" }, ` (${suitName(suitOf(trump))})`),
          )
        : null,
      h(
        "span",
        { class: "turn", "data-testid": "turn-indicator", "aria-live": "polite", "data-turn": model.turn ?? "" },
        turnText(model, opts.mySeat),
        " ",
        h("span", { class: "timer", "data-testid": "turn-timer" }),
      ),
    ),
    finalArea(model, opts),
    h("ul", { class: "seats", "aria-label": "Seats" }, model.seats.map((s) => seatPanel(model, s, opts))),
    trickArea(model),
    bidArea(model, opts),
    handArea(model, opts),
    scoreSheet(model),
  );
}

/** Updates the countdown text in place (called every 250 ms by the page). */
export function updateTimer(root: Element, model: TableModel | null, now: number): void {
  const el = root.querySelector<HTMLElement>('[data-testid="turn-timer"]');
  if (!el) return;
  if (!model || model.turnEndsAt === null || model.turn === null) {
    el.textContent = "";
    return;
  }
  const left = Math.max(0, Math.min(model.turnSeconds, (model.turnEndsAt - now) / 1000));
  el.textContent = `${Math.ceil(left)} s`;
  el.classList.toggle("low", left <= 5);
}
