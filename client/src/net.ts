/**
 * The Colyseus side: one SDK client for the page, authenticated with the current access token
 * before every join, and the table reconnection tokens kept in sessionStorage so that a reload
 * of the page finds its seat again.
 */
import { Client, type Room } from "@colyseus/sdk";
import * as z from "zod/mini";
import type { TableCreateOptions, TableJoinOptions } from "../../src/shared/protocol.js";
import { JOIN_ERRORS, ROOM_NAMES } from "./protocolConstants.js";
import { SERVER_ORIGIN, session } from "./env.js";
import { accessToken } from "./session.js";
import { newClientSeed, rememberClientSeed, rememberedClientSeed } from "./fairness.js";

/** The page's SDK client. */
export const client = new Client(SERVER_ORIGIN);

/** A room whose state the page reads through its own validators (see model.ts). */
export type AnyRoom = Room<unknown, unknown>;

async function authenticate(): Promise<void> {
  const token = await accessToken();
  client.auth.token = token ?? "";
}

const rememberedSchema = z.object({ token: z.string(), seat: z.nullable(z.int()) });
export type Remembered = z.infer<typeof rememberedSchema>;

const key = (roomId: string): string => `pzo.table.${roomId}`;

/** Keeps what a reload needs to get back into the room: its reconnection token and our seat. */
export function remember(roomId: string, value: Remembered): void {
  session.setItem(key(roomId), JSON.stringify(value));
}
export function remembered(roomId: string): Remembered | null {
  const raw = session.getItem(key(roomId));
  if (raw === null) return null;
  try {
    const p = rememberedSchema.safeParse(JSON.parse(raw));
    return p.success ? p.data : null;
  } catch {
    return null;
  }
}
export function forget(roomId: string): void {
  session.removeItem(key(roomId));
}

/** Creates a table and takes a seat with a fresh client seed (fairness v2), remembered for the end. */
export async function createTable(options: TableCreateOptions): Promise<AnyRoom> {
  await authenticate();
  const clientSeed = newClientSeed();
  const room = await client.create<unknown>(ROOM_NAMES.table, { ...options, clientSeed });
  rememberClientSeed(room.roomId, clientSeed);
  return room;
}

/** Joins a table; a player (not a spectator) sends a fresh client seed unless this tab already sent one there. */
export async function joinTable(roomId: string, options: TableJoinOptions): Promise<AnyRoom> {
  await authenticate();
  if (options.spectate === true) return client.joinById<unknown>(roomId, options);
  const clientSeed = rememberedClientSeed(roomId) ?? newClientSeed();
  const room = await client.joinById<unknown>(roomId, { ...options, clientSeed });
  rememberClientSeed(roomId, clientSeed);
  return room;
}

/** Comes back to a seat after a reload: the server binds a reconnection to the seat's owner, so the access token goes with it. */
export async function reconnectTable(token: string): Promise<AnyRoom> {
  await authenticate();
  return client.reconnect<unknown>(token);
}

export async function joinLobby(): Promise<AnyRoom> {
  await authenticate();
  return client.joinOrCreate<unknown>(ROOM_NAMES.lobby, {});
}

const JOIN_TEXT: Readonly<Record<keyof typeof JOIN_ERRORS, string>> = {
  "join/invalid_options": "The table options are not valid.",
  "join/invalid_client_seed": "Your browser's fairness seed was not accepted.",
  "auth/unauthorized": "You are not signed in (or your session expired).",
  "table/game_in_progress": "That game has already started; you can spectate it.",
  "table/invitation_required": "That table is private: open it with the invitation link one of its players shares.",
  "replay/not_found": "There is no such game.",
  "replay/not_finished": "That game has not finished yet.",
  "table/seat_unavailable": "That seat is not available.",
  "server/shutting_down": "The server is restarting; try again in a moment.",
  "table/moving": "The table is moving to another server; rejoining in a moment.",
  "limits/too_many_connections": "Too many open connections from you or your network: close a table or tab and try again.",
  "limits/too_many_tables": "You already have the most tables you may open at once: finish or leave one first.",
  "limits/too_many_bots": "Your tables already have the most bots you may ask for.",
  "limits/too_many_requests": "Too many requests from your network: wait a moment and try again.",
  "ranked/already_queued": "You are already searching for a ranked game (in another tab?).",
  "ranked/bots_not_allowed": "Bots cannot queue for ranked games.",
};

const JOIN_TEXT_BY_CODE = new Map<string, string>(Object.entries(JOIN_TEXT));

/** Words for a failed join/create (the SDK's error carries our `code: detail` message). */
export function joinErrorText(e: unknown): string {
  const message = e instanceof Error ? e.message : typeof e === "string" ? e : "";
  for (const [code, text] of Object.entries(JOIN_TEXT)) {
    if (message.startsWith(code)) return text;
  }
  const numeric = typeof e === "object" && e !== null && "code" in e && typeof e.code === "number" ? e.code : null;
  for (const [code, n] of Object.entries(JOIN_ERRORS)) {
    if (n === numeric) return JOIN_TEXT_BY_CODE.get(code) ?? message;
  }
  if (/not found|invalid room|locked/i.test(message)) return "That table does not exist or is full.";
  return message !== "" ? message : "Could not join the room.";
}

/** Joins the ranked queue (docs/PROTOCOL.md, "The ranked room"). */
export async function joinRanked(): Promise<AnyRoom> {
  await authenticate();
  return client.joinOrCreate<unknown>(ROOM_NAMES.ranked, {});
}
