/**
 * A request budget per client address on Colyseus' HTTP matchmaking route (`POST /matchmake/
 * create|join|joinById|joinOrCreate/:room`), so that one address cannot open rooms (replays live
 * about 15 s each without a join) faster than MATCHMAKE_RATE_LIMIT allows. Counted through the
 * rate limiter (src/http/rateLimit.ts: in-process, or Redis and then shared by every process),
 * once per HTTP request: quick play's retries inside one request are not counted again. Past it
 * the request is answered HTTP 429 `{ "code": 429, "error": "limits/too_many_requests: …" }`
 * (the SDK's join rejects with that code and message).
 *
 * The address follows TRUST_PROXY like the room connection limits (./clientAddress.ts): with the
 * ws transport each matchmaking request's forwarding headers are rewritten to the trusted address
 * before Colyseus reads them. uWebSockets.js hands the matchmaker no socket peer: there a request
 * is counted by its `X-Forwarded-For` under a hop count (`TRUST_PROXY=1`, as behind Fly), refused
 * with 400 `limits/untrusted_forwarding` when it carries forwarding headers under any other
 * setting (as its WebSocket upgrade would be), and not counted when it carries none.
 */
import type { Server } from "node:http";
import { matchMaker, ServerError } from "@colyseus/core";
import type { KeyedLimiter } from "../http/rateLimit.js";
import { JOIN_ERRORS } from "../shared/protocol.js";
import { normalizeForwarding, UNTRUSTED_FORWARDING, upgradeAddress, type TrustFn } from "./clientAddress.js";

/** The matchmaking methods the budget counts (`reconnect` goes to a room the caller holds already). */
export const BUDGETED_METHODS: ReadonlySet<string> = new Set(["create", "join", "joinById", "joinOrCreate"]);

const MATCHMAKE_PREFIX = `/${matchMaker.controller.matchmakeRoute}/`;

/**
 * ws transport: rewrites the forwarding headers of every matchmaking request to the trusted
 * address. Install after the server listens: Colyseus prepends its own request listener then,
 * and this one must run before it.
 */
export function installMatchmakeAddresses(server: Server, trust: TrustFn): () => void {
  const listener = (req: Parameters<typeof normalizeForwarding>[0]): void => {
    if (req.url?.startsWith(MATCHMAKE_PREFIX) === true) normalizeForwarding(req, trust);
  };
  server.prependListener("request", listener);
  return () => {
    server.removeListener("request", listener);
  };
}

/** How the budget learns a request's address. */
export interface MatchmakeAddressing {
  /** The ws transport rewrote the headers (`X-Real-IP` is the trusted address). */
  readonly normalized: boolean;
  readonly trustProxy: string;
  readonly trust: TrustFn;
}

/** What the matchmaker passes as auth context (Colyseus' `createAuthContext`). */
interface RequestContext {
  readonly ip?: string | undefined;
  readonly headers: Headers;
}

function isRequestContext(value: unknown): value is RequestContext {
  return typeof value === "object" && value !== null && "headers" in value && value.headers instanceof Headers;
}

/** The address to count a matchmaking request under, null (not known: not counted), or the refusal. */
export function matchmakeAddress(context: unknown, addressing: MatchmakeAddressing): { readonly ok: true; readonly address: string | null } | { readonly ok: false; readonly detail: string } {
  if (!isRequestContext(context)) return { ok: true, address: null };
  if (addressing.normalized) return { ok: true, address: context.headers.get("x-real-ip") };
  const resolved = upgradeAddress({ ip: undefined, headers: context.headers }, false, addressing.trustProxy, addressing.trust);
  if (!resolved.ok) return resolved;
  return { ok: true, address: resolved.address === "unknown" ? null : resolved.address };
}

/** The refusal past the budget (a join error: the SDK rejects with its code and message). */
export function tooManyRequests(points: number, seconds: number, retryAfterSeconds: number): ServerError {
  return new ServerError(
    JOIN_ERRORS["limits/too_many_requests"],
    `limits/too_many_requests: one address may make at most ${points} matchmaking requests per ${seconds} s; retry in ${retryAfterSeconds} s`,
  );
}

/** Installs the budget on the process's matchmaker (outermost); returns a function that removes it. */
export function installMatchmakeBudget(limiter: KeyedLimiter, budget: { readonly points: number; readonly seconds: number }, addressing: MatchmakeAddressing): () => void {
  const controller = matchMaker.controller;
  const inner: typeof controller.invokeMethod = controller.invokeMethod.bind(controller);
  controller.invokeMethod = async function invokeWithinBudget(method, roomName, clientOptions, authOptions) {
    if (BUDGETED_METHODS.has(method)) {
      const address = matchmakeAddress(authOptions, addressing);
      if (!address.ok) throw new ServerError(UNTRUSTED_FORWARDING.status, `${UNTRUSTED_FORWARDING.code}: ${address.detail}`);
      if (address.address !== null) {
        const decision = await limiter.consume(address.address);
        if (!decision.allowed) throw tooManyRequests(budget.points, budget.seconds, decision.retryAfterSeconds);
      }
    }
    const answer: unknown = await inner(method, roomName, clientOptions, authOptions);
    return answer;
  };
  return () => {
    controller.invokeMethod = inner;
  };
}
