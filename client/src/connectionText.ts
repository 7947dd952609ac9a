/**
 * What the table page says about its connection: every text is ours, in words a player reads;
 * nothing the framework says (its close reasons, its error codes) is shown as it is.
 */
import { CLOSE_CODES } from "./protocolConstants.js";

/** What a closed connection means for the page. */
export interface LeaveOutcome {
  readonly text: string;
  /** A fresh join by id can mend it (the page then rejoins by itself). */
  readonly autoRejoin: boolean;
}

/** The page's reading of a room's `onLeave(code, reason)`. */
export function leaveOutcome(code: number): LeaveOutcome {
  switch (code) {
    case CLOSE_CODES.CONSENTED:
      return { text: "You left the table.", autoRejoin: false };
    case CLOSE_CODES.SERVER_SHUTDOWN:
      return { text: "The server is restarting; rejoining your seat…", autoRejoin: true };
    case CLOSE_CODES.WITH_ERROR:
      return { text: "The table closed after an error on the server.", autoRejoin: false };
    default:
      // A lost connection the SDK did not mend (it gave up, or it never tried): a join by id
      // gives a seated player the seat back while the game lasts.
      return { text: "The connection was lost; rejoining your seat…", autoRejoin: true };
  }
}

/**
 * The page's reading of a room's `onError(code, message)`: the SDK also calls it with a socket's
 * error event, whose code and message are undefined. Shown until the connection is back.
 */
export function errorText(code: unknown, message: unknown): string {
  const words = typeof message === "string" && message.trim() !== "" && !/^\d+$/.test(message.trim()) ? message.trim() : null;
  if (typeof code === "number" && words !== null) return `The server reported a problem: ${words}`;
  return "The connection had a problem; trying again…";
}
