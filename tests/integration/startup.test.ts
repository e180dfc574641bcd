/**
 * `npm start` on a machine that is not ready: an unmigrated or missing database, a database behind
 * the code, a busy port. Each ends start-up with one line that says what to do, and exit code 1,
 * before any request is served (server-startup.mjs).
 */
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkDatabase, checkNode, listenErrorMessage } from "../../server-startup.mjs";
import { backendNames, createBackend } from "../helpers/databases";
import { ROOT, ensureBuilt, freePort } from "../helpers/server";

const tmpUrl = (name: string) => `file:${path.join(os.tmpdir(), `attune-startup-${name}-${crypto.randomUUID()}.sqlite`)}`;
const latestMigration = (dir: string) => fs.readdirSync(path.join(ROOT, dir)).filter((n) => /^\d+_/.test(n)).sort().at(-1)!;

describe("checkDatabase", () => {
  it("a database file that does not exist: says so and names npm run setup", async () => {
    const url = tmpUrl("missing");
    await expect(checkDatabase(url, ROOT)).rejects.toThrow(/^attune: the database file:.* does not exist .*Run `npm run setup`/);
    expect(fs.existsSync(url.slice(5))).toBe(false);
  });

  it("a database with no tables: never migrated", async () => {
    const url = tmpUrl("empty");
    fs.writeFileSync(url.slice(5), "");
    await expect(checkDatabase(url, ROOT)).rejects.toThrow("has no tables yet (it was never migrated). Run `npm run setup`, then start again.");
  });

  it.each(backendNames())("%s: passes when migrated, and names the migrations a database is missing", async (name) => {
    const backend = await createBackend(name);
    try {
      await expect(checkDatabase(backend.url, ROOT)).resolves.toBeUndefined();
      const latest = latestMigration(name === "sqlite" ? "prisma/migrations" : "prisma/postgres/migrations");
      await backend.db.$executeRawUnsafe(`DELETE FROM "_prisma_migrations" WHERE "migration_name" = '${latest}'`);
      await expect(checkDatabase(backend.url, ROOT)).rejects.toThrow(`is behind: 1 migration not applied (${latest}). Run \`npm run setup\``);
    } finally {
      await backend.drop();
    }
  });

  it("names the Node versions package.json's engines allow", () => {
    for (const ok of ["22.12.0", "22.20.1", "24.0.0", "26.1.0"]) expect(() => checkNode(ok)).not.toThrow();
    expect(() => checkNode("20.19.0")).toThrow('attune: Node 20.19.0 cannot run Attune (it needs 22.12+ or 24+). See README, "Node 22 beside an older Node".');
    expect(() => checkNode("22.11.0")).toThrow(/cannot run Attune/);
    expect(() => checkNode("23.4.0")).toThrow(/cannot run Attune/);
  });

  it("explains the listen errors a newcomer meets, in one line", () => {
    const busy = listenErrorMessage(Object.assign(new Error("x"), { code: "EADDRINUSE" }), 3000, undefined)!;
    expect(busy).toBe("attune: port 3000 is already in use (localhost:3000): another `npm start` or `npm run demo`? Stop it, or choose a free port with PORT=<port>.");
    expect(listenErrorMessage(Object.assign(new Error("x"), { code: "EACCES" }), 80, "0.0.0.0")).toMatch(/not allowed to listen on 0\.0\.0\.0:80/);
    expect(listenErrorMessage(Object.assign(new Error("x"), { code: "ECONNRESET" }), 80, undefined)).toBeNull();
  });
});

/** Runs the built server until it exits by itself (or 60 s pass); returns its exit code and output. */
function runServer(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [path.join(ROOT, "server.mjs")], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: "production", HOST: "127.0.0.1", ATTUNE_WORKER: "thread", SHOPIFY_API_KEY: "k", SHOPIFY_API_SECRET: "s", SHOPIFY_APP_URL: "https://attune.example.com", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  return new Promise((resolve) => child.once("exit", (code) => (clearTimeout(timer), resolve({ code, stdout, stderr }))));
}

describe("npm start (the built server)", () => {
  beforeAll(() => ensureBuilt(), 180_000);

  it("on an unmigrated SQLite file: exits 1 with one line naming npm run setup, and serves nothing", async () => {
    const url = tmpUrl("unmigrated");
    fs.writeFileSync(url.slice(5), "");
    const port = await freePort();
    const run = await runServer({ DATABASE_URL: url, PORT: String(port) });
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split("\n")).toEqual([`attune: the database ${url} has no tables yet (it was never migrated). Run \`npm run setup\`, then start again.`]);
    expect(run.stdout).not.toContain("listening");
    expect(run.stderr).not.toContain("does not exist in the current database");
  });

  describe("on a busy port", () => {
    const blocker = net.createServer();
    let port: number;
    let url: string;
    beforeAll(async () => {
      port = await freePort();
      await new Promise<void>((resolve) => blocker.listen(port, "127.0.0.1", resolve));
      const backend = await createBackend("sqlite");
      await backend.drop();
      url = backend.url;
    });
    afterAll(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

    it("exits 1 with one line, not an EADDRINUSE stack", async () => {
      const run = await runServer({ DATABASE_URL: url, PORT: String(port) });
      expect(run.code).toBe(1);
      expect(run.stderr.trim().split("\n")).toEqual([
        `attune: port ${port} is already in use (127.0.0.1:${port}): another \`npm start\` or \`npm run demo\`? Stop it, or choose a free port with PORT=<port>.`,
      ]);
    });
  });
});
