/**
 * The Prisma client, chosen by DATABASE_URL: SQLite (embedded default) through better-sqlite3, or
 * PostgreSQL through node-postgres. Both clients are generated from the same model (the Postgres
 * schema is derived from the SQLite one), so the rest of the app sees one API.
 */
import { createRequire } from "node:module";
import { PrismaClient } from "@prisma/client";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";

export type Db = PrismaClient;
export type DbProvider = "sqlite" | "postgresql";

const require = createRequire(import.meta.url);
const providers = new WeakMap<object, DbProvider>();

export function providerOf(db: Db): DbProvider {
  return providers.get(db) ?? "sqlite";
}

export function createDb(url: string): Db {
  if (url.startsWith("file:")) {
    const db = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url, timeout: 10_000 }) });
    providers.set(db, "sqlite");
    return db;
  }
  // The PostgreSQL client lives in its own output folder (see prisma/postgres/schema.prisma).
  const { PrismaClient: PgClient } = require(".prisma/client-pg") as { PrismaClient: typeof PrismaClient };
  const db = new PgClient({ adapter: new PrismaPg({ connectionString: url, max: 10 }) });
  providers.set(db, "postgresql");
  return db;
}

/** SQLite tuning: WAL lets readers proceed during writes; NORMAL sync is durable across process crashes. */
export async function prepareDb(db: Db): Promise<void> {
  if (providerOf(db) !== "sqlite") return;
  await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await db.$queryRawUnsafe("PRAGMA synchronous = NORMAL");
  await db.$queryRawUnsafe("PRAGMA busy_timeout = 10000");
}

declare global {
  // eslint-disable-next-line no-var
  var __attuneDbs: Map<string, Db> | undefined;
}

/** Process-wide client for DATABASE_URL (kept across dev-server reloads; one per URL for tests). */
export function db(): Db {
  const url = process.env.DATABASE_URL || "file:./prisma/dev.sqlite";
  global.__attuneDbs ??= new Map();
  let client = global.__attuneDbs.get(url);
  if (!client) {
    client = createDb(url);
    global.__attuneDbs.set(url, client);
    void prepareDb(client);
  }
  return client;
}
