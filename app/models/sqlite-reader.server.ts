/**
 * A read-only fast path for SQLite: hot storefront reads and the bulk reads of an engine build go
 * straight to better-sqlite3 with cached prepared statements, skipping the Prisma client's per-call
 * query compilation (~0.1 ms each; measured as ~15% of a storefront decision's CPU) and its row
 * decoding (a build reads ~1M order lines).
 *
 * It is a second, read-only connection to the same database file: in WAL mode (db.server.ts turns
 * it on) readers never block the writer and see every committed transaction. Used only for the
 * process-wide client (db()) on SQLite; PostgreSQL and test clients keep the Prisma path.
 */
import { createRequire } from "node:module";
import type { Database, Statement } from "better-sqlite3";
import { db, providerOf } from "../db.server";
import { env } from "../utils/env.server";
import { query } from "./sql.server";
import type { Tx } from "./types";

const require = createRequire(import.meta.url);

export interface FastReader {
  all<T>(sql: string, params: unknown[]): T[];
}

declare global {
  // eslint-disable-next-line no-var
  var __attuneSqliteReaders: Map<string, FastReader | null> | undefined;
}

function open(url: string): FastReader | null {
  const file = url.slice("file:".length);
  try {
    const BetterSqlite3 = require("better-sqlite3") as typeof import("better-sqlite3");
    const conn: Database = new BetterSqlite3(file, { readonly: true, fileMustExist: true, timeout: 10_000 });
    const cache = new Map<string, Statement>();
    return {
      all<T>(sql: string, params: unknown[]): T[] {
        let stmt = cache.get(sql);
        if (!stmt) {
          stmt = conn.prepare(sql);
          if (cache.size > 500) cache.clear();
          cache.set(sql, stmt);
        }
        return stmt.all(...params) as T[];
      },
    };
  } catch {
    return null;
  }
}

// Per client object: the answer cannot change for a given client, and this runs on every
// storefront request.
const decided = new WeakMap<object, FastReader | null>();

/** The fast reader for this client, or null (PostgreSQL, a non-default client, or ATTUNE_FAST_READS=0). */
export function fastReader(tx: Tx): FastReader | null {
  const known = decided.get(tx);
  if (known !== undefined) return known;
  const reader = resolveReader(tx);
  decided.set(tx, reader);
  return reader;
}

function resolveReader(tx: Tx): FastReader | null {
  const { ATTUNE_FAST_READS, DATABASE_URL: url } = env();
  if (ATTUNE_FAST_READS === "0") return null;
  if (!url.startsWith("file:")) return null;
  // Only the process-wide client: a transaction or another database must keep its own view.
  if (tx !== db() || providerOf(tx as ReturnType<typeof db>) !== "sqlite") return null;
  global.__attuneSqliteReaders ??= new Map();
  let reader = global.__attuneSqliteReaders.get(url);
  if (reader === undefined) {
    reader = open(url);
    global.__attuneSqliteReaders.set(url, reader);
  }
  return reader;
}

/** Raw SQL through the SQLite fast path when available (same SQL, same placeholders), else Prisma. */
export async function readQuery<T>(tx: Tx, sql: string, params: unknown[]): Promise<T[]> {
  const fast = fastReader(tx);
  return fast ? fast.all<T>(sql, params) : query<T>(tx, sql, params);
}
