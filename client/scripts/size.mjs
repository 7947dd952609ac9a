// Prints the size of the built client (client/dist): every JS and CSS file, raw and gzipped,
// and the total gzipped JS against the 150 kB budget. Run `npm run build` (or
// `npx vite build client`) first, then `node client/scripts/size.mjs`.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const BUDGET_KB = 150;
const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "dist");

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

let files;
try {
  files = walk(dist).filter((f) => f.endsWith(".js") || f.endsWith(".css"));
} catch {
  console.error(`No build at ${dist}: run \`npm run build\` first.`);
  process.exit(1);
}
// kB = 1000 bytes and zlib's default level, as Vite's own build report counts them.
const kb = (n) => (n / 1000).toFixed(2);
let jsGzip = 0;
for (const f of files.sort()) {
  const bytes = readFileSync(f);
  const gz = gzipSync(bytes).length;
  if (f.endsWith(".js")) jsGzip += gz;
  console.log(`${path.relative(dist, f).padEnd(40)} ${kb(bytes.length).padStart(9)} kB  gzip ${kb(gz).padStart(8)} kB`);
}
console.log(`total JS gzipped: ${kb(jsGzip)} kB (budget ${BUDGET_KB} kB)`);
if (jsGzip / 1000 > BUDGET_KB) {
  console.error("over budget");
  process.exit(1);
}
