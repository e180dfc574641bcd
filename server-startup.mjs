// Start-up checks for `npm start` (server.mjs): each problem a newcomer or a deploy can hit before
// the first request (no build, an unmigrated database, a busy port) ends the process with one line
// that says what to run, instead of a stack trace or an app that starts and fails on every request.
//
// Plain JavaScript beside server.mjs, so it runs before the build is loaded and before the worker
// threads open the database.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** The reason start-up stops; `message` is the whole line printed. */
export class StartupError extends Error {}

/** package.json's engines (">=22.12 <23 || >=24"): an older Node fails later, and obscurely. */
export function checkNode(version = process.versions.node) {
  const [major, minor] = version.split(".").map(Number);
  if ((major === 22 && minor >= 12) || major >= 24) return;
  throw new StartupError(`attune: Node ${version} cannot run Attune (it needs 22.12+ or 24+). See README, "Node 22 beside an older Node".`);
}

export function checkBuild(buildPath) {
  if (!fs.existsSync(buildPath)) {
    throw new StartupError(`attune: ${path.relative(process.cwd(), buildPath) || buildPath} is missing. Run \`npm run build\` first.`);
  }
}

const redact = (url) => (url.startsWith("file:") ? url : url.replace(/\/\/[^@/]*@/, "//***@"));

/** Migration names and checksums committed for this database kind (what `npm run setup` applies). */
function committedMigrations(root, provider) {
  const dir = provider === "sqlite" ? path.join(root, "prisma", "migrations") : path.join(root, "prisma", "postgres", "migrations");
  if (!fs.existsSync(dir)) return null;
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort();
}

function pendingMessage(url, committed, appliedNames) {
  const applied = new Set(appliedNames);
  const pending = committed ? committed.filter((name) => !applied.has(name)) : appliedNames.length ? [] : ["all"];
  if (!pending.length) return null;
  const what = appliedNames.length === 0 ? "has no tables yet (it was never migrated)" : `is behind: ${pending.length} migration${pending.length > 1 ? "s" : ""} not applied (${pending.join(", ")})`;
  return `attune: the database ${redact(url)} ${what}. Run \`npm run setup\`, then start again.`;
}

async function appliedSqlite(url) {
  const file = path.resolve(url.replace(/^file:/, "").split("?")[0]);
  if (!fs.existsSync(file)) {
    throw new StartupError(`attune: the database ${url} does not exist (${file}). Run \`npm run setup\` to create and migrate it, then start again.`);
  }
  const Database = require("better-sqlite3");
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const ledger = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'`).get();
    if (!ledger) return [];
    return db.prepare(`SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL`).all().map((r) => r.migration_name);
  } finally {
    db.close();
  }
}

async function appliedPostgres(url) {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (e) {
    throw new StartupError(`attune: cannot reach the database ${redact(url)}: ${e.message}`);
  }
  try {
    const { rows } = await client.query(`SELECT to_regclass('_prisma_migrations') IS NOT NULL AS "present"`);
    if (!rows[0].present) return [];
    return (await client.query(`SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL`)).rows.map((r) => r.migration_name);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * The database at `url` has every committed migration applied. Throws a StartupError naming what
 * to run otherwise. A database ahead of the code (a rollback) is left to the operator.
 */
export async function checkDatabase(url, root) {
  const provider = url.startsWith("file:") ? "sqlite" : "postgresql";
  const applied = provider === "sqlite" ? await appliedSqlite(url) : await appliedPostgres(url);
  const message = pendingMessage(url, committedMigrations(root, provider), applied);
  if (message) throw new StartupError(message);
}

/** Runs a start-up step; a StartupError ends the process with its one line and exit code 1. */
export async function orExit(step) {
  try {
    return await step();
  } catch (e) {
    if (!(e instanceof StartupError)) throw e;
    console.error(e.message);
    process.exit(1);
  }
}

/** Why the server could not listen, in one line, or null for an error worth its stack. */
export function listenErrorMessage(error, port, host) {
  const where = `${host ?? "localhost"}:${port}`;
  if (error.code === "EADDRINUSE") return `attune: port ${port} is already in use (${where}): another \`npm start\` or \`npm run demo\`? Stop it, or choose a free port with PORT=<port>.`;
  if (error.code === "EACCES") return `attune: not allowed to listen on ${where}: ports below 1024 need privileges; choose another with PORT=<port>.`;
  if (error.code === "EADDRNOTAVAIL") return `attune: HOST=${host} is not an address of this machine.`;
  return null;
}

/** server.listen, ending the process with one line (exit code 1) when the address cannot be had. */
export function listenOrExit(server, port, host, onListening) {
  server.once("error", (error) => {
    const message = listenErrorMessage(error, port, host);
    if (!message) throw error;
    console.error(message);
    process.exit(1);
  });
  server.listen(port, host, onListening);
}

