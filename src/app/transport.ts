/**
 * Picks the WebSocket transport: uWebSockets.js where its native binary loads, else ws. Says which,
 * and why, in exactly one log line. `TRANSPORT=ws|uws` forces one (forcing uws fails loudly
 * when it cannot load). With a room router (ROOM_ROUTING), upgrades for rooms hosted elsewhere
 * are answered with `fly-replay` (either transport) or forwarded (ws only).
 */
import http from "node:http";
import type { Duplex } from "node:stream";
import type { BeforeUpgradeHandler, Transport } from "@colyseus/core";
import { WebSocketTransport } from "@colyseus/ws-transport";
import type { Logger } from "../platform/logger.js";
import { MAX_MESSAGE_BYTES } from "../shared/protocol.js";
import { forwardUpgrade, type RoomRouter } from "./roomRouting.js";

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
export async function selectTransport(force: "uws" | "ws" | undefined, logger: Logger, router?: RoomRouter, guard?: BeforeUpgradeHandler): Promise<TransportChoice> {
  const choice = await choose(force, logger, router, guard);
  logger.info({ transport: choice.kind, reason: choice.reason, roomRouting: router?.mode ?? "off" }, `transport: ${choice.kind} (${choice.reason})`);
  return choice;
}

async function choose(force: "uws" | "ws" | undefined, logger: Logger, router: RoomRouter | undefined, guard: BeforeUpgradeHandler | undefined): Promise<TransportChoice> {
  if (router?.mode === "forward") {
    // Config refuses TRANSPORT=uws with forward routing; ws is the only transport that hands over raw sockets.
    return { transport: new RoutingWebSocketTransport(router, logger, guard), kind: "ws", reason: "ROOM_ROUTING=forward forwards raw sockets (ws)" };
  }
  const beforeUpgrade = chainUpgradeChecks(guard, router?.mode === "fly-replay" ? flyReplayHandler(router) : undefined);
  const options = beforeUpgrade === undefined ? {} : { beforeUpgrade };
  // Both transports default to 4 KiB; every room allows MAX_MESSAGE_BYTES (docs/PROTOCOL.md, Limits).
  const wsOptions = { ...options, maxPayload: MAX_MESSAGE_BYTES };
  if (force === "ws") return { transport: new WebSocketTransport(wsOptions), kind: "ws", reason: "forced by TRANSPORT=ws" };
  try {
    const mod = await import("@colyseus/uwebsockets-transport");
    const transport = new mod.uWebSocketsTransport({ ...options, maxPayloadLength: MAX_MESSAGE_BYTES });
    return { transport, kind: "uws", reason: force === "uws" ? "forced by TRANSPORT=uws" : "uWebSockets.js loaded" };
  } catch (err) {
    if (force === "uws") throw new Error(`TRANSPORT=uws but uWebSockets.js cannot load: ${firstLine(err)}`, { cause: err });
    return { transport: new WebSocketTransport(wsOptions), kind: "ws", reason: `uWebSockets.js cannot load here, fell back to ws: ${firstLine(err)}` };
  }
}

/** Runs `first`, then (when it let the upgrade through) `second`; either may be absent. */
function chainUpgradeChecks(first: BeforeUpgradeHandler | undefined, second: BeforeUpgradeHandler | undefined): BeforeUpgradeHandler | undefined {
  if (first === undefined || second === undefined) return first ?? second;
  return async (request, context) => (await first(request, context)) ?? second(request, context);
}

/** Status of a `fly-replay` answer (Fly's proxy acts on the header and discards the response). */
const FLY_REPLAY_STATUS = 307;

/** Answers an upgrade for a room on another machine with `fly-replay: instance=<machine id>`. */
export function flyReplayHandler(router: RoomRouter): BeforeUpgradeHandler {
  return async (request) => {
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => (headers[name] = value));
    const route = await router.route(new URL(request.url).pathname, headers);
    if (route.kind !== "replay") return undefined;
    return new Response(null, { status: FLY_REPLAY_STATUS, headers: { "fly-replay": `instance=${route.machineId}` } });
  };
}

/** The path of an upgrade request (its URL without the query). */
function pathOf(req: http.IncomingMessage): string {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  return q === -1 ? url : url.slice(0, q);
}

/**
 * The ws transport with forwarding: an upgrade for a room hosted here (or for no room) takes the
 * usual path; one for a room on another process is piped to that process's PRIVATE_ADDRESS.
 */
export class RoutingWebSocketTransport extends WebSocketTransport {
  constructor(router: RoomRouter, logger: Logger, beforeUpgrade?: BeforeUpgradeHandler) {
    super(beforeUpgrade === undefined ? { noServer: true, maxPayload: MAX_MESSAGE_BYTES } : { noServer: true, maxPayload: MAX_MESSAGE_BYTES, beforeUpgrade });
    const server = http.createServer();
    server.on("error", (err) => logger.error({ err }, "HTTP server error"));
    this.attachToServer(server, { filter: (req) => router.servesLocally(pathOf(req), req.headers) });
    server.on("upgrade", (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      if (router.servesLocally(pathOf(req), req.headers)) return;
      const onSocketError = (): void => void socket.destroy();
      socket.on("error", onSocketError);
      void router.route(pathOf(req), req.headers).then((route) => {
        if (socket.destroyed) return;
        socket.removeListener("error", onSocketError);
        switch (route.kind) {
          case "forward":
            forwardUpgrade(req, socket, head, route.address, (err) => logger.warn({ err, address: route.address }, "cannot forward a WebSocket to its room's process"));
            return;
          case "replay":
          case "local":
            this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit("connection", ws, req));
            return;
          default: {
            const unknown: never = route;
            throw new Error(`unknown route ${JSON.stringify(unknown)}`);
          }
        }
      });
    });
  }

  /** The HTTP server is ours (attached, not owned by the base class): close it too. */
  override shutdown(): void {
    super.shutdown();
    this.server?.close();
  }
}
