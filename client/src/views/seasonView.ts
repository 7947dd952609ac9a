/**
 * Draws the Season 0 page from a `SeasonState`: the live notices, the waitlist, the wallet,
 * the inventory, the achievements with progress bars and the cosmetics shop with equip. Pure
 * DOM building: the page decides when to call it and what the buttons do.
 */
import { h } from "../dom.js";
import { balances, cannotBuy, coins, type Achievement, type Cosmetic, type SeasonState, type Slot, type WalletLine } from "../season.js";
import type { StreamState } from "../seasonStream.js";

export interface SeasonViewOptions {
  readonly stream: StreamState;
  /** The last action's problem, in words (shown as an alert), or null. */
  readonly error: string | null;
  /** An action is in flight: its buttons are disabled meanwhile. */
  readonly busy: boolean;
  /** REST has answered at least once. */
  readonly loaded: boolean;
  readonly onJoin: () => void;
  readonly onLeave: () => void;
  readonly onBuy: (cosmeticId: string) => void;
  readonly onEquip: (slot: Slot, cosmeticId: string | null) => void;
}

const SLOT_NAMES: Readonly<Record<Slot, string>> = { card_back: "Card back", seat_frame: "Seat frame", table_felt: "Table felt" };

const STREAM_TEXT: Readonly<Record<StreamState, string>> = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  closed: "Closed",
};

const STATUS_TEXT = { waiting: "Waiting", invited: "Invited", admitted: "Admitted", removed: "Left the waitlist" } as const;

function when(s: string): string {
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? s : d.toLocaleString();
}

function section(id: string, title: string, ...children: (Node | null)[]): HTMLElement {
  return h("section", { class: "panel season-box", "aria-labelledby": `${id}-title`, "data-testid": id },
    h("h2", { id: `${id}-title` }, title), ...children);
}

function waitlistBox(s: SeasonState, o: SeasonViewOptions): HTMLElement {
  const w = s.waitlist;
  const on = w !== null && w.status !== "removed";
  const status = w === null ? "Not on the waitlist" : STATUS_TEXT[w.status];
  return section("season-waitlist", "Founding waitlist",
    h("p", { "data-testid": "waitlist-status", "data-status": w?.status ?? "none" }, "Status: ", h("strong", null, status)),
    w?.status === "waiting"
      ? h("p", { "data-testid": "waitlist-position", "data-position": w.position ?? "" },
          w.position === null ? "Position: …" : `Position in the queue: ${w.position}`)
      : null,
    on
      ? h("button", { type: "button", "data-key": "waitlist-leave", "data-testid": "waitlist-leave", disabled: o.busy, onclick: o.onLeave }, "Leave the waitlist")
      : h("button", { type: "button", class: "primary", "data-key": "waitlist-join", "data-testid": "waitlist-join", disabled: o.busy, onclick: o.onJoin }, "Join the waitlist"),
  );
}

function signed(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}

const KIND_TEXT: Readonly<Record<WalletLine["kind"], string>> = { deposit: "Deposit", withdrawal: "Spent", transfer: "Reward" };

function walletBox(s: SeasonState): HTMLElement {
  const all = Object.entries(balances(s));
  const shown = all.length === 0 ? [["coins", 0] as const] : all;
  return section("season-wallet", "Wallet",
    h("ul", { class: "balances" },
      shown.map(([currency, amount]) =>
        h("li", { "data-testid": "wallet-balance", "data-currency": currency, "data-balance": amount },
          h("span", { class: "amount" }, String(amount)), " ", currency))),
    h("h3", null, "Recent transactions"),
    s.history.length === 0
      ? h("p", { class: "muted" }, "No transactions yet.")
      : h("ul", { class: "season-list", "data-testid": "wallet-history" },
          s.history.map((l) =>
            h("li", { "data-testid": "wallet-line", "data-delta": l.delta, "data-kind": l.kind },
              h("span", { class: l.delta >= 0 ? "ok" : "bad" }, `${signed(l.delta)} ${l.currency}`),
              " ", KIND_TEXT[l.kind], l.reason === null ? "" : `: ${l.reason}`,
              h("span", { class: "muted small" }, ` · ${when(l.at)}`)))),
  );
}

function inventoryBox(s: SeasonState): HTMLElement {
  const items = Object.entries(s.holdings).sort(([a], [b]) => a.localeCompare(b));
  return section("season-inventory", "Inventory",
    items.length === 0
      ? h("p", { class: "muted" }, "No items yet.")
      : h("ul", { class: "season-list" },
          items.map(([id, quantity]) =>
            h("li", { "data-testid": "inventory-item", "data-item-id": id, "data-quantity": quantity },
              `${s.itemNames[id] ?? id} × ${quantity}`))),
  );
}

function achievementRow(a: Achievement): HTMLElement {
  const unlocked = a.unlockedAt !== null;
  const p = a.progress;
  const label = p === null ? "" : `${p.current} of ${p.target}`;
  return h("li", { class: unlocked ? "achievement unlocked" : "achievement", "data-testid": "achievement", "data-achievement-id": a.id, "data-unlocked": String(unlocked) },
    h("div", { class: "achievement-head" },
      h("strong", null, a.name),
      unlocked ? h("span", { class: "badge unlocked-badge" }, "Unlocked") : null,
      a.rewardCoins > 0 ? h("span", { class: "muted small" }, ` · ${a.rewardCoins} coins`) : null),
    h("p", { class: "small" }, a.description),
    p === null
      ? null
      : h("div", { class: "progress-row" },
          h("progress", { max: p.target, value: p.current, "aria-label": `${a.name}: ${label}`, "data-testid": "achievement-progress" }),
          h("span", { class: "small" }, unlocked ? `Unlocked ${when(a.unlockedAt ?? "")}` : label)),
  );
}

function achievementsBox(s: SeasonState): HTMLElement {
  const list = s.achievements.filter((a) => a.enabled || a.unlockedAt !== null);
  const done = list.filter((a) => a.unlockedAt !== null).length;
  return section("season-achievements", "Achievements",
    h("p", { class: "muted", "data-testid": "achievements-count" }, `${done} of ${list.length} unlocked`),
    h("ul", { class: "season-list achievements" }, list.map(achievementRow)),
  );
}

function price(c: Cosmetic): string {
  if (c.availability === "grant") return "Gift only";
  return c.priceCoins === 0 ? "Free" : `${c.priceCoins} coins`;
}

function cosmeticRow(s: SeasonState, c: Cosmetic, o: SeasonViewOptions): HTMLElement {
  const why = cannotBuy(s, c);
  const owned = c.owned === true;
  const worn = c.equipped === true;
  return h("li", { class: `cosmetic-row kind-${c.kind}`, "data-testid": "cosmetic", "data-cosmetic-id": c.id, "data-owned": String(owned), "data-equipped": String(worn) },
    h("span", { class: `swatch swatch-${c.id}`, "aria-hidden": "true" }),
    h("div", { class: "cosmetic-text" },
      h("strong", null, c.name),
      h("span", { class: "muted small" }, ` · ${SLOT_NAMES[c.kind]} · ${price(c)}`),
      owned ? h("span", { class: "badge" }, worn ? "Equipped" : "Owned") : null,
      !owned && why !== null ? h("p", { class: "small muted", id: `why-${c.id}` }, why) : null),
    h("div", { class: "cosmetic-actions" },
      owned
        ? h("button", {
            type: "button",
            "data-key": `equip-${c.id}`,
            "data-testid": "cosmetic-equip",
            "aria-pressed": String(worn),
            "aria-label": `${worn ? "Unequip" : "Equip"} ${c.name}`,
            disabled: o.busy,
            onclick: () => o.onEquip(c.kind, worn ? null : c.id),
          }, worn ? "Unequip" : "Equip")
        : c.availability === "grant"
          ? null
          : h("button", {
              type: "button",
              class: "primary",
              "data-key": `buy-${c.id}`,
              "data-testid": "cosmetic-buy",
              "aria-label": `${c.priceCoins === 0 ? "Claim" : "Buy"} ${c.name} for ${price(c)}`,
              "aria-describedby": why === null ? null : `why-${c.id}`,
              disabled: o.busy || why !== null,
              onclick: () => o.onBuy(c.id),
            }, c.priceCoins === 0 ? "Claim" : "Buy")),
  );
}

function shopBox(s: SeasonState, o: SeasonViewOptions): HTMLElement {
  return section("season-shop", "Cosmetics",
    h("p", { class: "muted" }, `You have ${coins(s)} coins. Equipped cosmetics show on your seat at the tables you sit at next.`),
    h("p", { "data-testid": "equipped" },
      (Object.keys(SLOT_NAMES) as Slot[]).map((slot, i) => [
        i > 0 ? " · " : "",
        `${SLOT_NAMES[slot]}: `,
        h("strong", { "data-testid": "equipped-slot", "data-slot": slot, "data-cosmetic-id": s.equipped[slot] ?? "" },
          s.cosmetics.find((c) => c.id === s.equipped[slot])?.name ?? "none"),
      ])),
    h("ul", { class: "season-list cosmetics" }, s.cosmetics.map((c) => cosmeticRow(s, c, o))),
  );
}

/** The whole page. */
export function seasonView(s: SeasonState, o: SeasonViewOptions): HTMLElement {
  return h("div", { class: "season", "data-testid": "season", "data-last-seq": s.lastSeq, "data-loaded": String(o.loaded) },
    h("div", { class: "season-head" },
      h("h1", null, "Season 0"),
      h("span", { class: `conn ${o.stream === "live" ? "connected" : o.stream === "closed" ? "disconnected" : "reconnecting"}`, "data-testid": "season-stream", "data-state": o.stream, role: "status" },
        STREAM_TEXT[o.stream])),
    o.error === null ? null : h("p", { class: "rejection", role: "alert", "data-testid": "season-error" }, o.error),
    h("div", { class: "season-notices", role: "status", "aria-live": "polite", "data-testid": "season-notices" },
      s.notices.map((n) => h("p", { class: `notice notice-${n.kind}`, "data-testid": "season-notice", "data-kind": n.kind, "data-seq": n.seq }, n.text))),
    o.loaded ? null : h("p", { class: "muted" }, "Loading Season 0…"),
    h("div", { class: "season-grid" },
      waitlistBox(s, o),
      walletBox(s),
      inventoryBox(s),
      achievementsBox(s),
      shopBox(s, o)),
  );
}
