/**
 * The backends a model suite runs on: SQLite always; PostgreSQL too when ATTUNE_TEST_PG_URL is set
 * (CI sets it). Each PostgreSQL suite gets its own throwaway database, migrated from scratch.
 */
import crypto from "node:crypto";
import os from "node:os";
import path from "node:path";
import pg from "pg";
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
