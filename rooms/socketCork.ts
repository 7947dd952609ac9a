/**
 * Coalesces the WebSocket frames a table sends one client within one tick into one write.
 *
 * A move sends each client an `event` message per event and a state patch, and the mover its
 * `result`: with the `ws` transport every frame is its own `writev` system call (about 9 per move
 * at a 4-seat table; socket writes were ~18% of the server's busy main-thread time in
 * `npm run loadtest -- --clients 1000 --server-cpu-prof DIR`). Corking the client's TCP socket before the first frame
 * and uncorking it on `process.nextTick` (after the promise jobs of the current tick, so the
 * mover's `result` rides along) sends them in one `writev`. Nothing is delayed past the current
 * tick, and the frames and their order are unchanged. Measured with `strace -c` on the server
 * during a 200-client run: ~4.3 `writev` per move instead of ~9.
 *
 * Only the `ws` transport exposes a Node socket (`WebSocket#_socket`, a `net.Socket`); with
 * uWebSockets.js (which corks by itself) or anything else this does nothing.
 */

/** The part of a `net.Socket` used here. */
interface Corkable {
  cork(): void;
  uncork(): void;
}

function isCorkable(value: unknown): value is Corkable {
  return typeof value === "object" && value !== null && "cork" in value && "uncork" in value && typeof value.cork === "function" && typeof value.uncork === "function";
}

/** The Node socket under a Colyseus client of the `ws` transport, or null. */
function socketOf(client: { readonly ref?: unknown }): Corkable | null {
  const ws = client.ref;
  if (typeof ws !== "object" || ws === null || !("_socket" in ws)) return null;
  return isCorkable(ws._socket) ? ws._socket : null;
}

const corked = new Set<Corkable>();

function uncorkAll(): void {
  for (const socket of corked) socket.uncork();
  corked.clear();
}

/** Corks `client`'s socket until the end of the current tick (once per socket per tick). */
export function corkUntilNextTick(client: { readonly ref?: unknown }): void {
  const socket = socketOf(client);
  if (socket === null || corked.has(socket)) return;
  if (corked.size === 0) process.nextTick(uncorkAll);
  socket.cork();
  corked.add(socket);
}
