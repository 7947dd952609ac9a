/**
 * `#/table/:roomId` (seated) and `#/table/:roomId?spectate=1`: joins (or rejoins) the room and
 * draws it live. A reload finds its seat again through the reconnection token kept in
 * sessionStorage; failing that it joins by id, which gives a seated player its seat back.
 */
import * as z from "zod/mini";
import { cardLabel, isRed } from "../cards.js";
import { h, keepFocus, mount } from "../dom.js";
import { hintBox } from "../hints.js";
import { isGameId, shareLink, shortCode } from "../tableCode.js";
import { playSound, setSound, soundOn, soundsPlayed } from "../sound.js";
import { request } from "../http.js";
import { joinErrorText, joinTable, reconnectTable, remembered, forget } from "../net.js";
import { EMOTE_IDS, EMOTE_LIMIT, EMOTES } from "../protocolConstants.js";
import { EMOTE_VISIBLE_MS, TableConnection, takeHandoff, type Snapshot } from "../tableConnection.js";
import { tableView, updateTimer } from "../views/tableView.js";
import { deviceVerdictText, rememberedClientSeed, verifyOnThisDevice } from "../fairness.js";

const STATUS_TEXT = { connected: "Connected", reconnecting: "Reconnecting…", disconnected: "Disconnected" } as const;

async function connect(roomId: string, spectate: boolean, invite: string | null): Promise<TableConnection> {
  const handed = takeHandoff(roomId);
  if (handed !== null) return handed;
  const saved = remembered(roomId);
  if (saved !== null) {
    try {
      const room = await reconnectTable(saved.token);
      return new TableConnection(room, { seat: saved.seat, spectator: spectate || saved.seat === null });
    } catch {
      forget(roomId);
    }
  }
  // Ask first what the code matches: a join by an unknown id fails with a framework error (and
  // a failed request in the console); the lookup always answers.
  const found = await lookupTable(roomId, invite);
  if (found.kind !== "live") throw new NoTableError(found);
  const withInvite = invite === null ? {} : { invite };
  const room = await joinTable(roomId, spectate ? { spectate: true, ...withInvite } : withInvite);
  return new TableConnection(room, spectate ? { seat: null, spectator: true } : null);
}

const lookupSchema = z.union([
  z.object({ found: z.literal(false) }),
  z.object({ found: z.literal(true), gameId: z.string(), status: z.enum(["created", "in_progress", "completed"]) }),
]);

/** What a table code matches; `unknown` when the lookup itself failed (the join then says why). */
type Lookup =
  | { readonly kind: "live"; readonly gameId: string | null }
  | { readonly kind: "none"; readonly code: string }
  | { readonly kind: "over"; readonly gameId: string };

async function lookupTable(code: string, invite: string | null): Promise<Lookup> {
  const query = invite === null ? "" : `?invite=${encodeURIComponent(invite)}`;
  const r = await request(`/api/tables/${encodeURIComponent(code)}${query}`, lookupSchema);
  if (!r.ok) return { kind: "live", gameId: null };
  if (!r.data.found) return { kind: "none", code };
  return r.data.status === "completed" ? { kind: "over", gameId: r.data.gameId } : { kind: "live", gameId: r.data.gameId };
}

function seatRefused(e: unknown): boolean {
  const message = e instanceof Error ? e.message : "";
  return message.startsWith("table/game_in_progress") || message.startsWith("table/seat_unavailable");
}

/** A table code that matches no live table: nothing to join. */
class NoTableError extends Error {
  constructor(readonly lookup: Exclude<Lookup, { kind: "live" }>) {
    super(lookup.kind === "none" ? "no such table" : "the game is over");
  }
}

/** Mounts the table page; returns its cleanup. */
export function tablePage(root: HTMLElement, roomId: string, spectate: boolean, invite: string | null = null): () => void {
  let conn: TableConnection | null = null;
  let closed = false;
  let last: Snapshot | null = null;
  mount(root, h("p", { class: "muted", "data-testid": "table-loading" }, "Joining the table…"));

  const statusBar = h("div", { class: "status-bar" });
  const alert = h("div", { class: "rejection", role: "alert", "data-testid": "rejection" });
  const host = h("div", { class: "table-host" });
  const hintsHost = h("div");
  const logList = h("ol", { class: "log", "aria-label": "What happened", "data-testid": "event-log" });
  const deviceCheck = h("p", { class: "muted small", "data-testid": "device-verify", role: "status" });
  deviceCheck.hidden = true;
  let deviceChecked = false;

  // At the end, every deal is recomputed here from the revealed seeds: the server's verdict is not trusted.
  const checkOnThisDevice = (gameId: string, seat: number | null): void => {
    deviceChecked = true;
    deviceCheck.hidden = false;
    deviceCheck.textContent = "Checking every deal on this device…";
    void verifyOnThisDevice(gameId, seat, rememberedClientSeed(roomId)).then(
      (v) => {
        deviceCheck.textContent = deviceVerdictText(v);
        deviceCheck.dataset["state"] = v.ok ? "verified" : "failed";
      },
      (e: unknown) => {
        deviceCheck.textContent = `Not verified on this device: ${e instanceof Error ? e.message : String(e)}`;
        deviceCheck.dataset["state"] = "failed";
      },
    );
  };

  const trickList = h("ol", { class: "trick-history", "aria-label": "Tricks this round", "data-testid": "trick-history" });
  const againBar = h("div", { class: "play-again" });
  let askedAgain = false;
  let movedOn = false;
  /** At the end, a seated player may ask for the next table; when it is open, every seated player moves there. */
  const drawPlayAgain = (s: Snapshot, mine: boolean): void => {
    const over = s.model?.phase === "completed";
    if (mine && s.nextTable !== null && !movedOn) {
      movedOn = true;
      window.location.hash = `#/table/${s.nextTable.roomId}?invite=${encodeURIComponent(s.nextTable.invite)}`;
      return;
    }
    keepFocus(againBar, () =>
      mount(
        againBar,
        over && mine
          ? h(
              "button",
              {
                type: "button",
                class: "primary",
                "data-testid": "play-again",
                "data-key": "play-again",
                disabled: askedAgain,
                onclick: () => {
                  askedAgain = true;
                  conn?.playAgain();
                  if (last !== null) draw(last);
                },
              },
              askedAgain ? "Opening the next table…" : "Play again (same players and bots)",
            )
          : null,
      ),
    );
  };

  const draw = (s: Snapshot): void => {
    const mine = s.mySeat !== null && s.role !== "spectator";
    const code = h("code", { "data-testid": "table-code", "data-room-id": s.roomId, title: s.roomId }, shortCode(s.roomId));
    const copy = (text: string, label: string) => (ev: Event): void => {
      const button = ev.currentTarget;
      void navigator.clipboard?.writeText(text).then(
        () => {
          if (button instanceof HTMLButtonElement) button.textContent = label;
        },
        () => undefined,
      );
    };
    mount(
      statusBar,
      h(
        "span",
        { class: `conn ${s.connection}`, "data-testid": "connection-status", "data-state": s.connection, role: "status" },
        STATUS_TEXT[s.connection],
      ),
      s.role === "spectator" ? h("span", { class: "badge", "data-testid": "spectator-badge" }, "Spectating") : null,
      s.ranked ? h("span", { class: "badge", "data-testid": "ranked-badge" }, "Ranked") : null,
      mine && s.mySeat !== null ? h("span", { class: "muted" }, `Seat ${s.mySeat + 1}`) : null,
      h("span", { class: "muted" }, s.invite === null ? "Table code " : "Private table code ", code),
      h("button", { type: "button", "data-testid": "copy-code", "aria-label": "Copy the table code", onclick: copy(shortCode(s.roomId), "Copied") }, "Copy code"),
      // A private table's link carries its invitation: the code alone lets nobody in.
      h(
        "button",
        { type: "button", "data-testid": "copy-link", "aria-label": s.invite === null ? "Copy a link to this table" : "Copy an invitation link to this private table", onclick: copy(shareLink(s.roomId, s.invite), "Link copied") },
        s.invite === null ? "Copy link" : "Copy invite link",
      ),
      h("a", { href: shareLink(s.roomId, s.invite), "data-testid": "share-link", "data-private": s.invite !== null ? "true" : "false", class: "sr-only" }, s.invite === null ? "Link to this table" : "Invitation link to this table"),
      h("a", { href: "#/rules", "data-testid": "rules-link", target: "_blank" }, "Rules"),
      h(
        "button",
        {
          type: "button",
          "data-testid": "sound-toggle",
          "data-key": "sound",
          "aria-pressed": soundOn() ? "true" : "false",
          "data-played": soundsPlayed(),
          onclick: () => {
            setSound(!soundOn());
            if (last !== null) draw(last);
          },
        },
        soundOn() ? "Sound on" : "Sound off",
      ),
      s.connection === "disconnected"
        ? h("button", { type: "button", "data-testid": "rejoin-button", onclick: () => void join() }, "Rejoin")
        : null,
      h(
        "a",
        {
          href: "#/lobby",
          class: "leave",
          "data-testid": "leave-link",
          onclick: (ev: Event) => {
            // Leaving a live game on purpose gives the seat to a bot for good.
            const live = mine && (s.model?.phase === "bidding" || s.model?.phase === "playing");
            if (live && !window.confirm("Leave the game? A bot takes your seat for the rest of it.")) ev.preventDefault();
          },
        },
        mine ? "Leave table" : "Back to the lobby",
      ),
    );
    alert.textContent = s.rejection ?? s.closedReason ?? s.notice ?? "";
    alert.hidden = alert.textContent === "";
    const model = s.model;
    if (model === null) {
      mount(host, h("p", { class: "muted" }, "Waiting for the table…"));
    } else {
      const myTurnBefore = last?.model?.turn === s.mySeat;
      keepFocus(
        host,
        () =>
          mount(
            host,
            model.phase === "waiting" ? waitingControls(s) : null,
            tableView(model, {
              mySeat: mine ? s.mySeat : null,
              showAllHands: false,
              // While the connection is down a move could not be sent: the controls wait for it.
              pending: s.pending || s.connection !== "connected",
              onBid: (b) => conn?.bid(b),
              onPlay: (c) => conn?.play(c),
            }),
          ),
        '[data-testid="hand-card"]:not([disabled]), [data-testid="bid-button"]:not([disabled]), [data-testid="hand"]',
      );
      // When the turn comes to us, bring keyboard focus to the first legal move, unless the
      // player is busy in some other control.
      const myTurnNow = model.turn === s.mySeat && mine;
      const idle = document.activeElement === document.body || document.activeElement === null || host.contains(document.activeElement);
      if (myTurnNow && !myTurnBefore && idle) {
        host.querySelector<HTMLElement>('[data-testid="bid-button"]:not([disabled]), [data-testid="hand-card"]:not([disabled])')?.focus();
      }
      if (model.phase === "completed" && last?.model?.phase !== "completed") {
        host.querySelector<HTMLElement>('[data-testid="final-scores"]')?.focus();
      }
      if (model.phase === "completed" && !deviceChecked) checkOnThisDevice(model.gameId, mine ? s.mySeat : null);
      updateTimer(host, model, Date.now());
    }
    mount(logList, s.log.map((l) => h("li", null, l)));
    const seatLabel = (seat: number): string => {
      const x = s.model?.seats[seat];
      return x?.occupied && x.displayName ? x.displayName : `Seat ${seat + 1}`;
    };
    mount(
      trickList,
      s.tricks.length === 0
        ? h("li", { class: "muted" }, "No trick played yet this round.")
        : s.tricks.map((t, i) =>
            h(
              "li",
              { "data-testid": "trick-history-row", "data-winner": t.winner ?? "" },
              h("strong", null, `Trick ${i + 1}: `),
              t.plays.map((p, j) => h("span", { class: isRed(p.card) ? "red" : "" }, `${j > 0 ? ", " : ""}${seatLabel(p.seat)} ${cardLabel(p.card)}`)),
              t.winner !== null ? h("span", null, ` — won by ${seatLabel(t.winner)}`) : null,
            ),
          ),
    );
    drawEmotes(s, mine);
    drawPlayAgain(s, mine);
    soundsFor(last, s, mine);
    last = s;
  };

  const emoteFeed = h("ul", { class: "emote-feed", "data-testid": "emote-feed", "aria-live": "polite", "aria-label": "Quick chat" });
  const emoteBar = h("div", { class: "emote-bar", role: "group", "aria-label": "Say something" });
  let emoteSentAt = 0;
  const drawEmotes = (s: Snapshot, mine: boolean): void => {
    const now = Date.now();
    const name = (seat: number): string => {
      const seatModel = s.model?.seats[seat];
      return seatModel?.occupied && seatModel.displayName ? seatModel.displayName : `Seat ${seat + 1}`;
    };
    mount(
      emoteFeed,
      s.emotes
        .filter((e) => now - e.at < EMOTE_VISIBLE_MS)
        .map((e) => h("li", { "data-testid": "emote", "data-seat": e.seat, "data-emote": e.emote }, h("strong", null, name(e.seat)), `: ${EMOTES[e.emote]}`)),
    );
    keepFocus(emoteBar, () =>
      mount(
        emoteBar,
        mine
          ? EMOTE_IDS.map((id) =>
              h(
                "button",
                {
                  type: "button",
                  class: "emote-button",
                  "data-testid": "emote-button",
                  "data-emote": id,
                  "data-key": `emote-${id}`,
                  onclick: () => {
                    // The server enforces the limit; this just avoids asking in vain.
                    if (Date.now() - emoteSentAt < EMOTE_LIMIT.minGapMs) return;
                    emoteSentAt = Date.now();
                    conn?.emote(id);
                  },
                },
                EMOTES[id],
              ),
            )
          : null,
      ),
      '[data-testid="emote-button"]',
    );
  };

  /** Your turn, a card played, a trick won: one effect per change (when sound is on). */
  const soundsFor = (before: Snapshot | null, now: Snapshot, mine: boolean): void => {
    if (before === null) return;
    const plays = (x: Snapshot): number => x.tricks.reduce((n, t) => n + t.plays.length, 0);
    const won = (x: Snapshot): number => x.tricks.filter((t) => t.winner !== null).length;
    if (won(now) > won(before)) playSound("trick");
    else if (plays(now) > plays(before)) playSound("card");
    const myTurn = (x: Snapshot): boolean => mine && x.model !== null && x.model.turn === x.mySeat && (x.model.phase === "bidding" || x.model.phase === "playing");
    if (myTurn(now) && !myTurn(before)) playSound("turn");
    statusBar.querySelector('[data-testid="sound-toggle"]')?.setAttribute("data-played", String(soundsPlayed()));
  };

  const waitingControls = (s: Snapshot): HTMLElement | null => {
    const m = s.model;
    if (m === null || s.role === "spectator") return null;
    const free = m.seats.filter((x) => !x.occupied).length;
    return h(
      "div",
      { class: "waiting" },
      h("p", null, free > 0 ? `Waiting for ${free} more player${free > 1 ? "s" : ""}. Share the table code, or add bots.` : "Every seat is taken."),
      free > 0 ? h("button", { type: "button", "data-testid": "add-bot-button", "data-key": "add-bot", onclick: () => conn?.addBot() }, "Add a bot") : null,
      free === 0 ? h("button", { type: "button", "data-testid": "start-button", "data-key": "start", onclick: () => conn?.start() }, "Start the game") : null,
    );
  };

  const attach = (c: TableConnection): void => {
    if (conn !== null && conn !== c) conn.detach();
    conn = c;
    mount(hintsHost, spectate ? null : hintBox(() => mount(hintsHost)));
    mount(root, statusBar, alert, hintsHost, host, againBar, deviceCheck, h("section", { class: "emotes" }, emoteFeed, emoteBar), h(
        "section",
        { class: "log-box" },
        h("h2", { class: "caption" }, "Tricks this round"),
        trickList,
        h("h2", { class: "caption" }, "Table log"),
        logList,
      ));
    c.subscribe((s) => {
      draw(s);
      if (s.autoRejoin && !rejoining) void rejoinByItself();
    });
  };

  // After a server restart, or when its process was lost and another adopts the table, the game
  // comes back under the same id: rejoin it (the server gives a seated player its seat back),
  // 0.5, 1, then every 2 s, for about a minute (docs/PROTOCOL.md, Node loss).
  let rejoining = false;
  const rejoinByItself = async (): Promise<void> => {
    rejoining = true;
    for (let attempt = 0; attempt < 32 && !closed; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 500 * 2 ** attempt)));
      if (closed) break;
      try {
        const c = await connect(roomId, spectate, invite);
        if (closed) {
          void c.leave();
          break;
        }
        attach(c);
        break;
      } catch {
        // Not back yet: try again.
      }
    }
    rejoining = false;
  };

  const fail = (e: unknown): void => {
    if (e instanceof NoTableError) {
      const found = e.lookup;
      mount(
        root,
        h(
          "div",
          { class: "panel", "data-testid": "join-error", "data-reason": found.kind },
          found.kind === "none"
            ? h("p", { role: "alert" }, "No table matches the code ", h("code", null, found.code), ". Check it, or pick a table in the lobby.")
            : h("p", { role: "alert" }, "That game is over. ", h("a", { href: `#/replay/${found.gameId}`, "data-testid": "replay-link" }, "Watch its replay")),
          h("p", null, h("a", { href: "#/lobby" }, "Back to the lobby")),
        ),
      );
      return;
    }
    const text = joinErrorText(e);
    mount(
      root,
      h(
        "div",
        { class: "panel", "data-testid": "join-error" },
        h("p", { role: "alert" }, text),
        // Watching is offered only when the table exists and only the seat was refused.
        spectate || !seatRefused(e) ? null : h("p", null, h("a", { href: `#/table/${roomId}?spectate=1`, "data-testid": "spectate-instead" }, "Spectate this table instead")),
        h("p", null, h("a", { href: "#/lobby" }, "Back to the lobby")),
      ),
    );
  };

  const join = async (): Promise<void> => {
    try {
      if (!isGameId(roomId)) {
        // A short code or a shared link: find the game, then open its page under its id.
        const found = await lookupTable(roomId, invite);
        if (closed) return;
        if (found.kind !== "live") throw new NoTableError(found);
        if (found.gameId === null) throw new Error("The table could not be looked up; try again.");
        const query = new URLSearchParams();
        if (spectate) query.set("spectate", "1");
        if (invite !== null) query.set("invite", invite);
        window.location.replace(`#/table/${found.gameId}${query.size > 0 ? `?${query.toString()}` : ""}`);
        return;
      }
      const c = await connect(roomId, spectate, invite);
      if (closed) {
        // The page was left while joining.
        void c.leave();
        return;
      }
      attach(c);
    } catch (e: unknown) {
      if (!closed) fail(e);
    }
  };

  void join();
  const timer = setInterval(() => {
    updateTimer(host, last?.model ?? null, Date.now());
    // Emotes fade out on their own.
    if (last !== null && emoteFeed.childElementCount > 0) drawEmotes(last, last.mySeat !== null && last.role !== "spectator");
  }, 250);

  return () => {
    closed = true;
    clearInterval(timer);
    // Navigating away inside the app means leaving the table; a reload never gets here, so
    // the server keeps the seat for the reconnection window.
    if (conn !== null) void conn.leave();
  };
}
