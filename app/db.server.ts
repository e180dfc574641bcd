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
import type BetterSqlite3 from "better-sqlite3";
import { env } from "./utils/env.server";

export type Db = PrismaClient;
export type DbProvider = "sqlite" | "postgresql";

const require = createRequire(import.meta.url);
const providers = new WeakMap<object, DbProvider>();

export function providerOf(db: Db): DbProvider {
  return providers.get(db) ?? "sqlite";
}

/** A FIFO async lock. */
class SerialLock {
  #tail: Promise<void> = Promise.resolve();
  acquire(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const ready = this.#tail.then(() => release);
    this.#tail = this.#tail.then(() => held);
    return ready;
  }
}

/**
 * The SQLite connection, made safe and tuned as it opens.
 * - Isolation: the adapter runs a query that is not part of a transaction directly on the one
 *   connection, so while an interactive transaction is open, any other task's query would silently
 *   join it (and be rolled back with it, or committed late). Every statement outside a transaction
 *   therefore waits for the open transaction to finish.
 * - Write lock first: the adapter opens transactions with a deferred BEGIN; one that reads then
 *   writes cannot upgrade if another connection committed in between, and SQLite fails it at once
 *   with SQLITE_BUSY (busy_timeout does not apply). Taking the write lock first, as BEGIN
 *   IMMEDIATE does, makes transactions wait their turn instead.
 * - WAL lets readers proceed during writes; synchronous=NORMAL is durable across process crashes.
 */
class TunedSqlite implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = "sqlite" as const;
  readonly adapterName: string;
  readonly #inner: PrismaBetterSQLite3;
  /** The driver handle, for statements run inside a transaction this process holds (sql.server.ts). */
  native: BetterSqlite3.Database | undefined;
  constructor(url: string) {
    this.#inner = new PrismaBetterSQLite3({ url, timeout: 10_000 });
    this.adapterName = this.#inner.adapterName;
  }
  async connect() {
    const conn = await this.#inner.connect();
    this.native = (conn as unknown as { client: BetterSqlite3.Database }).client;
    this.native.pragma("journal_mode = WAL");
    this.native.pragma("synchronous = NORMAL");
    const lock = new SerialLock();
    const startTransaction = conn.startTransaction.bind(conn);
    conn.startTransaction = async (isolationLevel) => {
      const release = await lock.acquire();
      try {
        const tx = await startTransaction(isolationLevel);
        await tx.executeRaw({ sql: 'UPDATE "Shop" SET "id" = "id" WHERE 0', args: [], argTypes: [] });
        const commit = tx.commit.bind(tx);
        const rollback = tx.rollback.bind(tx);
        tx.commit = () => commit().finally(release);
        tx.rollback = () => rollback().finally(release);
        return tx;
      } catch (e) {
        release();
        throw e;
      }
    };
    for (const method of ["queryRaw", "executeRaw", "executeScript"] as const) {
      const run = (conn[method] as (q: unknown) => Promise<unknown>).bind(conn);
      (conn as unknown as Record<string, unknown>)[method] = async (q: unknown) => {
        const release = await lock.acquire();
        try {
          return await run(q);
        } finally {
          release();
        }
      };
    }
    return conn;
  }
  connectToShadowDb() {
    return this.#inner.connectToShadowDb();
  }
}

const sqliteFactories = new WeakMap<object, TunedSqlite>();

/** The SQLite driver handle behind a client (undefined on PostgreSQL or before it connects). */
export function nativeSqlite(db: Db): BetterSqlite3.Database | undefined {
  return sqliteFactories.get(db)?.native;
}

export function createDb(url: string): Db {
  if (url.startsWith("file:")) {
    const factory = new TunedSqlite(url);
    const db = new PrismaClient({ adapter: factory });
    providers.set(db, "sqlite");
    sqliteFactories.set(db, factory);
    return db;
  }
  // The PostgreSQL client lives in its own output folder (see prisma/postgres/schema.prisma).
  const { PrismaClient: PgClient } = require(".prisma/client-pg") as { PrismaClient: typeof PrismaClient };
  const db = new PgClient({ adapter: new PrismaPg({ connectionString: url, max: 10 }) });
  providers.set(db, "postgresql");
  return db;
}

/** One round trip to the database (health checks). */
export async function pingDb(db: Db): Promise<void> {
  await db.$queryRawUnsafe("SELECT 1");
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
  const url = env().DATABASE_URL;
  global.__attuneDbs ??= new Map();
  let client = global.__attuneDbs.get(url);
  if (!client) {
    client = createDb(url);
    global.__attuneDbs.set(url, client);
  }
  return client;
}
