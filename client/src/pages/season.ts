/**
 * `#/season`: the caller's Season 0: waitlist, wallet, inventory, achievements and the cosmetics
 * shop. REST gives the catalogue and the starting point; the Season event stream keeps it live
 * (client/src/seasonStream.ts), folded by client/src/season.ts; client/src/views/seasonView.ts
 * draws it.
 */
import type * as z from "zod/mini";
import { keepFocus, h, mount } from "../dom.js";
import { fetchRaw, request, type ApiProblem, type ApiResult } from "../http.js";
import {
  achievementsSchema,
  applySeasonEvent,
  balancesSchema,
  cosmeticsSchema,
  emptySeasonState,
  equippedSchema,
  inventorySchema,
  itemsSchema,
  movesProgress,
  movesWaitlist,
  problemText,
  transactionsSchema,
  unlockAnswerSchema,
  waitlistEntrySchema,
  withEquipped,
  withSnapshot,
  type SeasonSnapshot,
  type SeasonState,
  type Slot,
  type StreamEvent,
} from "../season.js";
import { SeasonStream, type StreamState } from "../seasonStream.js";
import { identity } from "../session.js";
import { seasonView } from "../views/seasonView.js";

/** While waiting, the queue position is read again this often (others move it). */
const POSITION_POLL_MS = 10_000;
/** Progress is read again this long after the last event that moved it. */
const PROGRESS_DEBOUNCE_MS = 300;

const wordsOf = (p: ApiProblem): string => problemText(p.code, p.message);

/** The REST side of the page, read at once; the first problem in words (the rest still shows). */
async function readSnapshot(playerId: string): Promise<{ snapshot: SeasonSnapshot; error: string | null }> {
  const get = <T,>(path: string, schema: z.ZodMiniType<T>): Promise<ApiResult<T>> => request(path, schema);
  const [balances, transactions, inventory, items, achievements, cosmetics, equipped] = await Promise.all([
    get("/api/currency", balancesSchema),
    get(`/api/currency/${encodeURIComponent(playerId)}/transactions?limit=10`, transactionsSchema),
    get("/api/inventory", inventorySchema),
    get("/api/items", itemsSchema),
    get("/api/achievements", achievementsSchema),
    get("/api/cosmetics", cosmeticsSchema),
    get("/api/cosmetics/equipped", equippedSchema),
  ]);
  let error: string | null = null;
  const opt = <T,>(r: ApiResult<T>): T | undefined => {
    if (r.ok) return r.data;
    error ??= wordsOf(r.problem);
    return undefined;
  };
  const snapshot: SeasonSnapshot = {
    balances: opt(balances),
    transactions: opt(transactions),
    inventory: opt(inventory),
    items: opt(items),
    achievements: opt(achievements),
    cosmetics: opt(cosmetics),
    equipped: opt(equipped),
  };
  return { snapshot, error };
}

/** Puts focus back after an action whose buttons were disabled (which drops focus). */
function restoreFocus(root: HTMLElement, key: string | undefined): void {
  if (key === undefined || root.contains(document.activeElement)) return;
  // A bought cosmetic's Buy becomes Equip; Join becomes Leave and back.
  const swap: Readonly<Record<string, string>> = { "waitlist-join": "waitlist-leave", "waitlist-leave": "waitlist-join" };
  const next = [key, swap[key] ?? key.replace(/^buy-/, "equip-")];
  next.map((k) => root.querySelector<HTMLElement>(`[data-key="${CSS.escape(k)}"]`)).find((el) => el !== null)?.focus();
}

/**
 * The page's state and its steps: REST reads, the stream's events, the actions. Each draws
 * through {@link SeasonPage.scheduleDraw} (a burst of events draws once) or, around an action,
 * at once.
 */
class SeasonPage {
  private state: SeasonState;
  private stream: StreamState = "connecting";
  private error: string | null = null;
  private busy = false;
  private loaded = false;
  private closed = false;
  private drawQueued = false;
  private positionPolled = false;
  private progressQueued = false;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly events: SeasonStream;

  constructor(
    private readonly root: HTMLElement,
    private readonly playerId: string,
  ) {
    this.state = emptySeasonState(playerId);
    this.events = new SeasonStream({
      open: (lastEventId, signal) =>
        fetchRaw("/api/season/events/stream", {
          headers: lastEventId === null ? { accept: "text/event-stream" } : { accept: "text/event-stream", "last-event-id": String(lastEventId) },
          signal,
        }),
      onEvent: (e) => this.onEvent(e),
      onState: (s) => {
        this.stream = s;
        this.scheduleDraw();
      },
    });
  }

  /** Draws, then reads the REST side, then follows the stream. */
  start(): void {
    this.draw();
    void this.load().then(() => {
      if (!this.closed) this.events.start();
    });
  }

  close(): void {
    this.closed = true;
    this.events.close();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private draw(): void {
    this.drawQueued = false;
    if (this.closed) return;
    const { state, stream, error, busy, loaded } = this;
    const actions = { onJoin: () => this.join(), onLeave: () => this.leave(), onBuy: (id: string) => this.buy(id), onEquip: (slot: Slot, id: string | null) => this.equip(slot, id) };
    keepFocus(this.root, () => mount(this.root, seasonView(state, { stream, error, busy, loaded, ...actions })));
  }

  /** A burst of events (the stream's history) draws once. */
  private scheduleDraw(): void {
    if (this.drawQueued) return;
    this.drawQueued = true;
    this.later(() => this.draw(), 0);
  }

  private later(fn: () => void, ms: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private take(snap: SeasonSnapshot): void {
    this.state = withSnapshot(this.state, snap);
    this.scheduleDraw();
  }

  private async load(): Promise<void> {
    const r = await readSnapshot(this.playerId);
    if (this.closed) return;
    this.error ??= r.error;
    this.take(r.snapshot);
    // The waitlist entry comes from the log (the stream's history: WAITLIST_ADDED and after),
    // which then reads the position; asking first would answer 404 to everyone not on it.
    this.loaded = true;
    this.scheduleDraw();
  }

  /** The waitlist entry; while waiting, read again every {@link POSITION_POLL_MS} (others move it). */
  private async readWaitlist(): Promise<void> {
    const w = await request("/api/waitlist/status", waitlistEntrySchema);
    if (this.closed) return;
    if (w.ok) this.take({ waitlist: w.data });
    if (this.state.waitlist?.status === "waiting" && !this.positionPolled) {
      this.positionPolled = true;
      this.later(() => {
        this.positionPolled = false;
        void this.readWaitlist();
      }, POSITION_POLL_MS);
    }
  }

  private readProgressSoon(): void {
    if (this.progressQueued) return;
    this.progressQueued = true;
    this.later(() => {
      this.progressQueued = false;
      void request("/api/achievements", achievementsSchema).then((r) => {
        if (!this.closed && r.ok) this.take({ achievements: r.data });
      });
    }, PROGRESS_DEBOUNCE_MS);
  }

  private onEvent(e: StreamEvent): void {
    this.state = applySeasonEvent(this.state, e);
    if (movesProgress(e.type)) this.readProgressSoon();
    if (movesWaitlist(e.type)) void this.readWaitlist();
    this.scheduleDraw();
  }

  /** Runs one action: buttons off meanwhile, its problem in words, the page drawn after. */
  private async act<T>(run: () => Promise<ApiResult<T>>, done: (data: T) => void): Promise<void> {
    if (this.busy) return;
    // Disabled buttons drop focus: it goes back to the same control (`data-key`) after.
    const active = document.activeElement;
    const key = active instanceof HTMLElement && this.root.contains(active) ? active.dataset["key"] : undefined;
    this.busy = true;
    this.error = null;
    this.draw();
    const r = await run();
    if (this.closed) return;
    this.busy = false;
    if (r.ok) done(r.data);
    else this.error = wordsOf(r.problem);
    this.draw();
    restoreFocus(this.root, key);
  }

  private join(): void {
    void this.act(
      () => request("/api/waitlist", waitlistEntrySchema, { method: "POST" }),
      (w) => {
        this.take({ waitlist: w });
        void this.readWaitlist();
      },
    );
  }

  private leave(): void {
    const id = this.state.waitlist?.id;
    if (id === undefined) return;
    void this.act(
      () => request(`/api/waitlist/${encodeURIComponent(id)}`, waitlistEntrySchema, { method: "DELETE" }),
      (w) => this.take({ waitlist: w }),
    );
  }

  private buy(cosmeticId: string): void {
    // Ownership and coins arrive on the stream (COSMETIC_UNLOCKED, TRANSACTION_COMPLETED); the
    // catalogue is read again so the shop is right even while the stream reconnects.
    void this.act(
      () => request("/api/cosmetics/unlock", unlockAnswerSchema, { method: "POST", body: { cosmeticId } }),
      () => {
        void request("/api/cosmetics", cosmeticsSchema).then((r) => {
          if (!this.closed && r.ok) this.take({ cosmetics: r.data });
        });
      },
    );
  }

  private equip(slot: Slot, cosmeticId: string | null): void {
    void this.act(
      () => request("/api/cosmetics/equipped", equippedSchema, { method: "PUT", body: { [slot]: cosmeticId } }),
      (set) => {
        this.state = withEquipped(this.state, set);
      },
    );
  }
}

/** Mounts the Season page in `root`; returns what stops it (the stream, the timers). */
export function seasonPage(root: HTMLElement): () => void {
  const me = identity();
  if (me === null) {
    mount(root, h("p", { class: "panel" }, "Sign in to see your Season 0."));
    return () => undefined;
  }
  const page = new SeasonPage(root, me.playerId);
  page.start();
  return () => page.close();
}
