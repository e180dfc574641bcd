/**
 * Configuration, parsed once at start-up. A missing or malformed variable stops the app with a
 * message that names it, instead of failing later inside a request.
 */
import { z } from "zod";

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  SHOPIFY_API_KEY: z.string().min(1, "SHOPIFY_API_KEY is required (the app's client id from the Partner Dashboard)"),
  SHOPIFY_API_SECRET: z.string().min(1, "SHOPIFY_API_SECRET is required (it verifies webhook and app proxy signatures)"),
  SHOPIFY_APP_URL: z.url("SHOPIFY_APP_URL must be the app's public https URL"),
  SCOPES: z.string().default("read_products,write_customers,read_orders,read_all_orders,write_discounts"),
  DATABASE_URL: z
    .string()
    .default("file:./prisma/dev.sqlite")
    .refine((u) => u.startsWith("file:") || /^postgres(ql)?:\/\//.test(u), "DATABASE_URL must be file:<path> (SQLite) or postgresql://..."),
  PORT: z.coerce.number().int().positive().default(3000),
  SHOP_CUSTOM_DOMAIN: z.string().optional(),
  /** Local Shopify simulator: only ever set explicitly (npm run demo, tests); refused in production. */
  ATTUNE_SIMULATOR: z.enum(["0", "1"]).default("0"),
  /**
   * Demo mode: with ATTUNE_SIMULATOR=1 only, the admin (/app/*) opens outside Shopify as this shop,
   * with no Shopify login (npm run demo). Ignored when the simulator flag is off.
   */
  ATTUNE_DEMO_SHOP: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/, "ATTUNE_DEMO_SHOP must be a myshopify.com domain")
    .optional(),
  /** Where Admin API calls go while the simulator is on (never used otherwise). */
  ATTUNE_ADMIN_ORIGIN: z.url().optional(),
  /** The demo's local storefront preview, linked from "preview as" (only read while the simulator is on). */
  ATTUNE_PREVIEW_URL: z.url().optional(),
  /** Where the ingest worker runs: see app/services/runtime.server.ts. server.mjs defaults to "thread". */
  ATTUNE_WORKER: z.enum(["inline", "thread", "off"]).default("inline"),
  /** Where storefront decisions run: see app/services/engine-thread.server.ts. server.mjs defaults to "thread". */
  ATTUNE_ENGINE: z.enum(["inline", "thread"]).default("inline"),
  /** "0" turns off SQLite's read-only fast path (app/models/sqlite-reader.server.ts), to compare or rule it out. */
  ATTUNE_FAST_READS: z.enum(["0", "1"]).default("1"),
  /** Any non-empty value: info and warn logs in tests too (they are silent there otherwise). */
  ATTUNE_LOG: z.string().optional(),
});

export type Env = z.infer<typeof schema>;

/** Every variable the app reads (all through env()); README's configuration table names each. */
export const ENV_NAMES = Object.keys(schema.shape) as (keyof Env)[];

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = schema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  - ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Attune cannot start: invalid configuration\n${lines.join("\n")}`);
  }
  const env = result.data;
  if (env.ATTUNE_SIMULATOR === "1" && env.NODE_ENV === "production") {
    throw new Error("Attune cannot start: ATTUNE_SIMULATOR=1 is refused with NODE_ENV=production");
  }
  return env;
}

let cached: Env | undefined;
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Makes the next env() read process.env again: for tests that switch configuration mid-run. */
export function reloadEnv(): void {
  cached = undefined;
}
