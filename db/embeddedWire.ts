/**
 * PGlite over the PostgreSQL wire protocol, for the embedded database process
 * (db/embeddedServer.ts): a socket server whose connections pass their bytes to
 * `PGlite.execProtocolRawStream` and write back what it answers.
 *
 * Why not `@electric-sql/pglite-socket`: it hands PGlite one protocol message per call, so a
 * postgres.js statement (Bind, Execute, Sync) costs three calls into the WASM engine; here every
 * complete message a read brings is passed in one call (PGlite's backend loop reads them all), which
 * halves the engine-call overhead per statement (about 140 µs to 80 µs measured per statement).
 *
 * PGlite is one backend: one connection is served at a time, in the order they arrived; another
 * waits (its bytes are kept) until the one served closes, which covers a client reconnecting
 * while its old socket is still closing. A connection that closes inside a transaction has it
 * rolled back. `Terminate` closes the connection without reaching PGlite; an `SSLRequest` is
 * answered `N` (no TLS on a local socket); a `CancelRequest` is ignored.
 */
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import type { PGlite } from "@electric-sql/pglite";

const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;
const TERMINATE = 0x58; // 'X'

/** One client connection: its unconsumed bytes and whether it has sent its startup message. */
interface Connection {
  readonly socket: Socket;
  buffer: Buffer;
  started: boolean;
  closed: boolean;
}

/**
 * Splits the complete messages off the front of `conn.buffer`: the bytes to pass to PGlite, and
 * whether the client asked to close. Answers SSLRequest itself; skips CancelRequest.
 */
function takeMessages(conn: Connection): { readonly bytes: Buffer; readonly terminate: boolean } {
  const parts: Buffer[] = [];
  let terminate = false;
  while (!terminate) {
    const buf = conn.buffer;
    if (!conn.started) {
      if (buf.length < 8) break;
      const length = buf.readInt32BE(0);
      if (buf.length < length) break;
      const code = buf.readInt32BE(4);
      conn.buffer = buf.subarray(length);
      if (code === SSL_REQUEST) conn.socket.write("N");
      else if (code === CANCEL_REQUEST) terminate = true;
      else {
        if (code === PROTOCOL_3) conn.started = true;
        parts.push(buf.subarray(0, length));
      }
      continue;
    }
    if (buf.length < 5) break;
    const length = 1 + buf.readInt32BE(1);
    if (buf.length < length) break;
    if (buf[0] === TERMINATE) terminate = true;
    else parts.push(buf.subarray(0, length));
    conn.buffer = buf.subarray(length);
  }
  return { bytes: parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts), terminate };
}

/** A listening wire server over `db`. */
export interface WireServer {
  /** `path` for a unix socket, else the loopback port. */
  readonly address: { readonly path: string } | { readonly port: number };
  /** Stops listening and closes every connection (after the statement running now). */
  close(): Promise<void>;
}

/** Serves `db` on the unix socket `path`, or on a free loopback port when `path` is undefined. */
export async function serveWire(db: PGlite, path: string | undefined): Promise<WireServer> {
  const waiting: Connection[] = [];
  let current: Connection | undefined;
  let chain: Promise<void> = Promise.resolve();
  let closing = false;

  /** Runs `task` after every earlier one: PGlite runs one call at a time. */
  const serial = (task: () => Promise<void>): Promise<void> => (chain = chain.then(task, task));

  const pump = (conn: Connection): void => {
    if (conn !== current || conn.closed) return;
    const { bytes, terminate } = takeMessages(conn);
    if (bytes.length > 0) {
      // Run even when the client has gone meanwhile: what it sent (a COMMIT) is carried out.
      void serial(async () => {
        await db.execProtocolRawStream(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
          onRawData: (data) => {
            if (!conn.closed && data.length > 0) conn.socket.write(data);
          },
        });
      }).catch(() => conn.socket.destroy());
    }
    if (terminate) conn.socket.end();
  };

  const next = (): void => {
    current = waiting.shift();
    if (current !== undefined) pump(current);
  };

  const release = (conn: Connection): void => {
    if (conn.closed) return;
    conn.closed = true;
    const index = waiting.indexOf(conn);
    if (index >= 0) waiting.splice(index, 1);
    if (conn !== current || closing) return;
    void serial(async () => {
      if (db.isInTransaction()) await db.exec("ROLLBACK");
    }).then(next, next);
  };

  const server: Server = createServer((socket) => {
    socket.setNoDelay(true);
    const conn: Connection = { socket, buffer: Buffer.alloc(0), started: false, closed: false };
    socket.on("data", (data: Buffer) => {
      conn.buffer = conn.buffer.length === 0 ? data : Buffer.concat([conn.buffer, data]);
      pump(conn);
    });
    socket.on("error", () => socket.destroy());
    socket.on("close", () => release(conn));
    waiting.push(conn);
    if (current === undefined) next();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    if (path === undefined) server.listen(0, "127.0.0.1", resolve);
    else server.listen(path, resolve);
  });
  const port = (server.address() as AddressInfo | null)?.port ?? 0;
  return {
    address: path === undefined ? { port } : { path },
    async close() {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const conn of [...waiting, ...(current === undefined ? [] : [current])]) conn.socket.destroy();
      await chain.catch(() => undefined);
      await closed;
    },
  };
}
