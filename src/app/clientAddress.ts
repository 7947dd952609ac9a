/**
 * The client address of a WebSocket upgrade, under the same TRUST_PROXY rules as the HTTP API
 * (express's `trust proxy`, compiled by express itself), for the per-address room limits
 * (rooms/admission.ts). Colyseus resolves an address on its own, from `X-Real-IP` or
 * `X-Forwarded-For` before the socket, which any client can write; it is not used as is.
 *
 * - ws transport: every upgrade's headers are rewritten before Colyseus reads them: `X-Real-IP`
 *   becomes the address `trust proxy` gives (the socket's peer, or a trusted proxy's hop), and
 *   the other forwarding headers are dropped.
 * - uWebSockets.js transport: the socket's peer is only known when no forwarding header came, so
 *   forwarding headers are believed only with a hop count (`TRUST_PROXY=1`, as behind Fly), and
 *   an upgrade carrying them under any other setting is refused ({@link UNTRUSTED_FORWARDING}).
 */
import type { IncomingMessage, Server } from "node:http";
import express from "express";
import { trustProxySetting } from "../http/http.js";
import type { ClientAddresses } from "../../rooms/admission.js";

/** express's compiled `trust proxy` function: is the address at hop `i` (0: the socket) a trusted proxy? */
export type TrustFn = (address: string, hop: number) => boolean;

/** The refusal of a uWebSockets.js upgrade whose forwarding headers cannot be checked. */
export const UNTRUSTED_FORWARDING = { code: "limits/untrusted_forwarding", status: 400 } as const;

const FORWARDING_HEADERS = ["x-forwarded-for", "x-real-ip", "x-client-ip"] as const;

/** The `trust proxy` function express builds from TRUST_PROXY. */
export function trustOf(trustProxy: string): TrustFn {
  const probe = express();
  probe.set("trust proxy", trustProxySetting(trustProxy));
  const fn: unknown = probe.get("trust proxy fn");
  if (typeof fn !== "function") throw new Error("express has no compiled trust proxy function");
  return (address, hop) => Boolean(Reflect.apply(fn, undefined, [address, hop]));
}

/**
 * proxy-addr's walk (what express's `req.ip` does): from the socket's peer back through
 * `X-Forwarded-For`, the first address that is not a trusted proxy.
 */
export function clientAddressOf(peer: string, forwardedFor: string | null | undefined, trust: TrustFn): string {
  const chain = [
    peer,
    ...(forwardedFor ?? "")
      .split(",")
      .map((a) => a.trim())
      .filter((a) => a !== "")
      .reverse(),
  ];
  for (let hop = 0; hop < chain.length - 1; hop++) {
    if (!trust(chain[hop] ?? "", hop)) return chain[hop] ?? peer;
  }
  return chain[chain.length - 1] ?? peer;
}

/** Rewrites a request's forwarding headers: `X-Real-IP` becomes the trusted address, the others go. */
export function normalizeForwarding(req: IncomingMessage, trust: TrustFn): void {
  const forwarded = req.headers["x-forwarded-for"];
  const address = clientAddressOf(req.socket.remoteAddress ?? "unknown", Array.isArray(forwarded) ? forwarded.join(",") : forwarded, trust);
  for (const name of FORWARDING_HEADERS) delete req.headers[name];
  req.headers["x-real-ip"] = address;
}

/** ws transport: rewrites each upgrade's forwarding headers to the trusted address (runs before Colyseus's listener). */
export function installUpgradeAddresses(server: Server, trust: TrustFn): void {
  server.prependListener("upgrade", (req: IncomingMessage) => normalizeForwarding(req, trust));
}

/**
 * The client address of an upgrade from what the transport passed on (`ip`, headers), or why it
 * cannot be trusted. `normalized`: the ws transport's headers were rewritten already.
 */
export function upgradeAddress(
  context: { readonly ip?: string | undefined; readonly headers: Headers },
  normalized: boolean,
  trustProxy: string,
  trust: TrustFn,
): { readonly ok: true; readonly address: string } | { readonly ok: false; readonly detail: string } {
  const ip = context.ip ?? "unknown";
  if (normalized) return { ok: true, address: ip };
  const present = FORWARDING_HEADERS.filter((name) => context.headers.get(name) !== null);
  // No forwarding header: the transport's address is the socket's peer.
  if (present.length === 0) return { ok: true, address: ip };
  const hops = trustProxySetting(trustProxy);
  if (typeof hops === "number" && hops > 0 && present.every((name) => name === "x-forwarded-for")) {
    // A hop count trusts the peer without looking at it: the X-Forwarded-For chain decides.
    return { ok: true, address: clientAddressOf("trusted-proxy", context.headers.get("x-forwarded-for"), trust) };
  }
  return { ok: false, detail: `${present.join(", ")} cannot be checked here (TRUST_PROXY=${trustProxy}); see docs/OPERATIONS.md, Security` };
}

/**
 * The transport's `beforeUpgrade` step for the per-address limits: resolves the upgrade's client
 * address and notes it under its session for the room's join, or refuses the upgrade. `normalized`
 * says whether the ws transport rewrote the headers (known once the transport is chosen).
 */
export function noteUpgradeAddress(
  addresses: ClientAddresses,
  trustProxy: string,
  trust: TrustFn,
  normalized: () => boolean,
): (url: URL, context: { readonly ip?: string | undefined; readonly headers: Headers }) => Response | undefined {
  return (url, context) => {
    const resolved = upgradeAddress(context, normalized(), trustProxy, trust);
    if (!resolved.ok) return new Response(`${UNTRUSTED_FORWARDING.code}: ${resolved.detail}`, { status: UNTRUSTED_FORWARDING.status, headers: { "content-type": "text/plain" } });
    const sessionId = url.searchParams.get("sessionId");
    if (sessionId !== null) addresses.note(sessionId, resolved.address);
    return undefined;
  };
}
