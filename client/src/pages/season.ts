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

export function seasonPage(root: HTMLElement): () => void {
  const me = identity();
  if (me === null) {
    mount(root, h("p", { class: "panel" }, "Sign in to see your Season 0."));
    return () => undefined;
  }
  let state: SeasonState = emptySeasonState(me.playerId);
  let stream: StreamState = "connecting";
  let error: string | null = null;
  let busy = false;
  let loaded = false;
  let closed = false;
  let drawQueued = false;
  const timers = new Set<ReturnType<typeof setTimeout>>();

  const draw = (): void => {
    drawQueued = false;
    if (closed) return;
    keepFocus(root, () =>
      mount(root, seasonView(state, { stream, error, busy, loaded, onJoin: join, onLeave: leave, onBuy: buy, onEquip: equip })),
    );
  };
  // A burst of events (the stream's history) draws once.
  const scheduleDraw = (): void => {
    if (drawQueued) return;
    drawQueued = true;
    later(draw, 0);
  };
  function later(fn: () => void, ms: number): void {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  }

  const take = (snap: SeasonSnapshot): void => {
    state = withSnapshot(state, snap);
    scheduleDraw();
  };

  let positionPolled = false;
  async function readWaitlist(): Promise<void> {
    const w = await request("/api/waitlist/status", waitlistEntrySchema);
    if (closed) return;
    if (w.ok) take({ waitlist: w.data });
    if (state.waitlist?.status === "waiting" && !positionPolled) {
      positionPolled = true;
      later(() => {
        positionPolled = false;
        void readWaitlist();
      }, POSITION_POLL_MS);
    }
  }

  let progressQueued = false;
  function readProgressSoon(): void {
    if (progressQueued) return;
    progressQueued = true;
    later(() => {
      progressQueued = false;
      void request("/api/achievements", achievementsSchema).then((r) => {
        if (!closed && r.ok) take({ achievements: r.data });
      });
    }, PROGRESS_DEBOUNCE_MS);
  }

  async function load(): Promise<void> {
    const r = await readSnapshot(me?.playerId ?? "");
    if (closed) return;
    error ??= r.error;
    take(r.snapshot);
    // The waitlist entry comes from the log (the stream's history: WAITLIST_ADDED and after),
    // which then reads the position; asking first would answer 404 to everyone not on it.
    loaded = true;
    scheduleDraw();
  }

  const onEvent = (e: StreamEvent): void => {
    state = applySeasonEvent(state, e);
    if (movesProgress(e.type)) readProgressSoon();
    if (movesWaitlist(e.type)) void readWaitlist();
    scheduleDraw();
  };
  const events = new SeasonStream({
    open: (lastEventId, signal) =>
      fetchRaw("/api/season/events/stream", {
        headers: lastEventId === null ? { accept: "text/event-stream" } : { accept: "text/event-stream", "last-event-id": String(lastEventId) },
        signal,
      }),
    onEvent,
    onState: (s) => {
      stream = s;
      scheduleDraw();
    },
  });

  /** Runs one action: buttons off meanwhile, its problem in words, the page drawn after. */
  async function act<T>(run: () => Promise<ApiResult<T>>, done: (data: T) => void): Promise<void> {
    if (busy) return;
    // Disabled buttons drop focus: it goes back to the same control (`data-key`) after.
    const active = document.activeElement;
    const key = active instanceof HTMLElement && root.contains(active) ? active.dataset["key"] : undefined;
    busy = true;
    error = null;
    draw();
    const r = await run();
    if (closed) return;
    busy = false;
    if (r.ok) done(r.data);
    else error = wordsOf(r.problem);
    draw();
    restoreFocus(root, key);
  }

  function join(): void {
    void act(() => request("/api/waitlist", waitlistEntrySchema, { method: "POST" }), (w) => {
      take({ waitlist: w });
      void readWaitlist();
    });
  }
  function leave(): void {
    const id = state.waitlist?.id;
    if (id === undefined) return;
    void act(() => request(`/api/waitlist/${encodeURIComponent(id)}`, waitlistEntrySchema, { method: "DELETE" }), (w) => take({ waitlist: w }));
  }
  function buy(cosmeticId: string): void {
    // Ownership and coins arrive on the stream (COSMETIC_UNLOCKED, TRANSACTION_COMPLETED); the
    // catalogue is read again so the shop is right even while the stream reconnects.
    void act(() => request("/api/cosmetics/unlock", unlockAnswerSchema, { method: "POST", body: { cosmeticId } }), () => {
      void request("/api/cosmetics", cosmeticsSchema).then((r) => {
        if (!closed && r.ok) take({ cosmetics: r.data });
      });
    });
  }
  function equip(slot: Slot, cosmeticId: string | null): void {
    void act(() => request("/api/cosmetics/equipped", equippedSchema, { method: "PUT", body: { [slot]: cosmeticId } }), (set) => {
      state = withEquipped(state, set);
    });
  }

  draw();
  void load().then(() => {
    if (!closed) events.start();
  });

  return () => {
    closed = true;
    events.close();
    for (const t of timers) clearTimeout(t);
    timers.clear();
  };
}
