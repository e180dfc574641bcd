// Prisma CLI configuration. Routes the CLI through Prisma's bundled WASM schema engine and the
// better-sqlite3 driver adapter, so generate/diff/deploy work offline (the default CLI path downloads
// a native engine). PostgreSQL migrations are applied by scripts/migrate.ts instead (see README).
import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";

process.env.DATABASE_URL ??= "file:./prisma/dev.sqlite";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  async adapter() {
    return new PrismaBetterSQLite3({ url: process.env.DATABASE_URL!.startsWith("file:") ? process.env.DATABASE_URL! : "file:./prisma/dev.sqlite" });
  },
});
