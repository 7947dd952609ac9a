/**
 * Test helpers: an SDK room wrapper that records every message and every decoded state, and
 * waits for conditions on them.
 */
import type { Client, Room } from "@colyseus/sdk";
import type { TableRoomLike } from "../../src/bots/client.js";
import { TableState } from "../../src/shared/schema/TableState.js";
import type { ReplayCreateOptions, TableCreateOptions, TableJoinOptions } from "../../src/shared/protocol.js";

/** The SDK's shape of a `replay` room. */
export interface ReplayRoomLike {
  state: TableState;
  onJoin?: (client: unknown, options?: ReplayCreateOptions) => unknown;
}

/** A message as received. */
export interface Received {
  readonly type: string;
  readonly payload: unknown;
}

/** A recorded table connection. */
export interface Recorder<R extends { state: TableState } = TableRoomLike> {
  readonly room: Room<R, TableState>;
  readonly messages: Received[];
  /** JSON of the decoded state after every state change. */
  readonly states: unknown[];
  of(type: string): unknown[];
  waitFor<T>(probe: () => T | undefined | null | false, timeoutMs?: number, what?: string): Promise<T>;
}

/** Polls `probe` until it returns a truthy value. */
export async function waitUntil<T>(probe: () => T | undefined | null | false, timeoutMs = 20_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Wraps a joined room. */
export function record<R extends { state: TableState }>(room: Room<R, TableState>): Recorder<R> {
  const messages: Received[] = [];
  const states: unknown[] = [];
  room.onMessage("*", (type: string | number, payload: unknown) => messages.push({ type: String(type), payload }));
  room.onStateChange((state: TableState) => states.push(state.toJSON()));
  return {
    room,
    messages,
    states,
    of: (type) => messages.filter((m) => m.type === type).map((m) => m.payload),
    waitFor: (probe, timeoutMs, what) => waitUntil(probe, timeoutMs, what),
  };
}

/** Joins a table by id and records it. */
export async function joinTable(client: Client, roomId: string, options: TableJoinOptions = {}): Promise<Recorder> {
  return record(await client.joinById<TableRoomLike>(roomId, options, TableState));
}

/** Creates a table (the creator joins it) and records it. */
export async function createTable(client: Client, options: TableCreateOptions & TableJoinOptions = {}): Promise<Recorder> {
  return record(await client.create<TableRoomLike>("table", options, TableState));
}
