/**
 * Serves the browser client (client/dist, built by `npm run build`) at `/`.
 *
 * - Hashed files under `/assets/` never change under the same name: cached for a year,
 *   `immutable`.
 * - `index.html` (and the SPA fallback, which is the same file) is revalidated on every load so
 *   that a new deploy is picked up at once.
 * - Any other GET that wants HTML and is not an API, matchmaking, health or metrics path gets
 *   `index.html`: the client routes by hash, so this only catches typed or stale URLs.
 * - `*.map` source maps answer 404 unless `sourceMaps` (outside production).
 * - When the bundle has not been built, `/` answers 503 with a page that says how to build it,
 *   instead of a bare 404.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import express, { type NextFunction, type Request, type Response } from "express";

/** Paths that belong to the server, never to the client's fallback. */
const SERVER_PREFIXES = ["/api", "/matchmake", "/healthz", "/readyz", "/metrics", "/colyseus"];

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>PZO: client not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem">
<h1>PZO is running, but the browser client is not built</h1>
<p>The game server and its API are up. The page you play on is built separately:</p>
<pre style="background:#f3f3f3;padding:0.75rem">npm run build</pre>
<p>then reload this page.</p>
</body></html>`;

function isServerPath(p: string): boolean {
  return SERVER_PREFIXES.some((prefix) => p === prefix || p.startsWith(`${prefix}/`));
}

/**
 * Mounts the client on `app`. Call it after the API routes, so that they win. `distDir` is the
 * Vite output folder (normally `<repo>/client/dist`).
 */
export function serveClient(app: express.Application, distDir: string, opts: { readonly sourceMaps: boolean } = { sourceMaps: false }): void {
  const root = path.resolve(distDir);
  const indexHtml = path.join(root, "index.html");

  // Source maps (they publish the client's source) are served only outside production.
  if (!opts.sourceMaps) {
    app.use((req: Request, res: Response, next: NextFunction) => {
      if (req.path.endsWith(".map")) res.status(404).type("text/plain").send("not found");
      else next();
    });
  }

  app.use(
    express.static(root, {
      index: false,
      fallthrough: true,
      setHeaders(res, filePath) {
        const rel = path.relative(root, filePath).split(path.sep).join("/");
        if (rel.startsWith("assets/")) res.setHeader("Cache-Control", "public, max-age=31536000, immutable");
        else res.setHeader("Cache-Control", "no-cache");
      },
    }),
  );

  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== "GET" && req.method !== "HEAD") return next();
    if (isServerPath(req.path)) return next();
    // A missing file under /assets (an old hash) or anything with an extension is a real 404.
    if (req.path.startsWith("/assets/") || path.extname(req.path) !== "") return next();
    if (!req.accepts("html")) return next();
    if (!existsSync(indexHtml)) {
      res.status(503).setHeader("Cache-Control", "no-store").type("html").send(NOT_BUILT_PAGE);
      return;
    }
    res.setHeader("Cache-Control", "no-cache");
    res.sendFile(indexHtml, (err?: Error) => {
      if (err) next(err);
    });
  });
}
