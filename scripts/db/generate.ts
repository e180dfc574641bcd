// postinstall: derive the PostgreSQL schema and generate both Prisma clients (offline).
import { execFileSync } from "node:child_process";
import { PG_SCHEMA, ROOT, SQLITE_SCHEMA, writePostgresSchema } from "./schemas";

writePostgresSchema();
const prisma = (schema: string, url: string) =>
  execFileSync(process.execPath, ["node_modules/prisma/build/index.js", "generate", "--schema", schema], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "inherit"],
    // A Postgres generate downloads a native engine unless the URL is a real postgresql:// URL.
    env: { ...process.env, DATABASE_URL: url, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
  });
prisma(SQLITE_SCHEMA, "file:./prisma/dev.sqlite");
prisma(PG_SCHEMA, "postgresql://localhost:5432/placeholder");
console.log("prisma: generated SQLite and PostgreSQL clients");
