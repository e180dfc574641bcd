// The PostgreSQL schema is derived from the SQLite one so the two can never drift apart by hand.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const SQLITE_SCHEMA = path.join(ROOT, "prisma", "schema.prisma");
export const PG_SCHEMA = path.join(ROOT, "prisma", "postgres", "schema.prisma");
export const MIGRATIONS = {
  sqlite: path.join(ROOT, "prisma", "migrations"),
  postgresql: path.join(ROOT, "prisma", "postgres", "migrations"),
} as const;
export type Provider = keyof typeof MIGRATIONS;

export function derivePostgresSchema(sqliteSchema: string): string {
  const header =
    "// GENERATED from prisma/schema.prisma by scripts/db/schemas.ts: do not edit.\n" +
    "// The PostgreSQL twin of the SQLite schema, with its client generated to node_modules/.prisma/client-pg.\n";
  const body = sqliteSchema
    .replace(/^\/\/ prisma\/postgres\/schema\.prisma is GENERATED.*\n/m, "")
    .replace('provider = "sqlite"', 'provider = "postgresql"')
    .replace(/engineType = "client"/, 'engineType = "client"\n  output     = "../../node_modules/.prisma/client-pg"');
  return header + body;
}

export function providerOf(url: string): Provider {
  if (url.startsWith("file:")) return "sqlite";
  if (/^postgres(ql)?:\/\//.test(url)) return "postgresql";
  throw new Error(`DATABASE_URL must start with file: (SQLite) or postgresql:// (PostgreSQL), got "${url.split(":")[0]}:..."`);
}

export function writePostgresSchema(): boolean {
  const next = derivePostgresSchema(fs.readFileSync(SQLITE_SCHEMA, "utf8"));
  const prev = fs.existsSync(PG_SCHEMA) ? fs.readFileSync(PG_SCHEMA, "utf8") : "";
  if (prev === next) return false;
  fs.mkdirSync(path.dirname(PG_SCHEMA), { recursive: true });
  fs.writeFileSync(PG_SCHEMA, next);
  return true;
}
