/**
 * Raw SQL for the ingest hot paths, written once for both databases.
 * Prisma's typed queries cost ~0.4 ms of CPU each here (query compilation in the client engine);
 * a raw statement costs ~0.07 ms. Webhook acks and order application run thousands of times a
 * second, so they use single conditional statements (INSERT ... ON CONFLICT ... WHERE), which
 * SQLite and PostgreSQL spell the same way. Everything else stays on the typed client.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type BetterSqlite3 from "better-sqlite3";
import { type Db, nativeSqlite } from "../db.server";
import type { Tx } from "./types";

export type Dialect = "sqlite" | "postgresql";

export function dialectOf(tx: Tx): Dialect {
  return (tx as unknown as { _activeProvider?: string })._activeProvider === "postgresql" ? "postgresql" : "sqlite";
}

/** SQL is written with `?` placeholders; PostgreSQL gets `$1..$n`. */
function placeholders(tx: Tx, text: string): string {
  if (dialectOf(tx) === "sqlite") return text;
  let i = 0;
  return text.replace(/\?/g, () => `$${++i}`);
}

/**
 * Inside writeTransaction on SQLite, statements go straight to the driver on the transaction's own
 * connection: the transaction holds the connection's lock (see db.server.ts), so this is the same
 * transaction, minus Prisma's per-statement overhead and with prepared statements reused.
 */
const nativeTx = new AsyncLocalStorage<BetterSqlite3.Database>();
const statements = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>();

function prepared(native: BetterSqlite3.Database, text: string): BetterSqlite3.Statement {
  let cache = statements.get(native);
  if (!cache) statements.set(native, (cache = new Map()));
  let stmt = cache.get(text);
  if (!stmt) {
    if (cache.size > 500) cache.clear(); // multi-row statements vary by row count
    stmt = native.prepare(text);
    cache.set(text, stmt);
  }
  return stmt;
}

const bind = (params: unknown[]) => params.map((p) => (typeof p === "boolean" ? (p ? 1 : 0) : p === undefined ? null : p));

export async function exec(tx: Tx, text: string, params: unknown[]): Promise<number> {
  const native = nativeTx.getStore();
  if (native) return prepared(native, text).run(...bind(params)).changes;
  return tx.$executeRawUnsafe(placeholders(tx, text), ...params);
}

export async function query<T>(tx: Tx, text: string, params: unknown[]): Promise<T[]> {
  const native = nativeTx.getStore();
  if (native) return prepared(native, text).all(...bind(params)) as T[];
  return tx.$queryRawUnsafe<T[]>(placeholders(tx, text), ...params);
}

/** An interactive write transaction whose raw statements take the fast path on SQLite. */
export function writeTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>, opts: { timeout?: number; maxWait?: number } = {}): Promise<T> {
  return db.$transaction(async (tx) => {
    const native = nativeSqlite(db);
    return native ? nativeTx.run(native, () => fn(tx)) : fn(tx);
  }, { timeout: 30_000, maxWait: 30_000, ...opts });
}

/**
 * A timestamp parameter in the form Prisma itself stores (ISO 8601 with "+00:00"), so rows written
 * here compare and read back exactly like rows written through the typed client.
 */
export function ts(d: Date | null | undefined): string | null {
  return d ? d.toISOString().replace("Z", "+00:00") : null;
}

/** "(?, ?, ?), (?, ?, ?)" for a multi-row VALUES list. */
export function valuesList(rows: number, cols: number): string {
  const row = `(${Array(cols).fill("?").join(", ")})`;
  return Array(rows).fill(row).join(", ");
}

/** `"a" = excluded."a", ...` for an upsert's update list. */
export function excludedSet(columns: string[]): string {
  return columns.map((c) => `"${c}" = excluded."${c}"`).join(", ");
}

/** Raw rows carry timestamps as Date, ISO text or epoch ms depending on the driver: epoch ms. */
export type Time = Date | string | number | null | undefined;
export const ms = (v: Time): number => (v == null ? 0 : v instanceof Date ? v.getTime() : typeof v === "number" ? v : Date.parse(v));
/** Raw rows carry booleans as 0/1 on SQLite. */
export const bool = (v: unknown): boolean => v === true || v === 1 || v === "1" || v === "true";
