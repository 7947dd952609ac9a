import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "rooms/**/*.test.ts", "db/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // The machine has two cores; integration suites start servers and databases.
    maxWorkers: 2,
  },
});
