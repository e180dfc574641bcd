/**
 * The Prisma client, chosen by DATABASE_URL: SQLite (embedded default) through better-sqlite3, or
 * PostgreSQL through node-postgres. Both clients are generated from the same model (the Postgres
 * schema is derived from the SQLite one), so the rest of the app sees one API.
 */
import { createRequire } from "node:module";
import { PrismaClient } from "@prisma/client";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";

export type Db = PrismaClient;
export type DbProvider = "sqlite" | "postgresql";

const require = createRequire(import.meta.url);
const providers = new WeakMap<object, DbProvider>();

export function providerOf(db: Db): DbProvider {
  return providers.get(db) ?? "sqlite";
}

/**
 * SQLite connection tuning, applied as the connection opens (before any query can start a
 * transaction, where these pragmas are refused): WAL lets readers proceed during writes, and
 * synchronous=NORMAL makes commits cheap while staying durable across process crashes.
 */
class TunedSqlite implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = "sqlite" as const;
  readonly adapterName: string;
  readonly #inner: PrismaBetterSQLite3;
  constructor(url: string) {
    this.#inner = new PrismaBetterSQLite3({ url, timeout: 10_000 });
    this.adapterName = this.#inner.adapterName;
  }
  async connect() {
    const conn = await this.#inner.connect();
    for (const sql of ["PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL"]) {
      await conn.queryRaw({ sql, args: [], argTypes: [] });
    }
    return conn;
  }
  connectToShadowDb() {
    return this.#inner.connectToShadowDb();
  }
}

export function createDb(url: string): Db {
  if (url.startsWith("file:")) {
    const db = new PrismaClient({ adapter: new TunedSqlite(url) });
    providers.set(db, "sqlite");
    return db;
  }
  // The PostgreSQL client lives in its own output folder (see prisma/postgres/schema.prisma).
  const { PrismaClient: PgClient } = require(".prisma/client-pg") as { PrismaClient: typeof PrismaClient };
  const db = new PgClient({ adapter: new PrismaPg({ connectionString: url, max: 10 }) });
  providers.set(db, "postgresql");
  return db;
}

/** Opens the connection now (fails fast on a bad URL) instead of on the first query. */
export async function prepareDb(db: Db): Promise<void> {
  await db.$connect();
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
  }
  return client;
}
