// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** Globals and members that make code impure: forbidden inside the rules engine. */
const impureGlobals = ["process", "setTimeout", "setInterval", "clearTimeout", "clearInterval", "setImmediate", "fetch", "crypto", "performance", "require"]
  .map((name) => ({ name, message: "src/game is pure: time, chance and I/O are inputs, not globals." }));

/**
 * The layers, bottom to top (README "Layout"): src/game; src/shared and src/platform; the domain
 * services src/ladder, src/season, src/completion; db; the adapters rooms, src/http, src/bots;
 * src/app. A module imports only from its own layer or below (adapters not from each other).
 * Patterns match the relative specifier, so `../../db/x.js` from src/ladder is caught at any depth.
 */
const up = {
  app: { regex: "^(\\.\\./)+(src/)?app/", message: "Nothing imports src/app except the process entry and the composition root (they live in src/app)." },
  adapters: { regex: "^(\\.\\./)+((src/)?(http|bots)|rooms)/", message: "An adapter layer (rooms, src/http, src/bots): only src/app may import it." },
  db: { regex: "^(\\.\\./)+db/", message: "db sits above the domain services: pass a port in instead of importing db." },
  domain: { regex: "^(\\.\\./)+(src/)?(ladder|season|completion)/", message: "src/shared and src/platform sit below the domain services (src/ladder, src/season, src/completion)." },
};
/** Tests, test helpers and benchmarks are harnesses at the top: the layer rule skips them. */
const harness = ["**/*.test.ts", "**/testing/**", "**/bench/**", "test/**", "loadtest/**"];
const layer = (files, forbidden) => ({
  files,
  ignores: harness,
  rules: { "no-restricted-imports": ["error", { patterns: forbidden.map((f) => ({ regex: f.regex, message: f.message })) }] },
});

export default tseslint.config(
  { ignores: ["node_modules/**", "dist/**", "data/**", "drizzle/**", "client/dist/**", "coverage/**", "**/*.d.ts", "test-results/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ["*.js", "*.mjs", "scripts/*.mjs"] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/switch-exhaustiveness-check": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-floating-promises": "error",
      "no-restricted-syntax": ["error", { selector: "TSEnumDeclaration", message: "Use an `as const` object, not an enum." }],
    },
  },
  {
    files: ["src/game/**/*.ts"],
    ignores: ["src/game/**/*.test.ts", "src/game/testing/**", "src/game/bench/**"],
    rules: {
      "no-restricted-imports": ["error", {
        patterns: [
          {
            regex: "^(?!\\./|@noble/hashes/(sha2|utils)\\.js$|@noble/ciphers/chacha\\.js$)",
            message: "src/game imports nothing outside itself: only ./ imports, @noble/hashes/{sha2,utils}.js and @noble/ciphers/chacha.js (pure, synchronous SHA-256 and ChaCha20; no node:*, no other packages, no ../).",
          },
        ],
      }],
      "no-restricted-globals": ["error", ...impureGlobals],
      "no-restricted-properties": ["error",
        { object: "Date", property: "now", message: "src/game is pure: pass time in." },
        { object: "Math", property: "random", message: "src/game is pure: use the seeded PRNG." },
      ],
      "no-restricted-syntax": ["error",
        { selector: "TSEnumDeclaration", message: "Use an `as const` object, not an enum." },
        { selector: "NewExpression[callee.name='Date']", message: "src/game is pure: pass time in." },
      ],
    },
  },
  layer(["src/shared/**/*.ts", "src/platform/**/*.ts"], [up.app, up.adapters, up.db, up.domain]),
  // src/ladder/submission.ts still runs its one SQL statement through db/ (a known upward edge,
  // listed in the README's layout section): it is the only domain file exempt from `up.db`.
  layer(["src/ladder/**/*.ts", "src/season/**/*.ts", "src/completion/**/*.ts"], [up.app, up.adapters, up.db]),
  { ...layer(["src/ladder/submission.ts"], [up.app, up.adapters]) },
  layer(["db/**/*.ts"], [up.app, up.adapters]),
  layer(["rooms/**/*.ts"], [up.app, { regex: "^(\\.\\./)+src/(http|bots)/", message: "rooms, src/http and src/bots are peers: they do not import each other." }]),
  layer(["src/http/**/*.ts"], [up.app, { regex: "^(\\.\\./)+(bots/|\\.\\./rooms/)", message: "rooms, src/http and src/bots are peers: they do not import each other." }]),
  layer(["src/bots/**/*.ts"], [up.app, { regex: "^(\\.\\./)+(http/|\\.\\./rooms/)", message: "rooms, src/http and src/bots are peers: they do not import each other." }]),
  {
    files: ["**/*.mjs", "**/*.js"],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly" } },
  },
);
