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

/** Installs the correction on the process's matchmaker; returns a function that removes it. */
export function installJoinErrorCodes(): () => void {
  const controller = matchMaker.controller;
  const inner: typeof controller.invokeMethod = controller.invokeMethod.bind(controller);
  controller.invokeMethod = async function invokeWithJoinErrorCodes(...args) {
    try {
      const answer: unknown = await inner(...args);
      return answer;
    } catch (err) {
      throw withJoinErrorCode(err);
    }
  };
  return () => {
    controller.invokeMethod = inner;
  };
}
