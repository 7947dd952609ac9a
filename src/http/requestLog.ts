/**
 * The request id, the per-request logger and the latency histogram, in one middleware run
 * before every PZO route (http.ts mounts it).
 *
 * - The request id is the caller's `X-Request-Id` when it is a sane token, else a random UUID;
 *   it is returned as `X-Request-Id` and bound to every log line of the request (`reqId`).
 * - `req.log` is a pino child logger with `reqId`, made on first use: most requests never log
 *   anything but their completion line, and a pino child costs a few microseconds.
 * - When the response finishes (or the connection closes first: `request aborted`), one line
 *   is written, at `debug` for 2xx and 3xx, `info` for 4xx and `error` for 5xx, only when that
 *   level is enabled: nothing is built for lines that would be dropped. The same listener
 *   observes `http_request_duration_seconds` for answers that completed.
 *
 * This replaced pino-http, which made two child loggers per request (binding the serialized
 * request) whatever the level: about 1/8 of the server's CPU per cached read (docs/API.md).
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { NextFunction, Request, Response } from "express";
import type { Logger } from "../platform/logger.js";
import type { HttpMetrics } from "./httpMetrics.js";

/** Where a request keeps what its lazy `req.log` is made from. */
const LOG_STATE: unique symbol = Symbol("pzo.requestLog");

/** A request's logger: its parent and id until first used, then the child (or one assigned). */
interface LogState {
  readonly parent: Logger;
  readonly id: string;
  child: Logger | undefined;
}

declare module "http" {
  interface IncomingMessage {
    /** The request id (`X-Request-Id`), set by {@link createRequestLog}. */
    id: string;
    /** The request's logger (binds `reqId`), set by {@link createRequestLog}. */
    log: Logger;
    /** What `log` is made from (set by {@link createRequestLog}). */
    [LOG_STATE]?: LogState;
  }
}

/** Request prototypes that have the `log` accessor. */
const withAccessor = new WeakSet<object>();

/**
 * Gives a request prototype (express's, per app) the lazy `log` accessor, once. Defined on each
 * request instead, the accessor cost about 1.4 KiB of heap per request (the object left its
 * fast shape). A request this middleware did not see has no state: `log` reads undefined, and
 * an assigned logger becomes its own property, as before.
 */
function installLogAccessor(proto: object | null): void {
  if (proto === null || withAccessor.has(proto)) return;
  withAccessor.add(proto);
  Object.defineProperty(proto, "log", {
    configurable: true,
    enumerable: false,
    get(this: IncomingMessage): Logger | undefined {
      const st = this[LOG_STATE];
      if (st === undefined) return undefined;
      st.child ??= st.parent.child({ reqId: st.id });
      return st.child;
    },
    set(this: IncomingMessage, l: Logger) {
      const st = this[LOG_STATE];
      if (st !== undefined) st.child = l;
      else Object.defineProperty(this, "log", { configurable: true, enumerable: true, writable: true, value: l });
    },
  });
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The route template for metrics and logs: the matched route, or `unmatched`. */
export function routeLabel(req: Request): string {
  const route: unknown = req.route;
  if (typeof route === "object" && route !== null && "path" in route && typeof route.path === "string") return route.path;
  return "unmatched";
}

function levelOf(status: number): "error" | "info" | "debug" {
  // 503: a dependency is down (the database restarting): the outage itself is logged at warn, once a minute.
  return status === 503 ? "info" : status >= 500 ? "error" : status >= 400 ? "info" : "debug";
}

/** The middleware: request id, lazy request logger, completion line, latency histogram. */
export function createRequestLog(logger: Logger, metrics: HttpMetrics): (req: Request, res: Response, next: NextFunction) => void {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const given = req.headers["x-request-id"];
    const id = typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
    req.id = id;
    res.setHeader("X-Request-Id", id);
    installLogAccessor(Object.getPrototypeOf(req) as object | null);
    req[LOG_STATE] = { parent: logger, id, child: undefined };
    let done = false;
    const onDone = (): void => {
      if (done) return;
      done = true;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeLabel(req);
      // Answers that completed are timed; a stream or request the client dropped is not.
      if (res.writableFinished) metrics.requestDuration.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
      const level = levelOf(res.statusCode);
      if (!logger.isLevelEnabled(level)) return;
      req.log[level](
        {
          req: { method: req.method, url: req.originalUrl, remoteAddress: req.socket.remoteAddress },
          res: { statusCode: res.statusCode },
          route,
          responseTime: Math.round(seconds * 1e4) / 10,
        },
        res.writableFinished ? "request completed" : "request aborted",
      );
    };
    res.once("finish", onDone);
    res.once("close", onDone);
    next();
  };
}
