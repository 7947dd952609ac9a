/**
 * The first-game hint layer on the table: a few lines on bidding, following suit and the
 * dealer's hook, until the player dismisses it (remembered in localStorage, `pzo.hints`).
 */
import { h } from "./dom.js";
import { local } from "./env.js";

const KEY = "pzo.hints";

export function hintsDismissed(): boolean {
  return local.getItem(KEY) === "dismissed";
}

/** The hint box, or null once dismissed; `onDismiss` redraws the page. */
export function hintBox(onDismiss: () => void): HTMLElement | null {
  if (hintsDismissed()) return null;
  return h(
    "aside",
    { class: "hints", "data-testid": "first-game-hints", "aria-label": "Hints for your first game" },
    h("strong", null, "First game? "),
    h(
      "ul",
      null,
      h("li", null, "Bid the number of tricks you will take: exactly that scores 10 + your bid; a miss costs what you missed by."),
      h("li", null, "Follow the suit that was led if you can. Trump (the turned-up card's suit) beats every other suit."),
      h("li", null, "The dealer bids last and may not make the bids add up to the round's number of cards."),
    ),
    h("a", { href: "#/rules" }, "All the rules"),
    " ",
    h(
      "button",
      {
        type: "button",
        "data-testid": "dismiss-hints",
        onclick: () => {
          local.setItem(KEY, "dismissed");
          onDismiss();
        },
      },
      "Got it",
    ),
  );
}
