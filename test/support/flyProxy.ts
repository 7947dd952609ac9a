/**
 * A local stand-in for Fly's edge proxy, for tests and the load harness: one address in front of
 * several server processes. Each client connection goes to the next backend in turn (round robin
 * per connection, as an edge spreads connections), plain HTTP and WebSocket upgrades alike. When
 * `honourReplay` is on, a backend answer carrying `fly-replay: instance=<id>` is not passed on:
 * the request is replayed on backend `<id>` with `fly-replay-src` set, as Fly's proxy does. When
 * `failover` is on, a backend that refuses the TCP connection (a dead process) is passed over for
 * the next one, and the client connection stays with that one, as a load balancer takes a
 * backend that fails its health checks out of rotation.
 */
import http, { type IncomingMessage, type OutgoingHttpHeaders } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";

/** One backend: the machine id Fly would know it by, and its port on 127.0.0.1. */
export interface Backend {
  readonly machineId: string;
  readonly port: number;
}

export interface FlyProxyOptions {
  readonly backends: readonly Backend[];
  /** Act on `fly-replay` (Fly's behaviour); off: pass every answer through as it is. */
  readonly honourReplay: boolean;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** Pass over a backend that refuses the connection (default off: the client gets a 502). */
  readonly failover?: boolean;
}

/** What the stand-in did, for assertions. */
export interface FlyProxyCounts {
  connections: number;
  upgrades: number;
  replays: number;
  failures: number;
}

export interface FlyProxy {
  readonly port: number;
  readonly url: string;
  readonly httpUrl: string;
  readonly counts: FlyProxyCounts;
  close(): Promise<void>;
}

/** `instance=<id>` out of a `fly-replay` header value. */
export function replayInstance(value: string | string[] | undefined): string | null {
  const text = Array.isArray(value) ? value.join(";") : value;
  if (text === undefined) return null;
  for (const part of text.split(";")) {
    const [key, val] = part.trim().split("=");
    if (key === "instance" && val !== undefined && val !== "") return val;
  }
  return null;
}

function headersOf(req: IncomingMessage, replaySource: string | null): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = { ...req.headers };
  if (replaySource !== null) headers["fly-replay-src"] = `instance=${replaySource}`;
  return headers;
}

/** The raw head of a response, for writing onto a client socket. */
function responseHead(res: IncomingMessage): string {
  const lines = [`HTTP/1.1 ${res.statusCode ?? 502} ${res.statusMessage ?? ""}`];
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) lines.push(`${res.rawHeaders[i] ?? ""}: ${res.rawHeaders[i + 1] ?? ""}`);
  return `${lines.join("\r\n")}\r\n\r\n`;
}

/** Starts the stand-in on 127.0.0.1. */
export async function startFlyProxy(options: FlyProxyOptions): Promise<FlyProxy> {
  const counts: FlyProxyCounts = { connections: 0, upgrades: 0, replays: 0, failures: 0 };
  const byId = new Map(options.backends.map((b) => [b.machineId, b]));
  const assigned = new WeakMap<Socket, Backend>();
  const sockets = new Set<Duplex>();
  let next = 0;

  const backendFor = (socket: Socket): Backend => {
    let backend = assigned.get(socket);
    if (backend === undefined) {
      backend = options.backends[next % options.backends.length];
      next += 1;
      if (backend === undefined) throw new Error("no backends");
      assigned.set(socket, backend);
    }
    return backend;
  };

  /**
   * The backend to try after `failed` refused the connection (the client socket moves to it), or
   * null when failover is off, the error was another one, or every backend was tried.
   */
  const failoverFrom = (socket: Socket, failed: Backend, err: NodeJS.ErrnoException, tried: number): Backend | null => {
    if (options.failover !== true || err.code !== "ECONNREFUSED" || tried >= options.backends.length) return null;
    const i = options.backends.indexOf(failed);
    const backend = options.backends[(i + 1) % options.backends.length];
    if (backend === undefined) return null;
    assigned.set(socket, backend);
    return backend;
  };

  /** Where a replay goes, or null when the answer is to be passed through. */
  const replayTarget = (res: IncomingMessage, replayed: boolean): Backend | null => {
    if (!options.honourReplay || replayed) return null;
    const id = replayInstance(res.headers["fly-replay"]);
    return id === null ? null : (byId.get(id) ?? null);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const send = (backend: Backend, replaySource: string | null, tried = 1): void => {
        const upstream = http.request({ host: "127.0.0.1", port: backend.port, method: req.method, path: req.url, headers: headersOf(req, replaySource), agent: false }, (answer) => {
          const target = replayTarget(answer, replaySource !== null);
          if (target !== null) {
            answer.resume();
            counts.replays += 1;
            send(target, backend.machineId);
            return;
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        });
        upstream.on("error", (err: NodeJS.ErrnoException) => {
          const next = res.headersSent ? null : failoverFrom(req.socket, backend, err, tried);
          if (next !== null) {
            send(next, replaySource, tried + 1);
            return;
          }
          counts.failures += 1;
          if (!res.headersSent) res.writeHead(502).end();
          else res.destroy();
        });
        upstream.end(body);
      };
      send(backendFor(req.socket), null);
    });
  });

  server.on("connection", (socket: Socket) => {
    counts.connections += 1;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  server.on("upgrade", (req: IncomingMessage, client: Duplex, head: Buffer) => {
    counts.upgrades += 1;
    client.on("error", () => client.destroy());
    const attempt = (backend: Backend, replaySource: string | null, tried = 1): void => {
      const upstream = http.request({ host: "127.0.0.1", port: backend.port, method: req.method, path: req.url, headers: headersOf(req, replaySource), agent: false });
      upstream.on("upgrade", (answer: IncomingMessage, socket: Socket, upstreamHead: Buffer) => {
        sockets.add(socket);
        socket.on("close", () => sockets.delete(socket));
        socket.setNoDelay(true);
        client.write(responseHead(answer));
        if (upstreamHead.length > 0) client.write(upstreamHead);
        if (head.length > 0) socket.write(head);
        socket.pipe(client);
        client.pipe(socket);
        socket.on("error", () => client.destroy());
        client.on("close", () => socket.destroy());
        socket.on("close", () => client.destroy());
      });
      upstream.on("response", (answer: IncomingMessage) => {
        const target = replayTarget(answer, replaySource !== null);
        if (target !== null) {
          answer.resume();
          counts.replays += 1;
          attempt(target, backend.machineId);
          return;
        }
        client.write(responseHead(answer));
        answer.pipe(client);
      });
      upstream.on("error", (err: NodeJS.ErrnoException) => {
        const next = failoverFrom(req.socket, backend, err, tried);
        if (next !== null) {
          attempt(next, replaySource, tried + 1);
          return;
        }
        counts.failures += 1;
        client.end("HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      });
      upstream.end();
    };
    const socket = req.socket;
    attempt(backendFor(socket), null);
  });

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const address = server.address();
  const port = address !== null && typeof address === "object" ? address.port : 0;
  return {
    port,
    url: `ws://127.0.0.1:${port}`,
    httpUrl: `http://127.0.0.1:${port}`,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
