// `npm test`: every check CI runs, in order, stopping at the first failure.
//   typecheck (app + checkout extension) -> theme check -> asset budgets -> build -> vitest -> e2e
// The model/webhook suites also run on PostgreSQL when ATTUNE_TEST_PG_URL is set (.ci/run sets it).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const bin = (name: string) => path.join("node_modules", ".bin", name);
const only = process.argv.slice(2);

interface Step {
  name: string;
  cmd: string;
  args: string[];
}
const steps: Step[] = [
  { name: "typecheck", cmd: bin("tsc"), args: ["--noEmit", "-p", "."] },
  { name: "typecheck:checkout", cmd: bin("tsc"), args: ["-p", "extensions/attune-checkout"] },
  // The same extension source against the 2026-07 types the checkout tester's mocks implement.
  { name: "typecheck:checkout@tester", cmd: bin("tsc"), args: ["-p", "extensions/attune-checkout/tsconfig.tester.json"] },
  { name: "typecheck:account", cmd: bin("tsc"), args: ["-p", "extensions/attune-account"] },
  { name: "typecheck:account@tester", cmd: bin("tsc"), args: ["-p", "extensions/attune-account/tsconfig.tester.json"] },
  { name: "theme-check", cmd: bin("tsx"), args: ["scripts/theme-check.ts"] },
  { name: "sizes", cmd: bin("tsx"), args: ["scripts/asset-sizes.ts"] },
  { name: "build", cmd: bin("remix"), args: ["build"] },
  { name: "vitest", cmd: bin("vitest"), args: ["run"] },
  ...(fs.existsSync("scripts/e2e.ts") ? [{ name: "e2e", cmd: bin("tsx"), args: ["scripts/e2e.ts"] }] : []),
];

const report = path.join(os.tmpdir(), `attune-vitest-${process.pid}.json`);
let passed = 0;
let failed = 0;
for (const step of steps) {
  if (only.length && !only.includes(step.name)) continue;
  const args = step.name === "vitest" ? [...step.args, "--reporter=default", "--reporter=json", `--outputFile.json=${report}`] : step.args;
  console.log(`\n▶ ${step.name}: ${[step.cmd, ...args].join(" ")}`);
  const started = Date.now();
  const r = spawnSync(step.cmd, args, { stdio: "inherit", env: process.env });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (step.name === "vitest" && fs.existsSync(report)) {
    const j = JSON.parse(fs.readFileSync(report, "utf8"));
    passed += j.numPassedTests;
    failed += j.numFailedTests;
  }
  const e2eReport = "test-results/e2e-results.json";
  if (step.name === "e2e" && fs.existsSync(e2eReport) && fs.statSync(e2eReport).mtimeMs >= started) {
    const j = JSON.parse(fs.readFileSync(e2eReport, "utf8"));
    passed += j.stats.expected;
    failed += j.stats.unexpected;
  }
  if (r.status !== 0) {
    console.error(`\n✖ ${step.name} failed after ${seconds}s (exit ${r.status ?? r.signal})`);
    console.log(`tests: ${passed} passed, ${Math.max(failed, 1)} failed`);
    process.exit(1);
  }
  console.log(`✔ ${step.name} (${seconds}s)`);
}
console.log(`\ntests: ${passed} passed, ${failed} failed`);
