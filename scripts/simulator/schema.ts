/**
 * The Admin GraphQL schema of the pinned version, for validating documents (tests, simulator).
 * Never used by the app at run time.
 *
 * Looked up in order: $ATTUNE_ADMIN_SCHEMA, ../shared/data/shopify-schemas/ (the workspace copy),
 * node_modules/.cache/attune-schemas/, and finally extracted from `npm pack @shopify/dev-mcp@1.16.0`
 * (which ships the same file as dist/data/admin_<version>.json.gz) into that cache.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";
import { type GraphQLSchema, buildClientSchema } from "graphql";

export const SCHEMA_VERSION = "2026-10";
const DEV_MCP = "@shopify/dev-mcp@1.16.0";
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const CACHE = path.join(ROOT, "node_modules", ".cache", "attune-schemas");

function fileName(version: string) {
  return `admin_${version}.json.gz`;
}

function fromDevMcp(version: string): string {
  const target = path.join(CACHE, fileName(version));
  fs.mkdirSync(CACHE, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "attune-devmcp-"));
  try {
    const out = execFileSync("npm", ["pack", DEV_MCP, "--silent", "--pack-destination", tmp], { encoding: "utf8", cwd: tmp }).trim().split("\n").pop()!;
    const member = `package/dist/data/${fileName(version)}`;
    execFileSync("tar", ["xzf", path.join(tmp, out), "-C", tmp, member]);
    fs.copyFileSync(path.join(tmp, member), target);
    return target;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Path of the gzipped introspection JSON for a version, fetching it via npm if nothing local has it. */
export function adminSchemaPath(version = SCHEMA_VERSION): string {
  const candidates = [
    process.env.ATTUNE_ADMIN_SCHEMA,
    path.resolve(ROOT, "..", "shared", "data", "shopify-schemas", fileName(version)),
    path.join(CACHE, fileName(version)),
  ].filter((p): p is string => Boolean(p));
  for (const p of candidates) if (fs.existsSync(p)) return p;
  return fromDevMcp(version);
}

const cache = new Map<string, GraphQLSchema>();

export function loadAdminSchema(version = SCHEMA_VERSION): GraphQLSchema {
  let schema = cache.get(version);
  if (!schema) {
    const json = JSON.parse(zlib.gunzipSync(fs.readFileSync(adminSchemaPath(version))).toString("utf8"));
    schema = buildClientSchema(json.data ?? json);
    cache.set(version, schema);
  }
  return schema;
}
