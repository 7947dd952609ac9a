/**
 * How a room logs an exception Colyseus caught in one of its hooks. A create, auth or join that
 * the room refused on purpose (bad options, a seat taken, no token: a `ServerError` it threw) is
 * the client's answer, not a fault: one info line without a stack, rate-limited per process
 * (src/platform/clientFaults.ts). Anything else is a server fault, logged at error with its stack.
 */
import { ServerError } from "@colyseus/core";
import { clientFaults, firstLine, type ClientFaultLog } from "../src/platform/clientFaults.js";
import type { Logger } from "../src/platform/logger.js";

const REFUSABLE_HOOKS: ReadonlySet<string> = new Set(["onCreate", "onAuth", "onJoin"]);

/** The refusal a hook threw on purpose, or null for a real fault. */
export function refusalOf(error: Error, methodName: string): ServerError | null {
  if (!REFUSABLE_HOOKS.has(methodName)) return null;
  if (error.cause instanceof ServerError) return error.cause;
  return error instanceof ServerError ? error : null;
}

/** Logs an exception caught in room hook `methodName` (see the module docs). */
export function logRoomException(log: Logger, error: Error, methodName: string, roomId: string, faults: ClientFaultLog = clientFaults): void {
  const refusal = refusalOf(error, methodName);
  if (refusal === null) return log.error({ err: error, methodName, gameId: roomId }, "uncaught room error");
  faults.log(log, { methodName, gameId: roomId, code: refusal.code, message: firstLine(refusal.message) }, `${methodName} refused`);
}
