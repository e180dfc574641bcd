// Applies the committed migrations to the database named by a URL, on SQLite or PostgreSQL.
// Offline and idempotent: applied migrations are recorded in a `_prisma_migrations` table of the
// shape Prisma's own `migrate deploy` uses, so either tool can take over a database later.
// (Prisma 6.19's offline JS engine cannot apply migrations to PostgreSQL; see GUIDE §6.)
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { MIGRATIONS, providerOf } from "./schemas";

export interface Migration { name: string; sql: string; checksum: string }

export function listMigrations(provider: "sqlite" | "postgresql"): Migration[] {
  const dir = MIGRATIONS[provider];
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: crypto.createHash("sha256").update(sql).digest("hex") };
    });
}

const LEDGER = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMP,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMP,
  "started_at" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

function checkApplied(applied: Map<string, string>, m: Migration) {
  const sum = applied.get(m.name);
  if (sum && sum !== m.checksum) {
    throw new Error(`migration ${m.name} was changed after it was applied; write a new migration instead`);
  }
  return Boolean(sum);
}

export function sqlitePath(url: string): string {
  const p = url.replace(/^file:/, "").split("?")[0];
  return p === ":memory:" ? p : path.resolve(p);
}

async function migrateSqlite(url: string): Promise<string[]> {
  const { default: Database } = await import("better-sqlite3");
  const file = sqlitePath(url);
  if (file !== ":memory:") fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("busy_timeout = 10000");
    db.exec(LEDGER);
    const rows = db.prepare(`SELECT migration_name, checksum FROM _prisma_migrations WHERE finished_at IS NOT NULL`).all() as { migration_name: string; checksum: string }[];
    const applied = new Map(rows.map((r) => [r.migration_name, r.checksum]));
    const done: string[] = [];
    for (const m of listMigrations("sqlite")) {
      if (checkApplied(applied, m)) continue;
      db.transaction(() => {
        db.exec(m.sql);
        db.prepare(
          `INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, applied_steps_count) VALUES (?, ?, CURRENT_TIMESTAMP, ?, 1)`,
        ).run(crypto.randomUUID(), m.checksum, m.name);
      }).immediate();
      done.push(m.name);
    }
    return done;
  } finally {
    db.close();
  }
}

async function migratePostgres(url: string): Promise<string[]> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // Several instances may run setup at once; one applies, the others wait and find it done.
    await client.query("SELECT pg_advisory_lock(727274)");
    await client.query(LEDGER);
    const { rows } = await client.query(`SELECT migration_name, checksum FROM _prisma_migrations WHERE finished_at IS NOT NULL`);
    const applied = new Map<string, string>(rows.map((r: { migration_name: string; checksum: string }) => [r.migration_name, r.checksum]));
    const done: string[] = [];
    for (const m of listMigrations("postgresql")) {
      if (checkApplied(applied, m)) continue;
      await client.query("BEGIN");
      try {
        await client.query(m.sql);
        await client.query(
          `INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, applied_steps_count) VALUES ($1, $2, now(), $3, 1)`,
          [crypto.randomUUID(), m.checksum, m.name],
        );
        await client.query("COMMIT");
      } catch (e) {
        await client.query("ROLLBACK");
        throw new Error(`migration ${m.name} failed: ${(e as Error).message}`);
      }
      done.push(m.name);
    }
    return done;
  } finally {
    await client.query("SELECT pg_advisory_unlock(727274)").catch(() => {});
    await client.end();
  }
}

/** Brings the database at `url` to the current schema. Returns the migrations it applied. */
export async function migrate(url: string): Promise<string[]> {
  return providerOf(url) === "sqlite" ? migrateSqlite(url) : migratePostgres(url);
}
