/** Runs the real built app (`npm start`: server.mjs) as a child process, for crash tests and benchmarks. */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

export function ensureBuilt() {
  if (!fs.existsSync(path.join(ROOT, "build", "index.js"))) {
    execFileSync(process.execPath, [path.join(ROOT, "node_modules", "@remix-run", "dev", "dist", "cli.js"), "build"], { cwd: ROOT, stdio: "ignore" });
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

export interface AppServer {
  url: string;
  child: ChildProcess;
  /** What the server wrote to stderr so far (only with `captureStderr`). */
  stderr(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export async function startApp(env: Record<string, string>, port?: number, opts: { captureStderr?: boolean; nodeFlags?: string[]; startTimeoutMs?: number } = {}): Promise<AppServer> {
  const p = port ?? (await freePort());
  // Same flags as `npm start`.
  const child = spawn(process.execPath, ["--max-semi-space-size=32", ...(opts.nodeFlags ?? []), path.join(ROOT, "server.mjs")], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: "production", PORT: String(p), HOST: "127.0.0.1", ATTUNE_WORKER: "thread", ...env },
    stdio: ["ignore", "ignore", opts.captureStderr ? "pipe" : process.env.ATTUNE_LOG ? "inherit" : "ignore"],
  });
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (s: string) => (stderr += s));
  const url = `http://127.0.0.1:${p}`;
  const timeoutMs = opts.startTimeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`app exited with ${child.exitCode} during start-up`);
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`app did not become healthy within ${timeoutMs / 1000} s`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    child,
    stderr: () => stderr,
    stop: (signal: NodeJS.Signals = "SIGTERM") =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode) return resolve();
        child.once("exit", () => resolve());
        child.kill(signal);
      }),
  };
}

/** Polls /healthz until the ingest queue is empty. */
export async function waitForDrain(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const h = (await (await fetch(`${url}/healthz`)).json()) as { queue: { pending: number } };
    if (h.queue.pending === 0) return;
    if (Date.now() > deadline) throw new Error(`queue still has ${h.queue.pending} pending deliveries`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
