/** docs/SEASON0.md's event table names every event type with exactly its schema's payload fields. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SEASON_EVENT_PAYLOADS, SEASON_EVENT_TYPES } from "./events.js";

const doc = readFileSync(new URL("../../docs/SEASON0.md", import.meta.url), "utf8");

describe("season event docs", () => {
  it("lists every type once, with the fields of its zod schema in order", () => {
    const rows = new Map<string, string[]>();
    for (const m of doc.matchAll(/^\| `([A-Z0-9_]+)` \| ((?:`[^`]+`(?:, )?)+) \|/gm)) {
      const [, type, fields] = m;
      if (type !== undefined && fields !== undefined) rows.set(type, [...fields.matchAll(/`([^`]+)`/g)].map((f) => f[1] ?? ""));
    }
    expect([...rows.keys()]).toEqual([...SEASON_EVENT_TYPES]);
    for (const t of SEASON_EVENT_TYPES) expect({ t, fields: rows.get(t) }).toEqual({ t, fields: Object.keys(SEASON_EVENT_PAYLOADS[t].shape) });
  });
});
