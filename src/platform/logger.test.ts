import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { scrubError } from "./logger.js";

describe("logged errors carry no SQL parameter values (issue 15, item 5)", () => {
  it("drops `params` and the `params:` line of a failed query's message, in the error and its cause", () => {
    const cause = Object.assign(new Error("invalid byte sequence"), { params: ["secret\u0000name"] });
    const err = Object.assign(new Error('Failed query: insert into "players" values ($1)\nparams: secret\u0000name'), { params: ["secret\u0000name"], cause });
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString("utf8"));
        done();
      },
    });
    const logger = pino({ serializers: { err: (e: unknown) => scrubError(e instanceof Error ? pino.stdSerializers.err(e) : e) } }, sink);
    logger.error({ err }, "boom");
    const text = lines.join("");
    expect(text).toContain("Failed query");
    expect(text).not.toContain("secret");
    expect(text).toContain("params: [redacted]");
  });
});
