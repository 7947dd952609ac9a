/**
 * Process entry. Placeholder until the server lands (issue 4): it serves a page that says
 * honestly that only the rules engine exists so far.
 */
import { createServer } from "node:http";

const port = Number(process.env["PORT"] ?? 2567);
createServer((_req, res) => {
  res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
  res.end("<!doctype html><title>PZO</title><h1>PZO</h1><p>The rules engine is built; the game server is not yet. See README.md.</p>");
}).listen(port, () => {
  console.log(JSON.stringify({ level: "info", msg: `PZO placeholder listening on http://localhost:${port}` }));
});
