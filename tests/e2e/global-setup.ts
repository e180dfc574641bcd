/**
 * Playwright global setup: build if needed, fresh database, small deterministic store through the
 * real webhook routes, the real app (tests/helpers/server.ts startApp) and the storefront preview.
 * Tests find them in process.env (workers inherit it): E2E_PREVIEW_URL, E2E_APP_URL, E2E_DATABASE_URL.
 * Returns the teardown.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ensureBuilt, ROOT, startApp, waitForDrain } from "../helpers/server";
import { startPreview } from "../../scripts/preview/index";
import { startAdminApi } from "../../scripts/simulator/admin-api";
import { createDatabase, E2E_ACCESS_TOKEN, E2E_API_KEY, E2E_SECRET, E2E_SHOP, e2eStore, sendStore } from "./seed";

const t0 = Date.now();
const say = (m: string) => console.log(`[e2e setup ${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);

function newestMtime(dir: string): number {
  let max = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) max = Math.max(max, newestMtime(p));
    else if (!/\.test(-helpers)?\.tsx?$|\.test\.ts$/.test(e.name) && !p.includes(`${path.sep}fixtures${path.sep}`)) max = Math.max(max, fs.statSync(p).mtimeMs);
  }
  return max;
}

export default async function globalSetup() {
  const build = path.join(ROOT, "build", "index.js");
  // Rebuild when app/ changed since the last build (E2E_SKIP_BUILD=1 uses whatever build exists).
  const stale = fs.existsSync(build) && !process.env.E2E_SKIP_BUILD && newestMtime(path.join(ROOT, "app")) > fs.statSync(build).mtimeMs;
  if (stale || !fs.existsSync(build)) {
    say(stale ? "app/ is newer than build/: rebuilding (npx remix build)" : "building (npx remix build)");
    // A failed build leaves the previous one in place and fails the run with the compiler's output.
    try {
      execFileSync(process.execPath, [path.join(ROOT, "node_modules", "@remix-run", "dev", "dist", "cli.js"), "build"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    } catch (e) {
      const err = e as { stdout?: Buffer; stderr?: Buffer };
      throw new Error(`remix build failed:\n${err.stdout?.toString() ?? ""}${err.stderr?.toString() ?? ""}`);
    }
    say("built");
  }
  ensureBuilt();

  // The Admin API stand-in: discount codes (offers) and the import's bulk operations. The store's
  // history arrives as webhooks, so the stand-in shows none of it (before: the epoch).
  const adminApi = await startAdminApi({ store: e2eStore(), tokens: { [E2E_SHOP]: E2E_ACCESS_TOKEN }, before: new Date(0), bulkStepMs: 20 });
  const { databaseUrl, file } = await createDatabase({ origin: adminApi.origin });
  say(`database ${databaseUrl}; Admin API stand-in on ${adminApi.origin}`);

  // As `npm run demo` runs it: the simulator flag (development only) and demo mode for the admin.
  const app = await startApp({
    NODE_ENV: "development",
    DATABASE_URL: databaseUrl,
    SHOPIFY_API_KEY: E2E_API_KEY,
    SHOPIFY_API_SECRET: E2E_SECRET,
    SHOPIFY_APP_URL: "https://attune-e2e.example.com",
    ATTUNE_SIMULATOR: "1",
    ATTUNE_ADMIN_ORIGIN: adminApi.origin,
    ATTUNE_DEMO_SHOP: E2E_SHOP,
  });
  say(`app up on ${app.url}`);
  try {
    const seeded = await sendStore(app.url);
    await waitForDrain(app.url, 60_000);
    say(`seeded ${seeded.deliveries} webhooks in ${(seeded.ms / 1000).toFixed(1)}s; queue drained`);
  } catch (e) {
    await app.stop("SIGKILL");
    await adminApi.close();
    throw e;
  }

  const preview = await startPreview({ appUrl: app.url, secret: E2E_SECRET, shop: E2E_SHOP, port: 0, databaseUrl, adminApiUrl: adminApi.origin });
  say(`preview on ${preview.url}`);
  for (const l of preview.personaLinks()) say(`  ${l.id}: ${l.why}`);

  process.env.E2E_PREVIEW_URL = preview.url;
  process.env.E2E_APP_URL = app.url;
  process.env.E2E_DATABASE_URL = databaseUrl;
  process.env.E2E_ADMIN_API_URL = adminApi.origin;

  return async () => {
    await preview.stop();
    await app.stop();
    await adminApi.close();
    for (const s of ["", "-wal", "-shm", "-journal"]) fs.rmSync(file + s, { force: true });
  };
}
