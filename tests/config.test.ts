/** Configuration that must stay in step: app config, routes, topics, API version, schemas, migrations. */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { TOPIC_NAMES } from "../app/ingest/webhook-payloads";
import { ADMIN_API_VERSION } from "../app/shopify/api-version";
import { ENV_NAMES, parseEnv } from "../app/utils/env.server";
import { PG_SCHEMA, ROOT, SQLITE_SCHEMA, derivePostgresSchema } from "../scripts/db/schemas";

const toml = parse(fs.readFileSync(path.join(ROOT, "shopify.app.toml"), "utf8")) as any;

describe("shopify.app.toml", () => {
  const subs: { topics?: string[]; compliance_topics?: string[]; uri: string }[] = toml.webhooks.subscriptions;

  it("subscribes every handled topic, each to its own relative route, and nothing else", () => {
    const subscribed = subs.flatMap((s) => [...(s.topics ?? []), ...(s.compliance_topics ?? [])]).sort();
    expect(subscribed).toEqual([...TOPIC_NAMES].sort());
    for (const s of subs) {
      const topic = (s.topics ?? s.compliance_topics)![0];
      expect(s.uri).toBe(`/webhooks/${topic}`);
      expect(fs.existsSync(path.join(ROOT, "app", "routes", `webhooks.${topic.replace("/", ".")}.tsx`))).toBe(true);
    }
  });

  it("declares the three mandatory compliance topics as compliance topics", () => {
    expect(subs.flatMap((s) => s.compliance_topics ?? []).sort()).toEqual(["customers/data_request", "customers/redact", "shop/redact"]);
  });

  it("pins the same Admin API version as the code, and a valid app proxy", () => {
    expect(toml.webhooks.api_version).toBe(ADMIN_API_VERSION);
    expect(toml.app_proxy.prefix).toBe("apps");
    expect(toml.app_proxy.subpath.length).toBeLessThanOrEqual(30);
    expect(new URL(toml.app_proxy.url).pathname).toBe("/proxy");
    expect(toml.embedded).toBe(true);
  });

  it("asks only for read scopes plus write_customers (loyalty sync: customer metafields and tags) and write_discounts", () => {
    const scopes: string[] = toml.access_scopes.scopes.split(",");
    expect(scopes.filter((s) => s.startsWith("write_"))).toEqual(["write_customers", "write_discounts"]);
    // write_customers implies read_customers: asking for both would only repeat it.
    expect(scopes).not.toContain("read_customers");
    expect(parseEnv({ SHOPIFY_API_KEY: "k", SHOPIFY_API_SECRET: "s", SHOPIFY_APP_URL: "https://a.example.com" }).SCOPES).toBe(toml.access_scopes.scopes);
  });
});

describe("environment", () => {
  const base = { SHOPIFY_API_KEY: "k", SHOPIFY_API_SECRET: "s", SHOPIFY_APP_URL: "https://a.example.com" };

  it("names each missing or malformed variable", () => {
    expect(() => parseEnv({})).toThrow(/SHOPIFY_API_KEY[\s\S]*SHOPIFY_API_SECRET[\s\S]*SHOPIFY_APP_URL/);
    expect(() => parseEnv({ ...base, DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL must be file:/);
    expect(() => parseEnv({ ...base, PORT: "http" })).toThrow(/PORT/);
  });

  it("defaults to SQLite and refuses the simulator in production", () => {
    expect(parseEnv(base).DATABASE_URL).toBe("file:./prisma/dev.sqlite");
    expect(() => parseEnv({ ...base, NODE_ENV: "production", ATTUNE_SIMULATOR: "1" })).toThrow(/ATTUNE_SIMULATOR=1 is refused/);
    expect(() => parseEnv({ ...base, ATTUNE_FAST_READS: "no" })).toThrow(/ATTUNE_FAST_READS/);
  });

  const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");
  const envReads = (text: string) => [...text.matchAll(/process\.env(?:\.(\w+)|\[["'](\w+)["']\])/g)].map((m) => m[1] ?? m[2]);
  const appFiles = (dir: string): string[] =>
    fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? appFiles(`${dir}/${e.name}`) : /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [`${dir}/${e.name}`] : [],
    );
  const SERVER_FILES = ["server.mjs", "server-startup.mjs", "server/request-guard.mjs", "engine-thread.mjs", "worker-thread.mjs"];

  it("is read in one place in the app: utils/env.server.ts, validated", () => {
    const direct = appFiles("app")
      .filter((f) => f !== "app/utils/env.server.ts")
      .flatMap((f) => envReads(read(f)).map((name) => `${f}: ${name}`));
    expect(direct).toEqual([]);
  });

  it("every variable the app and its server read is in README's configuration table", () => {
    const readme = read("README.md");
    const table = readme.slice(readme.indexOf("## Configuration"), readme.indexOf("\n## ", readme.indexOf("## Configuration") + 1));
    const documented = new Set([...table.matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]));
    const used = new Set([...ENV_NAMES, ...SERVER_FILES.flatMap((f) => envReads(read(f)))]);
    expect([...used].filter((name) => !documented.has(name)).sort()).toEqual([]);
    // And nothing documented that nothing reads.
    expect([...documented].filter((name) => !used.has(name)).sort()).toEqual([]);
  });
});

describe("database schemas and migrations", () => {
  it("the PostgreSQL schema is exactly the one derived from the SQLite schema", () => {
    expect(fs.readFileSync(PG_SCHEMA, "utf8")).toBe(derivePostgresSchema(fs.readFileSync(SQLITE_SCHEMA, "utf8")));
  });

  it("every schema change has its migration (both databases get theirs from the same diff)", () => {
    const snapshot = path.join(ROOT, "prisma", "migrations", "schema.snapshot.prisma");
    const diff = (from: string, to: string) =>
      execFileSync(process.execPath, ["node_modules/prisma/build/index.js", "migrate", "diff", "--from-schema-datamodel", from, "--to-schema-datamodel", to, "--exit-code"], {
        cwd: ROOT,
        stdio: "pipe",
      });
    // Exit code 0 = no difference; 2 = the schema changed without `npm run db:migration`.
    expect(() => diff(snapshot, SQLITE_SCHEMA)).not.toThrow();
  });
});
