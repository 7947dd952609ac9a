/**
 * Browser-facing response headers (issue 15, item 9): a strict Content-Security-Policy (this
 * origin only, plus the WebSocket origin of PUBLIC_URL), `nosniff`, no framing, no referrer,
 * and CORS from an explicit allow-list (CORS_ORIGINS; default none: same origin only). Pure
 * functions; the composition root installs them on express and on Colyseus's matchmaker.
 */
import type { NextFunction, Request, Response } from "express";

/** The WebSocket origin (`ws:`/`wss:`) of a public base URL, or null. */
export function webSocketOrigin(publicUrl: string | undefined): string | null {
  if (publicUrl === undefined) return null;
  const url = new URL(publicUrl);
  return `${url.protocol === "https:" ? "wss:" : "ws:"}//${url.host}`;
}

/** The Content-Security-Policy value. */
export function contentSecurityPolicy(wsOrigin: string | null, corsOrigins: readonly string[]): string {
  const connect = ["'self'", ...(wsOrigin === null ? [] : [wsOrigin]), ...corsOrigins].join(" ");
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src ${connect}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** Parses CORS_ORIGINS: comma-separated origins (`https://example.com`), empty for none. */
export function parseCorsOrigins(raw: string | undefined): readonly string[] {
  if (raw === undefined || raw.trim() === "") return [];
  return raw
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map((s) => new URL(s).origin);
}

/** CORS response headers for a request's Origin: only an allowed origin is echoed; never credentials. */
export function corsHeadersFor(origin: string | undefined | null, allowed: readonly string[]): Record<string, string> {
  if (origin === undefined || origin === null || !allowed.includes(origin)) return {};
  return {
    "Access-Control-Allow-Origin": origin,
    "Access-Control-Allow-Headers": "Content-Type, Authorization, Idempotency-Key, X-Request-Id",
    "Access-Control-Allow-Methods": "GET, HEAD, POST, PUT, DELETE",
    "Access-Control-Max-Age": "600",
    Vary: "Origin",
  };
}

/** Express middleware: the security headers on every response, CORS for allowed origins, preflights answered. */
export function browserHeaders(opts: { readonly csp: string; readonly corsOrigins: readonly string[] }) {
  return (req: Request, res: Response, next: NextFunction): void => {
    res.setHeader("Content-Security-Policy", opts.csp);
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("X-Frame-Options", "DENY");
    res.setHeader("Referrer-Policy", "no-referrer");
    const cors = corsHeadersFor(req.headers.origin, opts.corsOrigins);
    for (const [k, v] of Object.entries(cors)) res.setHeader(k, v);
    if (req.method === "OPTIONS" && req.headers["access-control-request-method"] !== undefined && !req.path.startsWith("/matchmake/")) {
      res.status(204).end();
      return;
    }
    next();
  };
}
