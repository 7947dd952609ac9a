/**
 * A refused create keeps its code across processes. When the matchmaker creates a room on another
 * process (Redis), Colyseus passes an `onCreate` error back over IPC as its message only, and the
 * caller gets 523 (`MATCHMAKE_UNHANDLED`) instead of, say, 429 `limits/too_many_tables`. Every
 * join error's message starts with its string code (docs/PROTOCOL.md, Join errors), so the code
 * is read back from it here, on the way out of `matchMaker.controller.invokeMethod`.
 */
import { matchMaker, ServerError } from "@colyseus/core";
import { JOIN_ERRORS, type JoinErrorCode } from "../shared/protocol.js";

function isJoinErrorCode(code: string): code is JoinErrorCode {
  return Object.hasOwn(JOIN_ERRORS, code);
}

/** The error with the numeric code its message names (or unchanged). */
export function withJoinErrorCode(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const named = /^([a-z_]+\/[a-z_]+): /.exec(err.message)?.[1];
  if (named === undefined || !isJoinErrorCode(named)) return err;
  const code = JOIN_ERRORS[named];
  return err instanceof ServerError && err.code === code ? err : new ServerError(code, err.message);
}

/** The answer to a `joinById` of a live game whose room is not reachable now (docs/PROTOCOL.md, Node loss). */
export const TABLE_MOVING_MESSAGE = "table/moving: the table's server process is gone; another one is rebuilding it from its log: retry in 1 s";

/**
 * Whether a matchmaker error says the room or its process is not there (Colyseus's "room … not
 * found", "process … is not available", "… has been disposed"): for a game still in progress, its
 * table is between a dead process and the one adopting it.
 */
export function isUnreachableRoom(err: unknown): boolean {
  return err instanceof Error && /^(room "[^"]*" (not found|has been disposed)|process \S+ is not available)/.test(err.message);
}

/**
 * `joinById` of a game in progress whose room is unreachable: `table/moving` (503), never a bare
 * "room not found" (`inProgress` answers from the games table; a failure there leaves the error).
 */
async function movingOr(err: unknown, roomId: string, inProgress: (gameId: string) => Promise<boolean>): Promise<unknown> {
  if (!isUnreachableRoom(err)) return err;
  const moving = await inProgress(roomId).catch(() => false);
  return moving ? new ServerError(JOIN_ERRORS["table/moving"], TABLE_MOVING_MESSAGE) : err;
}

/**
 * Installs the correction on the process's matchmaker; returns a function that removes it. With
 * `inProgress`, a `joinById` of a game in progress whose room cannot be reached is answered
 * `table/moving` (503).
 */
export function installJoinErrorCodes(inProgress?: (gameId: string) => Promise<boolean>): () => void {
  const controller = matchMaker.controller;
  const inner: typeof controller.invokeMethod = controller.invokeMethod.bind(controller);
  controller.invokeMethod = async function invokeWithJoinErrorCodes(...args) {
    try {
      const answer: unknown = await inner(...args);
      return answer;
    } catch (err) {
      const [method, roomId] = args;
      throw withJoinErrorCode(method === "joinById" && inProgress !== undefined ? await movingOr(err, roomId, inProgress) : err);
    }
  };
  return () => {
    controller.invokeMethod = inner;
  };
}
