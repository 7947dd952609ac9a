/** One card drawn as an element; the accessible name is the card's full name. */
import type { Card } from "../../../src/game/types.js";
import { cardLabel, cardName, isRed } from "../cards.js";
import { h, type Attrs } from "../dom.js";

/** A static (non-interactive) card. */
export function cardFace(card: Card, attrs: Attrs = {}): HTMLSpanElement {
  return h(
    "span",
    { class: `card${isRed(card) ? " red" : ""}`, role: "img", "aria-label": cardName(card), "data-card": card, ...attrs },
    cardLabel(card),
  );
}

/** A face-down card, for a hidden hand's size. */
export function cardBack(): HTMLSpanElement {
  return h("span", { class: "card back", "aria-hidden": "true" });
}
