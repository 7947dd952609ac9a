import { ServerError } from "@colyseus/core";
import { describe, expect, it } from "vitest";
import type { Logger } from "../src/platform/logger.js";
import { ClientFaultLog } from "../src/platform/clientFaults.js";
import { logRoomException, refusalOf } from "./roomFaults.js";

function recordingLogger(): { logger: Logger; lines: { level: string; fields: Record<string, unknown> }[] } {
  const lines: { level: string; fields: Record<string, unknown> }[] = [];
  const at = (level: string) => (fields: Record<string, unknown>) => void lines.push({ level, fields });
  return { logger: { info: at("info"), error: at("error"), debug: at("debug") } as unknown as Logger, lines };
}

/** What Colyseus hands onUncaughtException: its wrapper with the thrown error as `cause`. */
const wrapped = (cause: unknown): Error => new Error("wrapped", { cause });

describe("room exceptions: refusals are client faults, the rest server faults", () => {
  it("a ServerError thrown by onCreate, onAuth or onJoin is logged at info without a stack", () => {
    for (const hook of ["onCreate", "onAuth", "onJoin"]) {
      const { logger, lines } = recordingLogger();
      logRoomException(logger, wrapped(new ServerError(400, "join/invalid_options: ✖ Too big\n  → at seat")), hook, "room-1", new ClientFaultLog(10));
      expect(lines).toEqual([{ level: "info", fields: { clientFault: true, methodName: hook, gameId: "room-1", code: 400, message: "join/invalid_options: ✖ Too big" } }]);
    }
  });

  it("anything else, or a ServerError from another hook, is an error with the error attached", () => {
    const { logger, lines } = recordingLogger();
    logRoomException(logger, wrapped(new TypeError("boom")), "onCreate", "room-2", new ClientFaultLog(10));
    logRoomException(logger, wrapped(new ServerError(400, "x")), "onLeave", "room-2", new ClientFaultLog(10));
    expect(lines.map((l) => l.level)).toEqual(["error", "error"]);
    expect(lines[0]?.fields["err"]).toBeInstanceOf(Error);
    expect(refusalOf(new ServerError(401, "no token"), "onAuth")?.code).toBe(401);
  });
});
