import { defineConfig } from "vitest/config";
import path from "node:path";

export default defineConfig({
  resolve: { alias: { "~": path.resolve(__dirname, "app") } },
  test: {
    include: [
      "app/**/*.test.{ts,tsx}",
      "scripts/**/*.test.ts",
      "bench/**/*.test.ts",
      "tests/**/*.test.ts",
      "extensions/**/*.test.{ts,tsx}",
    ],
    exclude: ["node_modules", "build", "tests/e2e/**"],
    setupFiles: ["tests/setup/env.ts"],
    pool: "forks",
    // The tester loads extension entry points (.tsx) through vite only when it is inlined.
    server: { deps: { inline: ["@shopify/ui-extensions-tester"] } },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
