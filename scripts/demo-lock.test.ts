/**
 * A second `npm run demo` must not touch the first one's database: it refuses while the first runs
 * (before building or wiping anything), and a demo given a busy --port fails before the wipe too.
 */
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DemoBusy, besideUrl, lockDemoDatabase } from "./demo-lock";

const ROOT = path.resolve(__dirname, "..");
const dirs: string[] = [];
function tmpDb(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "attune-demo-lock-"));
  dirs.push(dir);
  return path.join(dir, "demo.sqlite");
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A process that stays alive until killed: the "first demo". */
function otherProcess() {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
  return { pid: child.pid!, stop: () => child.kill("SIGKILL") };
}

describe("lockDemoDatabase", () => {
  it("refuses while another live demo holds the database, naming it and how to run one beside it", () => {
    const file = tmpDb();
    const first = otherProcess();
    try {
      const held = lockDemoDatabase(file, first.pid);
      held.update({ appUrl: "http://localhost:3000" });
      let error: unknown;
      try {
        lockDemoDatabase(file);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(DemoBusy);
      const lines = (error as Error).message.split("\n");
      expect(lines[0]).toMatch(new RegExp(`^demo: another demo \\(pid ${first.pid}, started .*, app on http://localhost:3000\\) is using .*demo\\.sqlite; a second one would delete its data\\.$`));
      expect(lines[2]).toMatch(/^ {2}DATABASE_URL=file:\..*demo-2\.sqlite npm run demo$/);
    } finally {
      first.stop();
    }
  });

  it("takes over a lock whose demo is gone, and releases only its own", async () => {
    const file = tmpDb();
    const first = otherProcess();
    lockDemoDatabase(file, first.pid);
    first.stop();
    await new Promise((r) => setTimeout(r, 200));
    const mine = lockDemoDatabase(file);
    expect(JSON.parse(fs.readFileSync(`${file}.lock`, "utf8")).pid).toBe(process.pid);
    mine.release();
    expect(fs.existsSync(`${file}.lock`)).toBe(false);
  });

  it("suggests the first database name no other demo holds", () => {
    const file = tmpDb();
    fs.writeFileSync(file.replace("demo.sqlite", "demo-2.sqlite.lock"), "{}");
    expect(besideUrl(file)).toMatch(/demo-3\.sqlite$/);
  });
});

/** `npm run demo` as a user runs it (without the build: these cases must stop before it). */
function runDemo(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, [path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs"), "scripts/demo.ts", ...args], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: "development", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  return new Promise((resolve) => child.once("exit", (code) => (clearTimeout(timer), resolve({ code, out }))));
}

describe("npm run demo, twice", () => {
  it("the second refuses before building or deleting anything of the first", async () => {
    const file = tmpDb();
    fs.writeFileSync(file, "the first demo's data");
    const first = otherProcess();
    try {
      lockDemoDatabase(file, first.pid);
      const run = await runDemo([], { DATABASE_URL: `file:${file}` });
      expect(run.code).toBe(1);
      expect(run.out).toContain(`demo: another demo (pid ${first.pid}`);
      expect(run.out).not.toContain("remix");
      expect(fs.readFileSync(file, "utf8")).toBe("the first demo's data");
      expect(JSON.parse(fs.readFileSync(`${file}.lock`, "utf8")).pid).toBe(first.pid);
    } finally {
      first.stop();
    }
  });

  it("a busy --port fails before the database is wiped, and frees the lock", async () => {
    const file = tmpDb();
    fs.writeFileSync(file, "kept");
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const run = await runDemo(["--port", String(port)], { DATABASE_URL: `file:${file}` });
      expect(run.code).toBe(1);
      expect(run.out).toContain(`demo: port ${port} is in use`);
      expect(fs.readFileSync(file, "utf8")).toBe("kept");
      expect(fs.existsSync(`${file}.lock`)).toBe(false);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });
});
