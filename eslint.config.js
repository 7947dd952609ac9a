// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** Globals and members that make code impure: forbidden inside the rules engine. */
const impureGlobals = ["process", "setTimeout", "setInterval", "clearTimeout", "clearInterval", "setImmediate", "fetch", "crypto", "performance", "require"]
  .map((name) => ({ name, message: "src/game is pure: time, chance and I/O are inputs, not globals." }));

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
    ignores: ["src/game/**/*.test.ts", "src/game/propertySuite.ts", "src/game/bench/**"],
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
  {
    files: ["**/*.mjs", "**/*.js"],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly" } },
  },
);
