/**
 * Where the server is. In production the page is served by the game server itself, so HTTP
 * and WebSockets go to the page's own origin. For development against a server on another
 * port, build or serve with `VITE_PZO_SERVER=http://localhost:2567`.
 */
const configured: unknown = import.meta.env["VITE_PZO_SERVER"];

/** The server's HTTP origin, e.g. `http://localhost:2567`. */
export const SERVER_ORIGIN: string =
  typeof configured === "string" && configured !== "" ? configured.replace(/\/$/, "") : window.location.origin;

/** Storage that never throws (private mode, disabled storage): falls back to memory. */
function safeStorage(get: () => Storage): Pick<Storage, "getItem" | "setItem" | "removeItem"> {
  const memory = new Map<string, string>();
  return {
    getItem: (k) => {
      try {
        return get().getItem(k);
      } catch {
        return memory.get(k) ?? null;
      }
    },
    setItem: (k, v) => {
      try {
        get().setItem(k, v);
      } catch {
        memory.set(k, v);
      }
    },
    removeItem: (k) => {
      try {
        get().removeItem(k);
      } catch {
        memory.delete(k);
      }
    },
  };
}

/** Survives restarts of the browser: the login. */
export const local = safeStorage(() => window.localStorage);
/** One tab's life, across reloads: the table reconnection token. */
export const session = safeStorage(() => window.sessionStorage);
