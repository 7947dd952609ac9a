import { describe, expect, it } from "vitest";
import type { Logger } from "../platform/logger.js";
import { ClientFaultLog } from "../platform/clientFaults.js";
import { colyseusLogger } from "./colyseusLog.js";

describe("Colyseus's log lines", () => {
  it("a client's bad frame is one rate-limited info line without a stack; other errors stay errors", () => {
    const lines: { level: string; args: unknown[] }[] = [];
    const at = (level: string) => (...args: unknown[]) => void lines.push({ level, args });
    const logger = { info: at("info"), error: at("error"), warn: at("warn"), debug: at("debug"), trace: at("trace") } as unknown as Logger;
    const log = colyseusLogger(logger, new ClientFaultLog(1));
    const frame = "Max payload size exceeded\nRangeError: Max payload size exceeded\n    at Receiver.haveLength (ws/lib/receiver.js:442:28)";
    log.error(frame);
    log.error(frame); // over the budget of 1: counted, not logged
    log.error("Error: something broke\n    at x");
    log.info("ready", { port: 1 });
    expect(lines).toEqual([
      { level: "info", args: [{ clientFault: true, fault: "Max payload size exceeded" }, "client frame refused"] },
      { level: "error", args: ["Error: something broke\n    at x"] },
      { level: "info", args: ['ready {"port":1}'] },
    ]);
  });
});
