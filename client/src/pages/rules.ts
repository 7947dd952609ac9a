/**
 * `#/rules`: how to play, with a worked example of bidding, the dealer's hook and scoring
 * (docs/GAME_RULES.md in players' words). Linked from the top bar, the lobby and the table.
 */
import { h, mount } from "../dom.js";

export function rulesPage(root: HTMLElement): () => void {
  mount(
    root,
    h(
      "article",
      { class: "panel rules", "data-testid": "rules" },
      h("h1", null, "How to play"),
      h("p", null, "Ten rounds, 3 to 5 players. In round r everyone gets r cards. Before playing, each player says how many tricks they will take. ",
        h("strong", null, "Take exactly that many"), " and you score; miss by any amount and you lose points."),
      h("h2", null, "A round"),
      h("ol", null,
        h("li", null, h("strong", null, "Deal. "), "Everyone gets r cards; the next card is turned up and its suit is ", h("em", null, "trump"), " for the round."),
        h("li", null, h("strong", null, "Bid. "), "Starting left of the dealer, each player bids 0 to r tricks, once. The dealer bids last."),
        h("li", null, h("strong", null, "Play. "), "The player left of the dealer leads. Follow the suit that was led if you can; if you cannot, play anything. ",
          "The highest trump wins the trick; with no trump in it, the highest card of the led suit. The winner leads the next trick."),
        h("li", null, h("strong", null, "Score. "), "Exactly your bid: 10 + your bid. Otherwise you lose the size of the miss."),
      ),
      h("h2", null, "The dealer's hook"),
      h("p", null, "The dealer may not bid the number that makes all the bids add up to exactly r. So at least one player will miss every round."),
      h("h2", { id: "example" }, "A worked example: round 3, four players"),
      h("p", null, "Trump is hearts. Dan deals, so Ann bids first and Dan last. Ann bids 1, Ben bids 0, Cat bids 1: the bids so far add up to 2, ",
        "so Dan may bid 0, 2 or 3 but ", h("strong", null, "not 1"), " (2 + 1 = 3 tricks, exactly the round). The table greys that bid out and says why."),
      h("p", null, "Dan bids 2. They play three tricks: Ann takes one, Dan takes two, Ben and Cat none."),
      h(
        "table",
        { class: "example-score" },
        h("thead", null, h("tr", null, h("th", { scope: "col" }, "Player"), h("th", { scope: "col" }, "Bid"), h("th", { scope: "col" }, "Took"), h("th", { scope: "col" }, "Points"))),
        h("tbody", null,
          h("tr", null, h("th", { scope: "row" }, "Ann"), h("td", null, "1"), h("td", null, "1"), h("td", null, "+11 (10 + 1)")),
          h("tr", null, h("th", { scope: "row" }, "Ben"), h("td", null, "0"), h("td", null, "0"), h("td", null, "+10 (10 + 0)")),
          h("tr", null, h("th", { scope: "row" }, "Cat"), h("td", null, "1"), h("td", null, "0"), h("td", null, "−1 (missed by 1)")),
          h("tr", null, h("th", { scope: "row" }, "Dan"), h("td", null, "2"), h("td", null, "2"), h("td", null, "+12 (10 + 2)")),
        ),
      ),
      h("p", null, "After round 10 the highest total wins; a tie on top is a shared win."),
      h("h2", null, "Time and leaving"),
      h("p", null, "Each turn has a timer. When it runs out, the server moves for you (bid 0 if it may, or your lowest legal card). ",
        "If your connection drops you keep your seat for a minute; after that a bot plays it for the rest of the game."),
      h("h2", null, "Fair deals"),
      h("p", null, "Every deal comes from a secret seed whose fingerprint is published before the game. At the end the seed is revealed, ",
        "and every finished game has a \"Check the deal's fairness\" page that recomputes every deal."),
      h("p", null, h("a", { href: "#/lobby", class: "button" }, "Back to the lobby")),
    ),
  );
  return () => undefined;
}
