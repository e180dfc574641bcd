/**
 * The scale-out topology, for the scale-out test and benchmark: N real `npm start` processes
 * (server.mjs, the built app) on ONE fresh PostgreSQL database, behind a real nginx that routes
 * storefront traffic (`/proxy/*`) by the app proxy's signed `shop` parameter (consistent hash, so
 * each instance holds the engines of its shops) and spreads webhooks and everything else
 * round-robin. docs/deploy.md describes the same configuration for production.
 *
 * Builds nothing: the app must be built (`npm run build`; ensureBuilt does it when missing).
 * nginx runs unprivileged-style, in the foreground, with its prefix, pid, temp and log paths in a
 * temp directory, so it never touches /etc/nginx or /var/log.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { migrate } from "../../scripts/db/migrate";
import { type AppServer, ensureBuilt, freePort, startApp } from "./server";

/** The nginx binary (ATTUNE_NGINX if set, else nginx on PATH or in /usr/sbin), or null. */
export function findNginx(): string | null {
  const candidates = process.env.ATTUNE_NGINX ? [process.env.ATTUNE_NGINX] : [...(process.env.PATH ?? "").split(":").map((d) => path.join(d, "nginx")), "/usr/sbin/nginx"];
  for (const c of candidates) {
    try {
      fs.accessSync(c, fs.constants.X_OK);
      return c;
    } catch {
      /* not here */
    }
  }
  return null;
}

/** The PostgreSQL admin URL the suites use (ATTUNE_TEST_PG_URL), if set and answering. */
async function reachablePg(): Promise<string | null> {
  const url = process.env.ATTUNE_TEST_PG_URL;
  if (!url) return null;
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.query("select 1");
    return url;
  } catch {
    return null;
  } finally {
    await c.end().catch(() => {});
  }
}

/** Why the topology cannot run here (no nginx, no PostgreSQL), or null when it can. */
export async function scaleOutUnavailable(): Promise<string | null> {
  if (!findNginx()) return "nginx is not installed (apt-get install nginx; or set ATTUNE_NGINX)";
  if (!process.env.ATTUNE_TEST_PG_URL) return "ATTUNE_TEST_PG_URL is not set (PostgreSQL, e.g. postgresql://postgres@127.0.0.1:5432/test)";
  if (!(await reachablePg())) return `PostgreSQL at ${process.env.ATTUNE_TEST_PG_URL} does not answer`;
  return null;
}

/** A fresh PostgreSQL database next to the admin URL's, migrated unless told not to (dropped by `drop`). */
export async function createPgDatabase(adminUrl: string, o: { migrated?: boolean } = {}): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `attune_scaleout_${crypto.randomUUID().replace(/-/g, "").slice(0, 16)}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  // Migrated once, before any instance starts (as `npm run setup` does in a deploy).
  if (o.migrated !== false) await migrate(url);
  return { url, drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

export interface NginxConfigInput {
  /** Where nginx listens (127.0.0.1:<port>). */
  listenPort: number;
  /** The instances, as host:port. */
  upstreams: string[];
  /** nginx's prefix directory: pid, temp and log paths live under it. */
  prefix: string;
}

/**
 * The load balancer's configuration. docs/deploy.md quotes this function's output; keep them in step.
 * - /proxy/*: `hash $arg_shop consistent`. The app proxy signs `shop` into the query string, so one
 *   shop's storefront requests reach one instance, which then holds that shop's engine (built once,
 *   warm caches); adding or removing an instance moves only ~1/N of the shops (ketama).
 * - /webhooks/* and the rest: round-robin. Any instance can acknowledge any delivery (the queue is
 *   the shared database, deduplicated by webhook id), so a failed attempt is retried on the next
 *   instance even for POST (`non_idempotent`): a repeated delivery is a no-op insert.
 */
export function nginxConfig({ listenPort, upstreams, prefix }: NginxConfigInput): string {
  const servers = upstreams.map((u) => `    server ${u} max_fails=3 fail_timeout=5s;`).join("\n");
  const p = (f: string) => path.join(prefix, f);
  return `# Written by tests/helpers/scale-out.ts (see docs/deploy.md).
worker_processes 1;
daemon off;
pid ${p("nginx.pid")};
error_log ${p("error.log")} warn;

events {
  worker_connections 4096;
}

http {
  access_log off;
  client_body_temp_path ${p("client_body")};
  proxy_temp_path ${p("proxy")};
  fastcgi_temp_path ${p("fastcgi")};
  uwsgi_temp_path ${p("uwsgi")};
  scgi_temp_path ${p("scgi")};

  # Storefront (app proxy): one shop, one instance.
  upstream attune_storefront {
    hash $arg_shop consistent;
${servers}
    keepalive 64;
  }

  # Webhooks, admin, health: any instance.
  upstream attune_any {
${servers}
    keepalive 64;
  }

  server {
    listen 127.0.0.1:${listenPort};
    # The app refuses larger webhook bodies itself (413); nginx must not refuse them first.
    client_max_body_size 5m;
    client_body_buffer_size 1m;

    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header Host $host;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto $scheme;
    proxy_connect_timeout 2s;
    proxy_read_timeout 30s;
    # Which instance answered: for operators and for the scale-out test's routing checks.
    add_header X-Attune-Upstream $upstream_addr always;

    location /proxy/ {
      proxy_pass http://attune_storefront;
      proxy_next_upstream error timeout http_502 http_503;
    }

    location /webhooks/ {
      proxy_pass http://attune_any;
      proxy_next_upstream error timeout http_502 http_503 non_idempotent;
    }

    location / {
      proxy_pass http://attune_any;
      proxy_next_upstream error timeout http_502 http_503;
    }
  }
}
`;
}

export interface Nginx {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts nginx in the foreground on the given config; resolves once it answers. */
export async function startNginx(input: Omit<NginxConfigInput, "prefix">, prefix: string): Promise<Nginx> {
  const bin = findNginx();
  if (!bin) throw new Error("nginx is not installed");
  fs.mkdirSync(prefix, { recursive: true });
  // Run as root, nginx's workers drop to `nobody`: they must be able to reach the temp paths.
  fs.chmodSync(prefix, 0o755);
  const conf = path.join(prefix, "nginx.conf");
  fs.writeFileSync(conf, nginxConfig({ ...input, prefix }));
  // -e: nginx opens its error log before reading the config; keep even that out of /var/log.
  const args = ["-p", prefix, "-c", conf, "-e", path.join(prefix, "error.log")];
  execFileSync(bin, [...args, "-t", "-q"], { stdio: "pipe" });
  const child = spawn(bin, args, { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (s: string) => (stderr += s));
  const url = `http://127.0.0.1:${input.listenPort}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}: ${stderr}${readLog(prefix)}`);
    try {
      await fetch(`${url}/healthz`);
      break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`nginx did not answer within 10 s: ${readLog(prefix)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGQUIT"); // graceful: finish in-flight requests
        setTimeout(() => child.exitCode === null && child.kill("SIGKILL"), 5000).unref();
      }),
  };
}

function readLog(prefix: string): string {
  try {
    return fs.readFileSync(path.join(prefix, "error.log"), "utf8");
  } catch {
    return "";
  }
}

export interface Topology {
  /** nginx, the one address Shopify would be given. */
  lb: Nginx;
  instances: AppServer[];
  /** The shared database. */
  dbUrl: string;
  /** The instance (index into `instances`) behind an X-Attune-Upstream value. */
  instanceOf(upstream: string | null): number;
  stop(): Promise<void>;
}

export interface TopologyOptions {
  instances: number;
  /** App environment for every instance (secret, app URL...); DATABASE_URL is set here. */
  env: Record<string, string>;
  /** Runs on the migrated database before any instance starts (seed shops, products). */
  seed?: (dbUrl: string) => Promise<void>;
}

export async function startTopology(o: TopologyOptions): Promise<Topology> {
  const reason = await scaleOutUnavailable();
  if (reason) throw new Error(`scale-out topology unavailable: ${reason}`);
  ensureBuilt();
  const database = await createPgDatabase(process.env.ATTUNE_TEST_PG_URL!);
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), "attune-nginx-"));
  const instances: AppServer[] = [];
  let lb: Nginx | undefined;
  const stop = async () => {
    await lb?.stop();
    await Promise.all(instances.map((i) => i.stop()));
    await database.drop();
    fs.rmSync(prefix, { recursive: true, force: true });
  };
  try {
    await o.seed?.(database.url);
    const env = { ...o.env, DATABASE_URL: database.url };
    // Started one after the other: each builds its engines at start-up, and two builds at once on a
    // shared 2-core machine would only slow both.
    // A generous start-up bound: on a shared machine an instance's start can take well over 30 s.
    for (let i = 0; i < o.instances; i++) instances.push(await startApp(env, undefined, { startTimeoutMs: 120_000 }));
    const upstreams = instances.map((i) => new URL(i.url).host);
    lb = await startNginx({ listenPort: await freePort(), upstreams }, prefix);
  } catch (e) {
    await stop().catch(() => {});
    throw e;
  }
  const hosts = instances.map((i) => new URL(i.url).host);
  return { lb, instances, dbUrl: database.url, instanceOf: (u) => (u === null ? -1 : hosts.indexOf(u)), stop };
}
