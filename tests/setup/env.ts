/**
 * Per test file: Shopify test credentials and a fresh, migrated SQLite database, so files never
 * share state. The PostgreSQL variant is opt-in per suite via tests/helpers/databases.ts.
 */
import crypto from "node:crypto";
import os from "node:os";
import path from "node:path";
import { migrate } from "../../scripts/db/migrate";

process.env.NODE_ENV = "test";
process.env.SHOPIFY_API_KEY ??= "attune-test-key";
process.env.SHOPIFY_API_SECRET ??= "attune-test-secret";
process.env.SHOPIFY_APP_URL ??= "https://attune.example.com";
process.env.SCOPES ??= "read_products,write_customers,read_orders,write_discounts";
process.env.ATTUNE_WORKER = "off";
process.env.DATABASE_URL = `file:${path.join(os.tmpdir(), `attune-test-${process.pid}-${crypto.randomUUID()}.sqlite`)}`;
await migrate(process.env.DATABASE_URL);
