/**
 * Mounts route definitions on an express Router, with the same pipeline for every route:
 *
 *   read the token (if any) -> rate limit (per caller) -> access rule (401/403)
 *   -> validate params, query and body (400) -> Idempotency-Key (writes) -> handler -> send
 *
 * Request ids, structured request logs and latency metrics are applied around it by http.ts.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { NextFunction, Request, Response, Router } from "express";
import type { Logger } from "../platform/logger.js";
import { bearerToken, type AuthContext, type TokenService } from "./auth.js";
import type { IdempotencyStore, StoredResponse } from "./idempotency.js";
import type { HttpMetrics } from "./httpMetrics.js";
import { problem, problemBody, sendProblem, statusOf, type Problem } from "./problem.js";
import type { KeyedLimiter, RateGroup } from "./rateLimit.js";
import type { ReadGate } from "./readGate.js";
import type { BaseContext, Outcome, RouteDef } from "./route.js";

/** What the pipeline needs. */
export interface PipelineDeps {
  readonly tokens: TokenService;
  readonly limiters: Readonly<Record<RateGroup, KeyedLimiter>>;
  readonly idempotency: IdempotencyStore;
  readonly metrics: HttpMetrics;
  /** The trusted services' key for `access: "service"` routes; undefined disables them. */
  readonly serviceKey: string | undefined;
  readonly logger: Logger;
  /** Admits the list and stream reads ({@link isGatedRead}, readGate.ts); absent: no gate. */
  readonly readGate?: ReadGate;
}

/** Retry-After of a 503 `service/busy` (the read queue is full), seconds. */
export const BUSY_RETRY_AFTER_SECONDS = 1;

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** The request id the request log assigned (requestLog.ts). */
export function requestIdOf(req: Request): string {
  const id: unknown = req.id;
  return typeof id === "string" ? id : String(id);
}

/** The request's logger (requestLog.ts), or the root logger. */
function logOf(req: Request, fallback: Logger): Logger {
  return req.log ?? fallback;
}

/** The client address (honours `trust proxy`). */
export function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? "unknown";
}

function sameSecret(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

/** Checks the route's access rule; null when the caller may proceed. */
function checkAccess(def: RouteDef, req: Request, auth: AuthContext | null, authProblem: Problem | null, serviceKey: string | undefined): Problem | null {
  switch (def.access) {
    case "public":
      return null;
    case "service": {
      if (serviceKey === undefined) return problem("service/disabled", "SERVICE_KEY is not configured");
      const given = req.get("x-service-key");
      if (given === undefined || !sameSecret(given, serviceKey)) return problem("auth/invalid_service_key");
      return null;
    }
    case "player":
    case "user":
    case "admin": {
      if (auth === null) return authProblem ?? problem("auth/missing_token", "send Authorization: Bearer <access token>");
      if (def.access === "user" && auth.kind !== "user") return problem("auth/forbidden", "this route needs a registered account");
      if (def.access === "admin" && auth.role !== "admin") return problem("auth/forbidden", "admin only");
      return null;
    }
  }
}

function fingerprintOf(req: Request): string {
  return createHash("sha256")
    .update(req.method)
    .update("\0")
    .update(req.originalUrl)
    .update("\0")
    .update(JSON.stringify(req.body ?? null))
    .digest("base64url");
}

/** Renders an outcome as the response that would be sent, for the idempotency record. */
function toStored(outcome: Outcome, req: Request, requestId: string): StoredResponse | null {
  switch (outcome.kind) {
    case "reply":
      return { status: outcome.status, contentType: "application/json", body: outcome.body };
    case "problem": {
      const status = statusOf(outcome.problem.code);
      // Transient answers are not recorded: the client should be able to retry them.
      if (status >= 500 || status === 429 || outcome.problem.code === "conflict/idempotency_in_progress") return null;
      return { status, contentType: "application/problem+json", body: JSON.stringify(problemBody(outcome.problem, req.originalUrl, requestId)) };
    }
    case "written":
      return null;
  }
}

/**
 * Writes a JSON body as is. `res.send` would also hash the body for an ETag (sha1 of every
 * answer, a few percent of a cached read's CPU) that no PZO client sends back; API answers
 * carry no ETag. Node drops the body of a HEAD answer itself.
 */
export function sendJson(res: Response, status: number, body: string): void {
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.setHeader("Content-Length", Buffer.byteLength(body));
  res.end(body);
}

/**
 * Whether a route goes through the read gate (readGate.ts): the reads whose answers grow with
 * the data, lists (paginated) and streamed logs. Point reads (one row, a cached catalogue) are
 * cheap and never wait behind them.
 */
export function isGatedRead(def: RouteDef): boolean {
  return def.group === "read" && (def.paginated || def.produces.contentType !== "application/json");
}

/** Mounts one route on `router`. */
export function mountRoute(router: Router, def: RouteDef, deps: PipelineDeps): void {
  const handle = async (req: Request, res: Response): Promise<void> => {
    const requestId = requestIdOf(req);
    const log = logOf(req, deps.logger);
    const send = (p: Problem): void => {
      deps.metrics.problems.inc({ code: p.code });
      if (p.code === "rate_limited") deps.metrics.rateLimitRejections.inc({ group: def.group });
      sendProblem(res, p, requestId);
    };

    // 1. The token, if any. A bad token only matters on routes that need one.
    let auth: AuthContext | null = null;
    let authProblem: Problem | null = null;
    const token = bearerToken(req.get("authorization"));
    if (token !== null) {
      const v = await deps.tokens.verifyAccessToken(token);
      if (v.ok) auth = v;
      else authProblem = problem(v.code, v.message);
    }

    // 2. Rate limit, per caller: the player when known, else the address.
    const ip = clientIp(req);
    const decision = await deps.limiters[def.group].consume(auth !== null ? `p:${auth.playerId}` : `ip:${ip}`);
    if (!decision.allowed) {
      send(problem("rate_limited", `rate limit of the ${def.group} group reached`, { retryAfterSeconds: decision.retryAfterSeconds }));
      return;
    }

    // 3. Access.
    const denied = checkAccess(def, req, auth, authProblem, deps.serviceKey);
    if (denied !== null) {
      send(denied);
      return;
    }

    // 4. Validation.
    const prepared = def.prepare({ params: req.params, query: req.query, body: req.body });
    if (!prepared.ok) {
      send(prepared.problem);
      return;
    }

    const controller = new AbortController();
    // Aborted only when the client goes away before the answer is complete: aborting costs a
    // DOMException, which every request paid when this fired on each normal close.
    res.once("close", () => {
      if (!res.writableFinished) controller.abort();
    });
    const base: BaseContext = { auth, requestId, ip, headers: req.headers, log, signal: controller.signal };

    // 5. Idempotency.
    const idemHeader = def.idempotent === true ? req.get("idempotency-key") : undefined;
    let idemKey: string | null = null;
    let fingerprint = "";
    if (idemHeader !== undefined) {
      if (!IDEMPOTENCY_KEY.test(idemHeader)) {
        send(problem("validation/failed", "Idempotency-Key must be 1-255 visible ASCII characters", {
          errors: [{ in: "header", path: "Idempotency-Key", message: "1-255 visible ASCII characters" }],
        }));
        return;
      }
      const caller = auth !== null ? auth.sub : `ip:${ip}`;
      idemKey = `${caller}|${def.method}|${def.path}|${idemHeader}`;
      fingerprint = fingerprintOf(req);
      const found = await deps.idempotency.begin(idemKey, fingerprint);
      switch (found.state) {
        case "new":
          break;
        case "in_progress":
          send(problem("conflict/idempotency_in_progress"));
          return;
        case "mismatch":
          send(problem("idempotency/key_reused"));
          return;
        case "done":
          deps.metrics.idempotentReplays.inc();
          res.setHeader("Idempotent-Replayed", "true");
          res.status(found.response.status).type(found.response.contentType).send(found.response.body);
          return;
      }
    }

    // 6. The handler.
    let outcome: Outcome;
    try {
      outcome = await prepared.run(base, res);
    } catch (err: unknown) {
      if (idemKey !== null) await deps.idempotency.abandon(idemKey);
      throw err;
    }
    if (idemKey !== null) {
      const stored = toStored(outcome, req, requestId);
      if (stored === null) await deps.idempotency.abandon(idemKey);
      else await deps.idempotency.complete(idemKey, fingerprint, stored);
    }

    // 7. Send.
    switch (outcome.kind) {
      case "reply":
        for (const [k, v] of Object.entries(outcome.headers)) res.setHeader(k, v);
        sendJson(res, outcome.status, outcome.body);
        return;
      case "problem":
        send(outcome.problem);
        return;
      case "written":
        return;
    }
  };

  const gate = isGatedRead(def) ? deps.readGate : undefined;
  if (gate === undefined) {
    router[def.method](def.path, (req: Request, res: Response, next: NextFunction) => {
      handle(req, res).catch(next);
    });
    return;
  }
  router[def.method](def.path, (req: Request, res: Response, next: NextFunction) => {
    const admitted = gate.enter();
    if (admitted === null) {
      deps.metrics.problems.inc({ code: "service/busy" });
      sendProblem(res, problem("service/busy", "too many reads are waiting; retry after Retry-After", { retryAfterSeconds: BUSY_RETRY_AFTER_SECONDS }), requestIdOf(req));
      return;
    }
    void admitted.then((release) => handle(req, res).then(release, (err: unknown) => {
      release();
      next(err);
    }));
  });
}
