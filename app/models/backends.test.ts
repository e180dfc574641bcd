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
  const missing = modules.filter((m) => {
    const test = path.join(DIR, m.replace(/\.ts$/, ".test.ts"));
    if (!fs.existsSync(test)) return true;
    return !SINGLE_BACKEND[m] && !/\beachBackend\(/.test(fs.readFileSync(test, "utf8"));
  });
  expect(missing, "model modules without a shared per-backend suite (<module>.test.ts using eachBackend)").toEqual([]);
});
