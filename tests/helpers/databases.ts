/**
 * The backends a model suite runs on: SQLite always; PostgreSQL too when ATTUNE_TEST_PG_URL is set
 * (CI sets it). Each PostgreSQL suite gets its own throwaway database, migrated from scratch.
 *
 * A model module's tests are one shared suite, written once with `eachBackend` (as Gorse runs one
 * storage suite against every backend): the same assertions on every database.
 */
import crypto from "node:crypto";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe } from "vitest";
import { createDb, prepareDb, type Db } from "../../app/db.server";
import { migrate } from "../../scripts/db/migrate";

export interface Backend {
  name: "sqlite" | "postgresql";
  url: string;
  db: Db;
  drop(): Promise<void>;
}

export const backendNames = (): Backend["name"][] => (process.env.ATTUNE_TEST_PG_URL ? ["sqlite", "postgresql"] : ["sqlite"]);

export async function createBackend(name: Backend["name"]): Promise<Backend> {
  if (name === "sqlite") {
    const url = `file:${path.join(os.tmpdir(), `attune-suite-${crypto.randomUUID()}.sqlite`)}`;
    await migrate(url);
    const db = createDb(url);
    await prepareDb(db);
    return { name, url, db, drop: () => db.$disconnect() };
  }
  const admin = process.env.ATTUNE_TEST_PG_URL!;
  const dbName = `attune_test_${crypto.randomUUID().replace(/-/g, "").slice(0, 16)}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${dbName}`);
  await client.end();
  const u = new URL(admin);
  u.pathname = `/${dbName}`;
  const url = u.toString();
  await migrate(url);
  const db = createDb(url);
  return {
    name,
    url,
    db,
    async drop() {
      await db.$disconnect();
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await c.end();
    },
  };
}

/**
 * One shared suite per backend: `eachBackend("orders model", (b) => { it(..., async () => b().db ...) })`
 * runs the suite as "orders model on sqlite" and, with ATTUNE_TEST_PG_URL, "orders model on postgresql",
 * each on its own freshly migrated database (dropped afterwards). Tests isolate by shop domain.
 */
export function eachBackend(title: string, suite: (backend: () => Backend) => void) {
  describe.each(backendNames())(`${title} on %s`, (name) => {
    let b: Backend | undefined;
    beforeAll(async () => {
      b = await createBackend(name);
    });
    afterAll(async () => {
      await b?.drop();
    });
    suite(() => {
      if (!b) throw new Error(`the ${name} backend is not ready (used outside a test or hook?)`);
      return b;
    });
  });
}

/** A shop domain no other test uses. */
export const uniqueShop = (prefix = "m") => `${prefix}-${crypto.randomUUID().slice(0, 8)}.myshopify.com`;
