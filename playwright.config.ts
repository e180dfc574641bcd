/**
 * End-to-end tests in real Chromium against the real app behind the local storefront preview
 * (tests/e2e/global-setup.ts starts both). `npm run e2e` (scripts/e2e.ts) runs them.
 * Never downloads a browser: Chromium comes from the system (/usr/bin/chromium).
 */
import { defineConfig } from "@playwright/test";

export const CHROMIUM = process.env.E2E_CHROMIUM ?? "/usr/bin/chromium";

export default defineConfig({
  testDir: "tests/e2e",
  testMatch: /.*\.spec\.ts$/,
  globalSetup: "./tests/e2e/global-setup.ts",
  outputDir: "test-results/artifacts",
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 8_000 },
  forbidOnly: Boolean(process.env.CI),
  // The JSON report lets `npm test` count e2e tests in its closing line.
  reporter: [["list"], ["json", { outputFile: "test-results/e2e-results.json" }], ...(process.env.CI ? [["junit", { outputFile: "test-results/junit.xml" }] as const] : [])],
  use: {
    browserName: "chromium",
    headless: true,
    viewport: { width: 1280, height: 800 },
    screenshot: "on",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
});
