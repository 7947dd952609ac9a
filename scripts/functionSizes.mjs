// The longest functions under a folder, by lines (the house keeps rooms/ under 80 a function):
//   node scripts/functionSizes.mjs <folder> [count]
// Functions, methods, constructors, getters and arrow functions of every .ts file except tests,
// read with the TypeScript compiler's parser.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

const [folder = "rooms", count = "10"] = process.argv.slice(2);

/** Every non-test .ts file under `dir`. */
function filesUnder(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return filesUnder(p);
    return p.endsWith(".ts") && !p.endsWith(".test.ts") ? [p] : [];
  });
}

const isFunction = (n) =>
  ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n) || ts.isConstructorDeclaration(n) || ts.isArrowFunction(n) || ts.isFunctionExpression(n) || ts.isGetAccessor(n);

const sizes = [];
for (const file of filesUnder(folder)) {
  const sf = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const visit = (n, owner) => {
    if (isFunction(n)) {
      const first = sf.getLineAndCharacterOfPosition(n.getStart()).line;
      const last = sf.getLineAndCharacterOfPosition(n.getEnd()).line;
      const name = ts.isConstructorDeclaration(n) ? "constructor" : (n.name ?? n.parent?.name)?.getText() ?? "<anonymous>";
      sizes.push({ lines: last - first + 1, where: `${file}:${first + 1}`, name: owner === null ? name : `${owner}.${name}` });
    }
    const inner = ts.isClassDeclaration(n) && n.name !== undefined ? n.name.getText() : owner;
    ts.forEachChild(n, (c) => visit(c, inner));
  };
  visit(sf, null);
}
sizes.sort((a, b) => b.lines - a.lines);
for (const s of sizes.slice(0, Number(count))) console.log(`${s.lines}\t${s.name}\t${s.where}`);
