/**
 * Picks the WebSocket transport: uWebSockets.js where its native binary loads, else ws. Says which,
 * and why, in exactly one log line. `TRANSPORT=ws|uws` forces one (forcing uws fails loudly
 * when it cannot load).
 */
import type { Transport } from "@colyseus/core";
import { WebSocketTransport } from "@colyseus/ws-transport";
import type { Logger } from "../platform/logger.js";

/** The transport chosen, and why. */
export interface TransportChoice {
  readonly transport: Transport;
  readonly kind: "uws" | "ws";
  readonly reason: string;
}

/** First line of an error, for the log line. */
function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split("\n")[0] ?? text;
}

/** Chooses and constructs the transport, logging one line. */
export async function selectTransport(force: "uws" | "ws" | undefined, logger: Logger): Promise<TransportChoice> {
  const choice = await choose(force);
  logger.info({ transport: choice.kind, reason: choice.reason }, `transport: ${choice.kind} (${choice.reason})`);
  return choice;
}

async function choose(force: "uws" | "ws" | undefined): Promise<TransportChoice> {
  if (force === "ws") return { transport: new WebSocketTransport(), kind: "ws", reason: "forced by TRANSPORT=ws" };
  try {
    const mod = await import("@colyseus/uwebsockets-transport");
    return { transport: new mod.uWebSocketsTransport(), kind: "uws", reason: force === "uws" ? "forced by TRANSPORT=uws" : "uWebSockets.js loaded" };
  } catch (err) {
    if (force === "uws") throw new Error(`TRANSPORT=uws but uWebSockets.js cannot load: ${firstLine(err)}`, { cause: err });
    return { transport: new WebSocketTransport(), kind: "ws", reason: `uWebSockets.js cannot load here, fell back to ws: ${firstLine(err)}` };
  }
}
