/**
 * `#/verify/:gameId`: the fairness verdict as a page. The log comes from
 * `GET /api/games/:id/events`; the browser recomputes, with the engine's own code, sha256 of the
 * revealed seed against the commitment and every round's deal; the server's own verdict
 * (`GET /api/games/:id/verify`) is shown beside it, and the command to check it yourself.
 */
import * as z from "zod/mini";
import { cardLabel } from "../cards.js";
import { h, mount } from "../dom.js";
import { SERVER_ORIGIN } from "../env.js";
import { parseLog } from "../events.js";
import { fairnessReport, type FairnessReport } from "../fairnessReport.js";
import { fetchRaw, request } from "../http.js";

const serverVerdictSchema = z.object({ ok: z.boolean(), problems: z.array(z.string()) });

function mark(ok: boolean): HTMLElement {
  return h("span", { class: ok ? "ok" : "bad", "data-testid": "match-mark", "data-ok": ok ? "true" : "false" }, ok ? "✓ matches" : "✗ does not match");
}

function reportView(r: FairnessReport, server: z.infer<typeof serverVerdictSchema> | null): HTMLElement {
  const origin = SERVER_ORIGIN !== "" ? SERVER_ORIGIN : window.location.origin;
  const command = `npm run verify -- ${origin}/api/games/${r.gameId}/events`;
  return h(
    "div",
    { class: "fairness panel", "data-testid": "fairness", "data-ok": r.ok ? "true" : "false" },
    h("h1", null, r.ok ? "This game's deals were fair" : "This game's deals could not be verified"),
    h(
      "p",
      null,
      "Before the first card, the server published a commitment: the SHA-256 of a secret seed. Every deal comes from that seed. ",
      "At the end it revealed the seed, so anyone can recompute the hash and every deal. This page just did, in your browser.",
    ),
    h(
      "dl",
      { class: "fair-facts" },
      h("dt", null, "Commitment (published at creation)"),
      h("dd", null, h("code", { "data-testid": "fair-commitment" }, r.commitment)),
      h("dt", null, "Revealed seed"),
      h("dd", null, h("code", { "data-testid": "fair-seed" }, r.seed ?? "not revealed yet")),
      h("dt", null, "SHA-256 of the seed, computed here"),
      h("dd", null, h("code", null, r.recomputedCommitment ?? "–"), " ", mark(r.commitmentMatches)),
      h("dt", null, "The server's own verdict"),
      h("dd", { "data-testid": "fair-server" }, server === null ? "not available" : server.ok ? "fair" : `not verified: ${server.problems.join("; ")}`),
    ),
    h(
      "table",
      { class: "fair-rounds", "data-testid": "fair-rounds" },
      h("caption", null, "Each round's deal, recomputed from the seed"),
      h("thead", null, h("tr", null, h("th", { scope: "col" }, "Round"), h("th", { scope: "col" }, "Dealer"), h("th", { scope: "col" }, "Trump"), h("th", { scope: "col" }, "Deal"))),
      h(
        "tbody",
        null,
        r.rounds.map((round) =>
          h(
            "tr",
            { "data-testid": "fair-round", "data-round": round.round, "data-ok": round.matches ? "true" : "false" },
            h("th", { scope: "row" }, String(round.round)),
            h("td", null, `seat ${round.dealer + 1}`),
            h("td", null, cardLabel(round.trumpCard)),
            h("td", null, mark(round.matches), round.problems.length > 0 ? h("span", { class: "small" }, ` ${round.problems.join("; ")}`) : null),
          ),
        ),
      ),
    ),
    h("h2", null, "Check it yourself"),
    h("p", null, "From a clone of this server's source, after ", h("code", null, "npm install"), ":"),
    h("pre", { "data-testid": "fair-command" }, h("code", null, command)),
    h("p", null, h("a", { href: `#/replay/${r.gameId}` }, "Watch the replay"), " · ", h("a", { href: `${origin}/api/games/${r.gameId}/verify` }, "The verdict as JSON")),
  );
}

export function fairnessPage(root: HTMLElement, gameId: string): () => void {
  let closed = false;
  mount(root, h("p", { class: "muted" }, "Checking the deals…"));
  const load = async (): Promise<void> => {
    const id = encodeURIComponent(gameId);
    const [res, server] = await Promise.all([fetchRaw(`/api/games/${id}/events`), request(`/api/games/${id}/verify`, serverVerdictSchema)]);
    if (closed) return;
    const fail = (why: string): void =>
      mount(root, h("div", { class: "panel", role: "alert", "data-testid": "fairness-error" }, why, " ", h("a", { href: "#/lobby" }, "Back to the lobby")));
    if (!(res instanceof Response)) return fail(res.message);
    if (res.status === 409) return fail("This game is still being played: the seed is revealed when it ends.");
    if (res.status === 404) return fail("There is no such game.");
    if (!res.ok) return fail(`The server answered ${res.status}.`);
    const log = parseLog(await res.text());
    if (closed) return;
    if (!log.ok) return fail(`The log cannot be read: ${log.error}`);
    const report = fairnessReport(log.events);
    if (report === null) return fail("The log does not start with the game's creation.");
    mount(root, reportView(report, server.ok ? server.data : null));
  };
  void load();
  return () => {
    closed = true;
  };
}
