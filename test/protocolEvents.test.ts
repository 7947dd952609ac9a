/**
 * docs/PROTOCOL.md documents every `GameEvent` type and field (section "Game events"). This test
 * reads the union from src/game/types.ts with the TypeScript compiler and the tables from the
 * document, and fails on any event type or field that is missing on either side.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { GAME_EVENT_TYPES } from "../src/game/types.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Event type -> field names, from the `GameEvent` union of src/game/types.ts. */
function eventsInSource(): Map<string, string[]> {
  const file = path.join(root, "src/game/types.ts");
  const program = ts.createProgram([file], { strict: true, target: ts.ScriptTarget.ES2022, noEmit: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  if (source === undefined) throw new Error("types.ts not found");
  const alias = source.statements.find((s): s is ts.TypeAliasDeclaration => ts.isTypeAliasDeclaration(s) && s.name.text === "GameEvent");
  if (alias === undefined) throw new Error("GameEvent not found");
  const union = checker.getTypeAtLocation(alias.name);
  const events = new Map<string, string[]>();
  for (const member of union.isUnion() ? union.types : [union]) {
    const typeProp = member.getProperty("type");
    if (typeProp === undefined) throw new Error(`an event without type: ${checker.typeToString(member)}`);
    const literal = checker.getTypeOfSymbolAtLocation(typeProp, alias);
    if (!literal.isStringLiteral()) throw new Error(`type of ${checker.typeToString(member)} is not a string literal`);
    events.set(literal.value, checker.getPropertiesOfType(member).map((p) => p.name).sort());
  }
  return events;
}

/** Event type -> field names, from the "Game events" tables of docs/PROTOCOL.md. */
function eventsInDocs(): Map<string, string[]> {
  const doc = readFileSync(path.join(root, "docs/PROTOCOL.md"), "utf8");
  const start = doc.indexOf("\n## Game events\n");
  if (start === -1) throw new Error("docs/PROTOCOL.md has no 'Game events' section");
  const end = doc.indexOf("\n## ", start + 1);
  const section = doc.slice(start, end === -1 ? undefined : end);
  const events = new Map<string, string[]>();
  for (const block of section.split("\n### ").slice(1)) {
    const name = /^`([a-z_]+)`/.exec(block)?.[1];
    if (name === undefined) throw new Error(`an event heading without a \`type\`: ${block.slice(0, 40)}`);
    const fields = [...block.matchAll(/^\| `([A-Za-z_]+)` \|/gm)].map((m) => m[1] ?? "");
    events.set(name, fields.sort());
  }
  return events;
}

describe("docs/PROTOCOL.md documents every GameEvent", () => {
  const source = eventsInSource();
  const docs = eventsInDocs();

  it("the source union and GAME_EVENT_TYPES agree (the check reads the real union)", () => {
    expect([...source.keys()].sort()).toEqual([...GAME_EVENT_TYPES].sort());
  });

  it("every event type is documented, and nothing else", () => {
    expect([...docs.keys()].sort()).toEqual([...source.keys()].sort());
  });

  it.each([...GAME_EVENT_TYPES])("%s: the documented fields are exactly the type's fields", (type) => {
    expect(docs.get(type)).toEqual(source.get(type));
  });
});
