/**
 * `#/lobby`: open tables (live, from the `lobby` room's listing), Play now, Play ranked (the
 * search: ranked.ts, views/rankedView.ts), Create table, join by code, and the ladder tiers with
 * their live rank moves.
 */
import * as z from "zod/mini";
import { DEFAULT_SEATS, DEFAULT_TURN_SECONDS, MAX_SEATS, MIN_SEATS, ROUND_COUNT } from "../../../src/game/types.js";
import type { TableCreateOptions } from "../../../src/shared/protocol.js";
import { TURN_SECONDS_MAX, TURN_SECONDS_MIN } from "../protocolConstants.js";
import { h, mount } from "../dom.js";
import { EMPTY_LADDER, TIERS, applyDelta, deltaSchema, fromSnapshot, snapshotSchema, tierTitle, withName, type Ladder, type LadderEntry } from "../ladder.js";
import { request } from "../http.js";
import { createTable, joinErrorText, joinLobby, type AnyRoom } from "../net.js";
import { identity } from "../session.js";
import { seasonClock } from "../seasonClock.js";
import { shortCode } from "../tableCode.js";
import { tableRouteOf } from "../router.js";
import { TableConnection, handOver } from "../tableConnection.js";
import { startRankedSearch, type RankedSearch } from "../ranked.js";
import { drawRanked } from "../views/rankedView.js";

const listingSchema = z.object({
  roomId: z.string(),
  clients: z.optional(z.number()),
  maxClients: z.optional(z.number()),
  metadata: z.optional(
    z.partial(
      z.object({
        gameId: z.string(),
        seats: z.int(),
        seated: z.int(),
        turnSeconds: z.number(),
        phase: z.enum(["waiting", "bidding", "playing", "completed"]),
        isPublic: z.boolean(),
      }),
    ),
  ),
});
type Listing = z.infer<typeof listingSchema>;

/** `live`: the public games being played now (src/shared/protocol.ts `LiveTable`). */
const liveSchema = z.array(
  z.object({ roomId: z.string(), seats: z.int(), players: z.array(z.string()), round: z.int(), spectators: z.int() }),
);
type LiveTable = z.infer<typeof liveSchema>[number];

/** How long a rank move stays highlighted. */
const MOVE_VISIBLE_MS = 15_000;

export function lobbyPage(root: HTMLElement): () => void {
  let lobby: AnyRoom | null = null;
  let closed = false;
  const tables = new Map<string, Listing>();
  let ladder: Ladder = EMPTY_LADDER;
  let ladderReceived = false;
  /** Names of players who entered the top by a delta (deltas carry no name). */
  const names = new Map<string, string>();
  let lobbyState: "connecting" | "live" | "lost" = "connecting";

  const message = h("p", { class: "rejection", role: "alert", "data-testid": "lobby-message", hidden: true });
  const tablesBox = h("div", { class: "tables-box", "data-testid": "table-list" });
  const liveBox = h("div", { class: "tables-box", "data-testid": "live-list" });
  let live: readonly LiveTable[] = [];
  const ladderBox = h("div", { class: "ladders", "data-testid": "ladder" });
  const liveBadge = h("span", { class: "conn", "data-testid": "lobby-status" });

  const say = (text: string): void => {
    message.textContent = text;
    message.hidden = text === "";
  };

  const go = async (options: TableCreateOptions, button: HTMLButtonElement): Promise<void> => {
    button.disabled = true;
    say("");
    try {
      const room = await createTable(options);
      if (closed) {
        void room.leave(true);
        return;
      }
      handOver(new TableConnection(room));
      window.location.hash = `#/table/${room.roomId}`;
    } catch (e: unknown) {
      say(joinErrorText(e));
      button.disabled = false;
    }
  };

  // --- Play ranked ----------------------------------------------------------------------
  const rankedBox = h("div", { "data-testid": "ranked-panel" });
  let ranked: RankedSearch | null = null;
  const playRanked: HTMLButtonElement = h("button", { type: "button", class: "big", "data-testid": "play-ranked", onclick: () => searchRanked() }, "Play ranked");
  const searchRanked = (): void => {
    if (ranked !== null) return;
    say("");
    playRanked.disabled = true;
    ranked = startRankedSearch(
      (state) => {
        if (closed) return;
        if (state.phase === "idle" || state.phase === "failed") {
          ranked = null;
          playRanked.disabled = false;
        }
        drawRanked(rankedBox, state, () => ranked?.cancel());
      },
      (matched) => {
        ranked = null;
        if (!closed) window.location.hash = `#/table/${matched.roomId}?invite=${encodeURIComponent(matched.invite)}`;
      },
    );
  };

  // --- Play now / create / join by code -------------------------------------------------
  const playNow = h(
    "button",
    {
      type: "button",
      class: "primary big",
      "data-testid": "play-now",
      onclick: () => void go({ seats: DEFAULT_SEATS, bots: DEFAULT_SEATS - 1 }, playNow),
    },
    "Play now",
  );

  const seatsInput = h("select", { id: "ct-seats", name: "seats", "data-testid": "create-seats" },
    Array.from({ length: MAX_SEATS - MIN_SEATS + 1 }, (_, i) => {
      const n = MIN_SEATS + i;
      return h("option", { value: n, selected: n === DEFAULT_SEATS }, String(n));
    }),
  );
  const turnInput = h("input", {
    id: "ct-turn", name: "turnSeconds", type: "number", min: TURN_SECONDS_MIN, max: TURN_SECONDS_MAX, value: DEFAULT_TURN_SECONDS,
    "data-testid": "create-turn-seconds", inputmode: "numeric",
  });
  const botsInput = h("input", { id: "ct-bots", name: "bots", type: "number", min: 0, max: MAX_SEATS - 1, value: 0, "data-testid": "create-bots", inputmode: "numeric" });
  const publicInput = h("input", { id: "ct-public", name: "isPublic", type: "checkbox", checked: true, "data-testid": "create-public" });
  const createButton = h("button", { type: "submit", "data-testid": "create-submit" }, "Create table");
  const createForm = h(
    "form",
    {
      class: "create",
      "data-testid": "create-form",
      onsubmit: (ev: Event) => {
        ev.preventDefault();
        const seats = Number(seatsInput.value);
        const turnSeconds = Number(turnInput.value);
        const bots = Number(botsInput.value);
        if (!Number.isFinite(turnSeconds) || turnSeconds < TURN_SECONDS_MIN || turnSeconds > TURN_SECONDS_MAX) {
          say(`Turn time must be between ${TURN_SECONDS_MIN} and ${TURN_SECONDS_MAX} seconds.`);
          return;
        }
        if (!Number.isInteger(bots) || bots < 0 || bots > seats - 1) {
          say(`Bots: 0 to ${seats - 1} (one seat is yours).`);
          return;
        }
        void go({ seats, turnSeconds, bots, isPublic: publicInput.checked }, createButton);
      },
    },
    h("h2", null, "Create a table"),
    h("div", { class: "fields" },
      h("label", { for: "ct-seats" }, "Seats", seatsInput),
      h("label", { for: "ct-turn" }, "Turn time (s)", turnInput),
      h("label", { for: "ct-bots" }, "Bots", botsInput),
      h("label", { for: "ct-public", class: "check" }, publicInput, "Public (listed in the lobby)"),
    ),
    createButton,
  );

  const codeInput = h("input", { id: "join-code", name: "code", type: "text", autocomplete: "off", spellcheck: "false", "data-testid": "join-code" });
  const byCode = (spectate: boolean): void => {
    // A short code, a game id, or a pasted table link (a private table's carries its invitation).
    const route = tableRouteOf(codeInput.value, spectate);
    if (route === null) {
      say("Type a table code first.");
      return;
    }
    window.location.hash = route;
  };
  const joinForm = h(
    "form",
    {
      class: "join",
      onsubmit: (ev: Event) => {
        ev.preventDefault();
        byCode(false);
      },
    },
    h("h2", null, "Join or watch by code"),
    h("label", { for: "join-code" }, "Table code or link"),
    h(
      "div",
      { class: "row" },
      codeInput,
      h("button", { type: "submit", "data-testid": "join-code-submit" }, "Join"),
      h("button", { type: "button", "data-testid": "watch-code-submit", onclick: () => byCode(true) }, "Watch"),
    ),
  );

  // --- Drawing ----------------------------------------------------------------------------
  const drawTables = (): void => {
    const list = [...tables.values()];
    liveBadge.textContent = lobbyState === "live" ? "Live" : lobbyState === "connecting" ? "Connecting…" : "Not live";
    liveBadge.className = `conn ${lobbyState === "live" ? "connected" : lobbyState === "lost" ? "disconnected" : "reconnecting"}`;
    if (list.length === 0) {
      mount(tablesBox, h("p", { class: "muted", "data-testid": "no-tables" }, "No open tables right now. Play now starts one with bots."));
      return;
    }
    mount(
      tablesBox,
      h(
        "table",
        { class: "tables" },
        h("thead", null, h("tr", null, h("th", { scope: "col" }, "Table"), h("th", { scope: "col" }, "Seats"), h("th", { scope: "col" }, "Turn"), h("th", { scope: "col" }, "State"), h("th", { scope: "col" }, h("span", { class: "sr-only" }, "Actions")))),
        h(
          "tbody",
          null,
          list.map((t) => {
            const m = t.metadata ?? {};
            const seats = m.seats ?? t.maxClients ?? 0;
            const seated = m.seated ?? t.clients ?? 0;
            const open = m.phase === "waiting" && seated < seats;
            return h(
              "tr",
              { "data-testid": "table-row", "data-room-id": t.roomId },
              h("td", null, h("code", { title: t.roomId }, shortCode(t.roomId))),
              h("td", null, `${seated}/${seats}`),
              h("td", null, m.turnSeconds !== undefined ? `${m.turnSeconds} s` : "–"),
              h("td", null, m.phase ?? "–"),
              h(
                "td",
                { class: "actions" },
                open ? h("a", { class: "button", href: `#/table/${t.roomId}`, "data-testid": "join-table", "aria-label": `Join table ${t.roomId}` }, "Join") : null,
                h("a", { class: "button ghost", href: `#/table/${t.roomId}?spectate=1`, "data-testid": "spectate-table", "aria-label": `Spectate table ${t.roomId}` }, "Watch"),
              ),
            );
          }),
        ),
      ),
    );
  };

  const drawLive = (): void => {
    if (live.length === 0) {
      mount(liveBox, h("p", { class: "muted", "data-testid": "no-live-tables" }, "No public game is being played right now."));
      return;
    }
    mount(
      liveBox,
      h(
        "table",
        { class: "tables" },
        h("thead", null, h("tr", null, h("th", { scope: "col" }, "Players"), h("th", { scope: "col" }, "Round"), h("th", { scope: "col" }, "Watching"), h("th", { scope: "col" }, h("span", { class: "sr-only" }, "Actions")))),
        h(
          "tbody",
          null,
          live.map((t) =>
            h(
              "tr",
              { "data-testid": "live-table-row", "data-room-id": t.roomId, "data-round": t.round, "data-spectators": t.spectators },
              h("td", { class: "players" }, t.players.filter((p) => p !== "").join(", ")),
              h("td", null, `${t.round}/${ROUND_COUNT}`),
              h("td", null, String(t.spectators)),
              h("td", { class: "actions" }, h("a", { class: "button", href: `#/table/${t.roomId}?spectate=1`, "data-testid": "watch-live", "aria-label": `Watch the game of ${t.players.join(", ")}` }, "Watch")),
            ),
          ),
        ),
      ),
    );
  };

  const moveBadge = (r: LadderEntry, now: number): HTMLElement | null => {
    if (!r.move || now - r.move.at > MOVE_VISIBLE_MS) return null;
    const { oldRank, change } = r.move;
    const points = change === 0 ? "" : ` ${change > 0 ? "+" : ""}${change}`;
    if (oldRank === null) return h("span", { class: "delta up", "data-testid": "ladder-delta", "data-move": "new", "aria-label": `new in the ranking${points}` }, `new${points}`);
    const diff = oldRank - r.rank;
    if (diff > 0) return h("span", { class: "delta up", "data-testid": "ladder-delta", "data-move": "up", "aria-label": `up ${diff}${points}` }, `▲${diff}${points}`);
    if (diff < 0) return h("span", { class: "delta down", "data-testid": "ladder-delta", "data-move": "down", "aria-label": `down ${-diff}${points}` }, `▼${-diff}${points}`);
    return h("span", { class: "delta same", "data-testid": "ladder-delta", "data-move": "same", "aria-label": `same rank${points}` }, `=${points}`);
  };

  const drawLadder = (): void => {
    const now = Date.now();
    const me = identity()?.playerId;
    if (!ladderReceived) {
      mount(ladderBox, h("p", { class: "muted" }, lobbyState === "lost" ? "The ladder is not available." : "Loading the ladder…"));
      return;
    }
    mount(
      ladderBox,
      TIERS.map((tier) => {
        const rows = ladder.tiers[tier];
        return h(
          "section",
          { class: "ladder-tier", "data-testid": "ladder-tier", "data-tier": tier },
          h("h3", null, tierTitle(tier, ladder.season)),
          rows.length === 0
            ? h("p", { class: "muted" }, "Nobody yet: finish a game to get on the ladder.")
            : h(
                "ol",
                { class: "ladder-rows" },
                rows.map((r) =>
                  h(
                    "li",
                    {
                      class: `${r.move && now - r.move.at <= MOVE_VISIBLE_MS ? "moved" : ""}${r.playerId === me ? " me" : ""}`,
                      "data-testid": "ladder-row",
                      "data-player-id": r.playerId,
                      "data-rank": r.rank,
                    },
                    h("span", { class: "rank" }, `${r.rank}.`),
                    h("a", { href: `#/profile/${r.playerId}`, class: "name" }, r.displayName),
                    h("span", { class: "rating", title: r.games !== undefined ? `${r.games} games` : null }, String(r.total)),
                    moveBadge(r, now),
                  ),
                ),
              ),
        );
      }),
    );
  };

  const nameOf = (playerId: string): string => {
    const known = names.get(playerId);
    if (known !== undefined) return known;
    names.set(playerId, "…");
    void request(`/api/players/${encodeURIComponent(playerId)}`, z.object({ displayName: z.string() })).then((r) => {
      if (!r.ok || closed) return;
      names.set(playerId, r.data.displayName);
      ladder = withName(ladder, playerId, r.data.displayName);
      drawLadder();
    });
    return "…";
  };

  const clock = seasonClock();
  mount(
    root,
    h(
      "div",
      { class: "lobby", "data-testid": "lobby" },
      h(
        "section",
        { class: "panel hero" },
        h("h1", null, "PZO"),
        h("p", null, "Ten rounds. Bid exactly the tricks you will take. ", h("a", { href: "#/rules", "data-testid": "rules-link" }, "How to play"), " · ", h("a", { href: "#/season", "data-testid": "season-link" }, "Season 0: waitlist, achievements, cosmetics")),
        h("div", { class: "play-buttons" }, playNow, playRanked),
        rankedBox,
        message,
      ),
      h("section", { class: "panel" }, h("h2", null, "Open tables ", liveBadge), tablesBox),
      h("section", { class: "panel", "data-testid": "live-tables" }, h("h2", null, "Live tables"), liveBox),
      h("section", { class: "panel" }, joinForm),
      h("section", { class: "panel wide" }, h("h2", null, "Ladder ", clock.element), ladderBox),
      h("section", { class: "panel wide" }, createForm),
    ),
  );
  drawTables();
  drawLive();
  drawLadder();

  const fade = setInterval(() => {
    const fading = TIERS.some((t) => ladder.tiers[t].some((r) => r.move && Date.now() - r.move.at <= MOVE_VISIBLE_MS + 1000));
    if (fading) drawLadder();
  }, 1000);

  const connect = async (): Promise<void> => {
    try {
      const room = await joinLobby();
      if (closed) {
        void room.leave(true);
        return;
      }
      lobby = room;
      lobbyState = "live";
      retries = 0;
      room.onMessage("rooms", (payload: unknown) => {
        tables.clear();
        const rooms = z.array(listingSchema).safeParse(payload);
        if (rooms.success) for (const r of rooms.data) tables.set(r.roomId, r);
        drawTables();
      });
      room.onMessage("+", (payload: unknown) => {
        const p = z.tuple([z.string(), listingSchema]).safeParse(payload);
        if (p.success) tables.set(p.data[0], p.data[1]);
        drawTables();
      });
      room.onMessage("-", (payload: unknown) => {
        const p = z.string().safeParse(payload);
        if (p.success) tables.delete(p.data);
        drawTables();
      });
      room.onMessage("live", (payload: unknown) => {
        const p = liveSchema.safeParse(payload);
        if (p.success) live = p.data;
        drawLive();
      });
      room.onMessage("ladder_snapshot", (payload: unknown) => {
        const s = snapshotSchema.safeParse(payload);
        if (s.success) {
          ladder = fromSnapshot(s.data);
          ladderReceived = true;
        }
        drawLadder();
      });
      room.onMessage("ladder_delta", (payload: unknown) => {
        const d = deltaSchema.safeParse(payload);
        if (d.success) ladder = applyDelta(ladder, d.data, nameOf, Date.now());
        drawLadder();
      });
      room.onLeave(() => {
        lobbyState = "lost";
        drawTables();
        // Its server process went (restart, or lost): find a lobby on a live one by itself.
        reconnectSoon();
      });
      room.onDrop(() => {
        lobbyState = "connecting";
        drawTables();
      });
      room.onReconnect(() => {
        lobbyState = "live";
        drawTables();
      });
      drawTables();
      drawLadder();
    } catch (e: unknown) {
      lobbyState = "lost";
      say(`The lobby is not available: ${joinErrorText(e)}`);
      drawTables();
      reconnectSoon();
    }
  };
  // A lost lobby is joined again, 1 s after the loss, then every 2 s (a dead server process's
  // lobby is gone; joinOrCreate finds or opens one on a live process: docs/PROTOCOL.md, Node loss).
  let retries = 0;
  let retry: ReturnType<typeof setTimeout> | undefined;
  const reconnectSoon = (): void => {
    if (closed || retry !== undefined) return;
    retries += 1;
    retry = setTimeout(() => {
      retry = undefined;
      lobbyState = "connecting";
      drawTables();
      void connect();
    }, retries === 1 ? 1000 : 2000);
  };
  void connect();

  return () => {
    closed = true;
    clearTimeout(retry);
    ranked?.stop();
    clearInterval(fade);
    clock.stop();
    if (lobby !== null) void lobby.leave(true);
  };
}
