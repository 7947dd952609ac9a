import http from "node:http";
import { afterAll, describe, expect, it } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import { forwardUpgrade, ROUTED_HEADER } from "./roomRouting.js";
import { replayInstance } from "../../test/support/flyProxy.js";

const servers: http.Server[] = [];
afterAll(async () => {
  for (const s of servers) await new Promise<void>((r) => s.close(() => r()));
});

async function listen(server: http.Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  return address !== null && typeof address === "object" ? address.port : 0;
}

/** A front process that forwards every upgrade to `target`. */
async function front(target: string, errors: unknown[]): Promise<number> {
  const server = http.createServer();
  server.on("upgrade", (req: http.IncomingMessage, socket, head: Buffer) => forwardUpgrade(req, socket, head, target, (e) => errors.push(e)));
  return listen(server);
}

describe("forwardUpgrade", () => {
  it("pipes a WebSocket to the host, marked as routed, frames both ways", async () => {
    const host = http.createServer();
    const wss = new WebSocketServer({ noServer: true });
    let routedHeader: string | undefined;
    host.on("upgrade", (req: http.IncomingMessage, socket, head: Buffer) => {
      routedHeader = typeof req.headers[ROUTED_HEADER] === "string" ? req.headers[ROUTED_HEADER] : undefined;
      wss.handleUpgrade(req, socket, head, (ws) => ws.on("message", (data: Buffer) => ws.send(`echo:${data.toString()}`)));
    });
    const hostPort = await listen(host);
    const errors: unknown[] = [];
    const frontPort = await front(`127.0.0.1:${hostPort}`, errors);
    const ws = new WebSocket(`ws://127.0.0.1:${frontPort}/p/room`);
    const reply = await new Promise<string>((resolve, reject) => {
      ws.once("open", () => ws.send("hi"));
      ws.once("message", (d: Buffer) => resolve(d.toString()));
      ws.once("error", reject);
    });
    ws.close();
    wss.close();
    expect(reply).toBe("echo:hi");
    expect(routedHeader).toBe("1");
    expect(errors).toEqual([]);
  });

  it("an unreachable host: the client gets 502, the error is reported, nothing throws", async () => {
    const closed = http.createServer();
    const closedPort = await listen(closed);
    await new Promise<void>((r) => closed.close(() => r()));
    servers.splice(servers.indexOf(closed), 1);
    const errors: unknown[] = [];
    const frontPort = await front(`127.0.0.1:${closedPort}`, errors);
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${frontPort}/p/room`);
      ws.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.once("error", () => resolve(-1));
    });
    expect(status).toBe(502);
    expect(errors.length).toBe(1);
  });
});

describe("the proxy stand-in reads fly-replay as Fly does", () => {
  it("instance=<id>, among other fields; nothing else", () => {
    expect(replayInstance("instance=m-b")).toBe("m-b");
    expect(replayInstance("region=ams;instance=m-a")).toBe("m-a");
    expect(replayInstance("region=ams")).toBeNull();
    expect(replayInstance(undefined)).toBeNull();
  });
});
