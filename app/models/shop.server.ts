import type { Db } from "../db.server";
import { exec, ts } from "./sql.server";
import type { Tx } from "./types";

const known = new WeakMap<object, Set<string>>();

/**
 * Creates the shop on first sight (webhooks may arrive before or without an admin session).
 * One atomic statement: a new shop's first deliveries reach several instances at once, and Prisma's
 * upsert (read, then insert) let all but one of them fail with a unique violation (a 500).
 */
export async function ensureShop(db: Db, shop: string): Promise<void> {
  let seen = known.get(db);
  if (!seen) known.set(db, (seen = new Set()));
  if (seen.has(shop)) return;
  await exec(db, `INSERT INTO "Shop" ("id", "updatedAt") VALUES (?, ?) ON CONFLICT ("id") DO NOTHING`, [shop, ts(new Date())]);
  seen.add(shop);
}

/** Forget the cache entry (after shop/redact deleted the row). */
export function forgetShop(db: Db, shop: string): void {
  known.get(db)?.delete(shop);
  forgetInstalled([shop]);
}

/**
 * Installed = the shop row exists and is not marked uninstalled. Answers are cached for a few
 * seconds (the storefront asks on every request); this process forgets a shop's entry when it
 * (un)installs or when ingest applies a delivery for it, and other instances within the TTL.
 */
const INSTALLED_TTL_MS = 10_000;
const installed = new Map<string, { installed: boolean; until: number }>();

export async function isInstalled(db: Db, shop: string): Promise<boolean> {
  const now = Date.now();
  const hit = installed.get(shop);
  if (hit !== undefined && hit.until > now) return hit.installed;
  const row = await db.shop.findUnique({ where: { id: shop }, select: { uninstalledAt: true } });
  if (installed.size >= 100_000) installed.clear();
  const answer = row !== null && row.uninstalledAt === null;
  installed.set(shop, { installed: answer, until: now + INSTALLED_TTL_MS });
  return answer;
}

export function forgetInstalled(shops: Iterable<string>): void {
  for (const shop of shops) installed.delete(shop);
}

export async function markInstalled(tx: Tx, shop: string, scopes: string | null) {
  await tx.shop.upsert({
    where: { id: shop },
    create: { id: shop, scopes },
    update: { uninstalledAt: null, ...(scopes ? { scopes } : {}) },
  });
  forgetInstalled([shop]);
}

export async function markUninstalled(tx: Tx, shop: string) {
  await tx.session.deleteMany({ where: { shop } });
  await tx.shop.updateMany({ where: { id: shop }, data: { uninstalledAt: new Date() } });
  forgetInstalled([shop]);
}

export async function updateScopes(tx: Tx, shop: string, scopes: string[]) {
  const scope = scopes.join(",");
  await tx.shop.updateMany({ where: { id: shop }, data: { scopes: scope } });
  await tx.session.updateMany({ where: { shop }, data: { scope } });
}

export function getShop(tx: Tx, shop: string) {
  return tx.shop.findUnique({ where: { id: shop } });
}

/** The shops still installed (engines are warmed for these at start-up). */
export async function installedShops(tx: Tx): Promise<string[]> {
  return (await tx.shop.findMany({ where: { uninstalledAt: null }, select: { id: true } })).map((s) => s.id);
}

/** The access token of the shop's offline session (what background work calls the Admin API with), or null. */
export async function offlineAccessToken(tx: Tx, shop: string): Promise<string | null> {
  const session = await tx.session.findFirst({ where: { shop, isOnline: false }, orderBy: { id: "asc" } });
  return session?.accessToken || null;
}
