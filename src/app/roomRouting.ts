/**
 * Room-aware routing behind one address. A Colyseus join is a seat reservation (any process can
 * answer it) and then a WebSocket to `/<processId>/<roomId>` that must reach the very process
 * hosting the room. Behind a connection-balancing proxy (Fly's edge, a Kubernetes service) that
 * upgrade lands on any process, so a process that gets one for a room it does not host sends it on:
 *
 * - `fly-replay`: it answers `fly-replay: instance=<host's FLY_MACHINE_ID>` and Fly's proxy
 *   replays the upgrade on that machine (works with either transport, through `beforeUpgrade`);
 * - `forward`: it pipes the upgrade to the host's PRIVATE_ADDRESS over the private network
 *   (ws transport: uWebSockets.js does not hand over raw sockets).
 *
 * Each process registers its machine id and private address in presence under its Colyseus
 * process id before it accepts rooms; the host of a room is the process its listing names (so a
 * table adopted by another process after a crash is found where it lives now), else the process
 * the join path names. A host that cannot be found is looked up again after 50, 200 and 500 ms
 * before the upgrade is served locally (logged at info). HTTP needs nothing: every route
 * (matchmaking, REST, SSE) is answered by whichever process gets it.
 */
import { connect, type Socket } from "node:net";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { z } from "zod";
import type { Presence } from "@colyseus/core";
import type { RoomRoutingMode } from "../platform/config.js";

/** Set on an upgrade this server forwarded, so the receiver serves it and never sends it on again. */
export const ROUTED_HEADER = "x-pzo-routed";
/** Fly's proxy sets this on a replayed request: the receiver never asks for another replay. */
export const FLY_REPLAY_SOURCE_HEADER = "fly-replay-src";

/** Where one process can be reached, as it registers itself. */
export const routeEntrySchema = z.object({
  machineId: z.string().min(1).max(64).optional(),
  address: z.string().min(3).max(300).optional(),
});
export type RouteEntry = z.infer<typeof routeEntrySchema>;

/** What to do with one upgrade. */
export type Route =
  | { readonly kind: "local" }
  | { readonly kind: "replay"; readonly machineId: string }
  | { readonly kind: "forward"; readonly address: string };

const LOCAL: Route = { kind: "local" };

/** The process and room a room-join upgrade path (`/<processId>/<roomId>`) names, as the transports parse it. */
export function joinPathOf(pathname: string): { readonly processId: string; readonly roomId: string } | null {
  const match = /\/([a-zA-Z0-9_-]+)\/([a-zA-Z0-9_-]+)$/.exec(pathname);
  const [, processId, roomId] = match ?? [];
  return processId === undefined || roomId === undefined ? null : { processId, roomId };
}

/** The room id of a room-join upgrade path (`/<processId>/<roomId>`), as the transports parse it. */
export function roomIdOfPath(pathname: string): string | null {
  return joinPathOf(pathname)?.roomId ?? null;
}

/**
 * The process hosting a room: the one its matchmaker listing names (a table adopted by another
 * process after a crash lives there now), else the one the join path names (the seat reservation
 * was made there).
 */
export function hostProcessOf(listed: string | null, named: string): string {
  return listed ?? named;
}

/** Waits before each repeated registry lookup, in ms: a host registered a moment ago is found. */
export const ROUTE_RETRY_DELAYS_MS: readonly number[] = [50, 200, 500];

/** Why an upgrade for a room elsewhere was served locally after all (logged at info). */
export interface RouteFallback {
  readonly roomId: string;
  readonly hostProcessId: string | null;
  readonly reason: "host_not_registered" | "lookup_failed";
  readonly attempts: number;
  readonly error?: unknown;
}

/** The facts one routing decision needs. */
export interface RouteFacts {
  readonly mode: RoomRoutingMode;
  /** The request was already routed once (by us, or replayed by Fly). */
  readonly alreadyRouted: boolean;
  readonly selfProcessId: string;
  /** The process the room's listing names, or null when there is no listing. */
  readonly hostProcessId: string | null;
  /** The host's registration, or null when it registered none. */
  readonly host: RouteEntry | null;
}

/**
 * The pure decision: serve locally unless the room lives on another process that can be reached
 * in the configured way. Anything unknown is served locally, where Colyseus answers it as usual
 * (for a gone room: "seat reservation expired").
 */
export function decideRoute(facts: RouteFacts): Route {
  if (facts.alreadyRouted || facts.hostProcessId === null || facts.hostProcessId === facts.selfProcessId) return LOCAL;
  switch (facts.mode) {
    case "off":
      return LOCAL;
    case "fly-replay":
      return facts.host?.machineId !== undefined ? { kind: "replay", machineId: facts.host.machineId } : LOCAL;
    case "forward":
      return facts.host?.address !== undefined ? { kind: "forward", address: facts.host.address } : LOCAL;
    default: {
      const unknown: never = facts.mode;
      throw new Error(`unknown routing mode ${String(unknown)}`);
    }
  }
}

/** What the router reads from Colyseus: injected, so tests need no matchmaker. */
export interface RouterPorts {
  readonly presence: Presence;
  /** The presence hash every process registers in (REDIS_PREFIX + "routes"). */
  readonly registryKey: string;
  readonly selfProcessId: () => string;
  /** The room is hosted here (synchronous: decides the common case without a round trip). */
  readonly hostsLocally: (roomId: string) => boolean;
  /** The process the room's listing names, or null. */
  readonly hostOf: (roomId: string) => Promise<string | null>;
  readonly onInvalidEntry?: (processId: string, error: unknown) => void;
  /** Called when an upgrade for a room on another process is served locally after every retry. */
  readonly onFallback?: (fallback: RouteFallback) => void;
  /** Default ROUTE_RETRY_DELAYS_MS. */
  readonly retryDelaysMs?: readonly number[];
}

/** Routes upgrades for one process; registers it so the others can route to it. */
export interface RoomRouter {
  readonly mode: RoomRoutingMode;
  /** Synchronous fast path: true when the upgrade is certainly served here. */
  servesLocally(pathname: string, headers: Readonly<Record<string, string | string[] | undefined>>): boolean;
  /** Where an upgrade for `pathname` goes. Never rejects: a failed lookup serves locally. */
  route(pathname: string, headers: Readonly<Record<string, string | string[] | undefined>>): Promise<Route>;
  /** Publishes this process's entry (after the matchmaker is up). */
  register(entry: RouteEntry): Promise<void>;
  /** Removes this process's entry (at shutdown). */
  unregister(): Promise<void>;
}

/** Builds the router over presence. Registrations are cached: a process id never changes its entry. */
export function createRoomRouter(mode: RoomRoutingMode, ports: RouterPorts): RoomRouter {
  const cache = new Map<string, RouteEntry>();

  async function entryOf(processId: string): Promise<RouteEntry | null> {
    const cached = cache.get(processId);
    if (cached !== undefined) return cached;
    const raw = await ports.presence.hget(ports.registryKey, processId);
    if (raw === null) return null;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (err) {
      ports.onInvalidEntry?.(processId, err);
      return null;
    }
    const parsed = routeEntrySchema.safeParse(json);
    if (!parsed.success) {
      ports.onInvalidEntry?.(processId, parsed.error);
      return null;
    }
    if (cache.size > 1_000) cache.clear();
    cache.set(processId, parsed.data);
    return parsed.data;
  }

  const isRouted = (headers: Readonly<Record<string, string | string[] | undefined>>): boolean =>
    headers[ROUTED_HEADER] !== undefined || headers[FLY_REPLAY_SOURCE_HEADER] !== undefined;

  /** One lookup: the route, or why it could not be decided (worth asking again). */
  async function lookup(path: { processId: string; roomId: string }): Promise<Route | Omit<RouteFallback, "attempts">> {
    let hostProcessId: string | null = null;
    try {
      hostProcessId = hostProcessOf(await ports.hostOf(path.roomId), path.processId);
      const selfProcessId = ports.selfProcessId();
      if (hostProcessId === selfProcessId) return LOCAL;
      const host = await entryOf(hostProcessId);
      if (host === null) return { roomId: path.roomId, hostProcessId, reason: "host_not_registered" };
      return decideRoute({ mode, alreadyRouted: false, selfProcessId, hostProcessId, host });
    } catch (error) {
      return { roomId: path.roomId, hostProcessId, reason: "lookup_failed", error };
    }
  }

  /**
   * Looks the host up, again after each of the retry delays while it cannot be found (a process
   * that just started, a presence hiccup); then serves locally, where Colyseus answers as usual.
   */
  async function routeWithRetries(path: { processId: string; roomId: string }): Promise<Route> {
    const delays = ports.retryDelaysMs ?? ROUTE_RETRY_DELAYS_MS;
    for (let attempt = 0; ; attempt++) {
      const outcome = await lookup(path);
      if ("kind" in outcome) return outcome;
      const delay = delays[attempt];
      if (delay === undefined) {
        ports.onFallback?.({ ...outcome, attempts: attempt + 1 });
        return LOCAL;
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  function servesLocally(pathname: string, headers: Readonly<Record<string, string | string[] | undefined>>): boolean {
    if (mode === "off" || isRouted(headers)) return true;
    const roomId = roomIdOfPath(pathname);
    return roomId === null || ports.hostsLocally(roomId);
  }

  return {
    mode,
    servesLocally,
    async route(pathname, headers) {
      if (servesLocally(pathname, headers)) return LOCAL;
      const path = joinPathOf(pathname);
      return path === null ? LOCAL : routeWithRetries(path);
    },
    async register(entry) {
      await ports.presence.hset(ports.registryKey, ports.selfProcessId(), JSON.stringify(entry));
    },
    async unregister() {
      await ports.presence.hdel(ports.registryKey, ports.selfProcessId());
    },
  };
}

/** `host:port` (an IPv6 host in brackets) split for `net.connect`. */
export function parseAddress(address: string): { host: string; port: number } {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(address);
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  if (host === undefined || !Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`not a host:port address: ${address}`);
  return { host, port };
}

/** The request head of an upgrade as it is sent on: same method, path and headers, marked as routed. */
function upgradeHead(req: IncomingMessage): string {
  const lines = [`${req.method ?? "GET"} ${req.url ?? "/"} HTTP/1.1`];
  let forwardedFor: string | null = null;
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] ?? "";
    const value = req.rawHeaders[i + 1] ?? "";
    if (name.toLowerCase() === "x-forwarded-for") forwardedFor = forwardedFor === null ? value : `${forwardedFor}, ${value}`;
    else lines.push(`${name}: ${value}`);
  }
  // The host sees the client's address (it trusts private-network hops: TRUST_PROXY).
  const client = req.socket.remoteAddress;
  const chain = [forwardedFor, client].filter((v): v is string => v !== null && v !== undefined && v !== "");
  if (chain.length > 0) lines.push(`X-Forwarded-For: ${chain.join(", ")}`);
  lines.push(`${ROUTED_HEADER}: 1`);
  return `${lines.join("\r\n")}\r\n\r\n`;
}

/**
 * Pipes one WebSocket upgrade to the process at `address`: the host answers the handshake and
 * every frame after it travels through this process untouched. A host that cannot be reached
 * gets the client a 502 (the SDK reports a failed connection; nothing here crashes).
 */
export function forwardUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, address: string, onError: (err: unknown) => void): void {
  let upstream: Socket;
  try {
    const { host, port } = parseAddress(address);
    upstream = connect({ host, port });
  } catch (err) {
    onError(err);
    socket.end("HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    return;
  }
  let connected = false;
  upstream.setNoDelay(true);
  upstream.once("connect", () => {
    connected = true;
    upstream.write(upgradeHead(req));
    if (head.length > 0) upstream.write(head);
    socket.pipe(upstream);
    upstream.pipe(socket);
  });
  upstream.on("error", (err) => {
    onError(err);
    if (!connected && !socket.destroyed) socket.end("HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    else socket.destroy();
  });
  socket.on("error", () => upstream.destroy());
  upstream.on("close", () => socket.destroy());
  socket.on("close", () => upstream.destroy());
}
