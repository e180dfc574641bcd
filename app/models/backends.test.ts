/**
 * Keeps the README's promise: every model module has one shared suite that runs on every backend
 * (SQLite always, PostgreSQL with ATTUNE_TEST_PG_URL), written with eachBackend from
 * tests/helpers/databases.ts. A new model module without one fails here.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const DIR = path.dirname(fileURLToPath(import.meta.url));
/** Modules that are not per-backend by nature, with the reason. */
const SINGLE_BACKEND: Record<string, string> = {
  "sqlite-reader.server.ts": "a SQLite-only fast path; its own suite compares it with the Prisma path",
};

it("every app/models module has a shared suite run on every backend", () => {
  const modules = fs.readdirSync(DIR).filter((f) => f.endsWith(".server.ts"));
  expect(modules.length).toBeGreaterThan(10);
  const tests = fs.readdirSync(DIR).filter((f) => f.endsWith(".test.ts")).map((f) => fs.readFileSync(path.join(DIR, f), "utf8"));
  // A suite runs on every backend through eachBackend, or by looping over backendNames() itself.
  const perBackend = tests.filter((t) => /\beachBackend\(|\bbackendNames\(\)/.test(t));
  const missing = modules.filter((m) => {
    if (SINGLE_BACKEND[m]) return !fs.existsSync(path.join(DIR, m.replace(/\.ts$/, ".test.ts")));
    const imports = new RegExp(`from "\\./${m.replace(/\.ts$/, "").replace(/\./g, "\\.")}"`);
    return !perBackend.some((t) => imports.test(t));
  });
  expect(missing, "model modules without a suite run on every backend (a test in app/models importing it, with eachBackend)").toEqual([]);
});
