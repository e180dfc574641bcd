// Author a migration for both databases: `npm run db:migration -- <name>`.
// Diffs the schema as of the last migration (kept beside the migrations) against the current one,
// so SQLite and PostgreSQL get one SQL file each per change, deterministically and offline.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { MIGRATIONS, PG_SCHEMA, ROOT, SQLITE_SCHEMA, derivePostgresSchema, writePostgresSchema } from "./schemas";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:migration -- <snake_case_name>");
  process.exit(2);
}
writePostgresSchema();
const snapshot = path.join(MIGRATIONS.sqlite, "schema.snapshot.prisma");

export function diffSql(from: string | null, to: string): string {
  const args = ["node_modules/prisma/build/index.js", "migrate", "diff", "--script"];
  args.push(...(from ? ["--from-schema-datamodel", from] : ["--from-empty"]), "--to-schema-datamodel", to);
  return execFileSync(process.execPath, args, { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
}

const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const dir = `${stamp}_${name}`;
let prevPg: string | null = null;
if (fs.existsSync(snapshot)) {
  prevPg = path.join(ROOT, "node_modules", ".cache", "attune-prev-pg.prisma");
  fs.mkdirSync(path.dirname(prevPg), { recursive: true });
  fs.writeFileSync(prevPg, derivePostgresSchema(fs.readFileSync(snapshot, "utf8")));
}
const sqliteSql = diffSql(fs.existsSync(snapshot) ? snapshot : null, SQLITE_SCHEMA);
const pgSql = diffSql(prevPg, PG_SCHEMA);
if (!/\S/.test(sqliteSql.replace(/^--.*$/gm, ""))) {
  console.log("schema unchanged: no migration written");
  process.exit(0);
}
for (const [provider, sql] of [["sqlite", sqliteSql], ["postgresql", pgSql]] as const) {
  const target = path.join(MIGRATIONS[provider], dir);
  fs.mkdirSync(target, { recursive: true });
  fs.writeFileSync(path.join(target, "migration.sql"), sql);
  fs.writeFileSync(path.join(MIGRATIONS[provider], "migration_lock.toml"), `provider = "${provider}"\n`);
  console.log(`wrote ${path.relative(ROOT, target)}/migration.sql`);
}
fs.copyFileSync(SQLITE_SCHEMA, snapshot);
