import { describe, expect, it } from "vitest";
import type { Logger } from "./logger.js";
import { ClientFaultLog, firstLine } from "./clientFaults.js";

/** A logger that records (level, fields, msg). */
function recordingLogger(): { logger: Logger; lines: { level: string; fields: Record<string, unknown>; msg: string }[] } {
  const lines: { level: string; fields: Record<string, unknown>; msg: string }[] = [];
  const at = (level: string) => (fields: Record<string, unknown>, msg: string) => void lines.push({ level, fields, msg });
  const logger = { info: at("info"), error: at("error"), warn: at("warn"), debug: at("debug") } as unknown as Logger;
  return { logger, lines };
}

describe("client faults are logged at info, one line, rate-limited per minute", () => {
  it("logs up to the budget, counts the rest, and reports the count on the next minute's first line", () => {
    let now = 0;
    const faults = new ClientFaultLog(3, () => now);
    const { logger, lines } = recordingLogger();
    for (let i = 0; i < 10; i++) faults.log(logger, { i }, "refused");
    expect(lines).toHaveLength(3);
    expect(lines.every((l) => l.level === "info" && l.fields["clientFault"] === true)).toBe(true);
    now = 59_999;
    faults.log(logger, { i: 10 }, "refused");
    expect(lines).toHaveLength(3);
    now = 60_000;
    faults.log(logger, { i: 11 }, "refused");
    expect(lines).toHaveLength(4);
    expect(lines[3]?.fields).toMatchObject({ i: 11, clientFaultsNotLogged: 8 });
    faults.log(logger, { i: 12 }, "refused");
    expect(lines[4]?.fields["clientFaultsNotLogged"]).toBeUndefined();
  });

  it("firstLine drops a stack", () => {
    expect(firstLine("Max payload size exceeded\nRangeError: Max payload size exceeded\n    at Receiver")).toBe("Max payload size exceeded");
    expect(firstLine("")).toBe("");
  });
});
