/**
 * The loyalty sync end to end: outbox rows (as the ledger enqueues them) and LoyaltyMember rows in a
 * real database, drained over real HTTP into the simulator's Admin API stand-in, which holds the
 * customer metafields, tags and Flow runs the way Shopify would.
 */
import { afterEach, beforeAll, expect, it } from "vitest";
import { eachBackend, uniqueShop } from "../../tests/helpers/databases";
import { type AdminApi, startAdminApi } from "../../scripts/simulator/admin-api";
import { loadAdminSchema } from "../../scripts/simulator/schema";
import { type SimStore, generateStore } from "../../scripts/simulator/store";
import type { Db } from "../db.server";
import { EXAMPLE_PROGRAM } from "../engine/loyalty/program";
import { type LoyaltySyncEvent, enqueueLoyaltySync, pendingOutboxCount } from "../models/loyalty-outbox.server";
import { adjustPoints, importBalances, saveProgram } from "../models/loyalty.server";
import { writeTransaction } from "../models/sql.server";
import { BucketPacer, type SyncOptions, drainLoyaltySync, memberMetafieldValues, programForSync, tierTag } from "./loyalty-sync.server";

const schema = loadAdminSchema("2026-10");
const TOKEN = "shpat_loyalty_sync_test";
const NS = "app--attune-sim--loyalty";
/** The example program (tiers Bronze < Silver < Gold, points expire after 12 months without activity). */
const PROGRAM = { ...EXAMPLE_PROGRAM, enabled: true };

let api: AdminApi | null = null;
afterEach(async () => {
  await api?.close();
  api = null;
});

interface Fixture {
  db: Db;
  shop: string;
  store: SimStore;
  api: AdminApi;
  customers: string[];
  opts: (extra?: Partial<SyncOptions>) => SyncOptions;
  member(customerId: string, m: { points: number; pending?: number; tierId?: string | null; lastActivityAt?: Date }): Promise<void>;
  enqueue(customerId: string, events: LoyaltySyncEvent[]): Promise<void>;
  values(customerId: string): Record<string, string>;
}

eachBackend("loyalty sync to Shopify", (b) => {
  let fixtureSeq = 0;
  async function fixture(): Promise<Fixture> {
    const shop = uniqueShop("sync");
    const store = generateStore({ seed: 11 + fixtureSeq++, shop, products: 4, customers: 40, orders: 0, now: new Date("2026-06-01T00:00:00Z") });
    api = await startAdminApi({ store, tokens: { [shop]: TOKEN }, schema });
    const db = b().db;
    await db.shop.create({ data: { id: shop } });
    await db.session.create({ data: { id: `offline_${shop}`, shop, state: "test", isOnline: false, accessToken: TOKEN } });
    await db.loyaltyProgram.create({ data: { shopId: shop, version: 1, config: JSON.stringify(PROGRAM), actor: "test" } });
    const a = api;
    const pacers = new Map<string, BucketPacer>();
    return {
      db,
      shop,
      store,
      api: a,
      customers: store.customers.map((c) => c.id),
      opts: (extra = {}) => ({ db, client: { simulator: { origin: a.origin } }, pacers, ...extra }),
      async member(customerId, m) {
        const data = { points: m.points, pending: m.pending ?? 0, tierId: m.tierId ?? null, lastActivityAt: m.lastActivityAt ?? new Date("2026-05-10T12:00:00Z") };
        await db.loyaltyMember.upsert({ where: { shopId_customerId: { shopId: shop, customerId } }, create: { shopId: shop, customerId, ...data }, update: data });
      },
      async enqueue(customerId, events) {
        await writeTransaction(db, (tx) => enqueueLoyaltySync(tx, shop, customerId, events));
      },
      values(customerId) {
        return Object.fromEntries(a.sync.customerMetafields(customerId).filter((m) => m.namespace === NS).map((m) => [m.key, m.value]));
      },
    };
  }
  const callsTo = (api: AdminApi, operation: string) => api.log.filter((l) => l.operation === operation).length;
  const statuses = async (f: Fixture) => (await f.db.loyaltyOutbox.findMany({ where: { shopId: f.shop }, orderBy: { id: "asc" } })).map((r) => r.status);

  beforeAll(() => {
    expect(tierTag("Gold VIP")).toBe("attune-tier-gold-vip");
  });

  it("a ledger write reaches Shopify: metafields, the tier tag beside the customer's own tags, Flow triggers; definitions once", async () => {
    const f = await fixture();
    const c = f.customers[0];
    f.store.customers[0].tags.splice(0, Infinity, "vip", "newsletter");
    await f.member(c, { points: 120, pending: 30, tierId: "silver", lastActivityAt: new Date("2026-01-31T10:00:00Z") });
    await f.enqueue(c, [{ type: "member" }, { type: "points_earned", points: 120, orderId: "9007199254741001" }, { type: "tier_changed", from: null, to: "silver" }]);

    const report = await drainLoyaltySync(f.opts());
    expect(report).toMatchObject({ rows: 4, members: 1, failed: 0, retried: 0 });
    expect(f.values(c)).toEqual({ points: "120", pending_points: "30", tier: "Silver", next_expiry_date: "2027-01-31", next_expiry_points: "120" });
    expect(f.api.sync.customerTags(c)).toEqual(["vip", "newsletter", "attune-tier-silver"]);
    expect(await statuses(f)).toEqual(["done", "done", "done", "done"]);

    // Definitions: app-owned, readable by the theme (storefront) and customer accounts, filterable in the admin.
    const defs = [...f.api.sync.definitions.values()];
    expect(defs.map((d) => [d.key, d.type])).toEqual([
      ["points", "number_integer"],
      ["pending_points", "number_integer"],
      ["tier", "single_line_text_field"],
      ["next_expiry_date", "date"],
      ["next_expiry_points", "number_integer"],
    ]);
    expect(defs.every((d) => d.namespace === NS)).toBe(true);
    expect(defs[0].access).toEqual({ admin: "MERCHANT_READ", storefront: "PUBLIC_READ", customerAccount: "READ" });

    // Flow: payload keys are exactly the trigger extensions' fields (the simulator checks them against the TOMLs).
    expect(f.api.sync.flowTriggers.map((t) => [t.handle, t.payload])).toEqual([
      ["attune-points-earned", { customer_id: c, "points earned": 120, "points balance": 120, "pending points": 30, "order id": "9007199254741001" }],
      ["attune-tier-changed", { customer_id: c, "previous tier": "", "new tier": "Silver", direction: "up", "points balance": 120 }],
    ]);

    await f.member(c, { points: 20, tierId: "silver" });
    await f.enqueue(c, [{ type: "member" }, { type: "reward_redeemed", rewardId: "five-off", points: 100 }]);
    await drainLoyaltySync(f.opts());
    expect(f.values(c).points).toBe("20");
    expect(f.api.sync.flowTriggers.at(-1)).toMatchObject({ handle: "attune-reward-redeemed", payload: { customer_id: c, "reward id": "five-off", "reward title": "$5 off", "points spent": 100, "points balance": 20 } });
    expect(callsTo(f.api, "AttuneLoyaltyMetafieldDefinitionCreate")).toBe(5);
  });

  it("through the ledger: an import and an adjustment reach the customer's metafields and tier tag", async () => {
    const f = await fixture();
    const [c1, c2] = f.customers;
    expect((await saveProgram(f.db, f.shop, "staff", { ...PROGRAM, tierBasis: "points" })).ok).toBe(true);
    const imported = await importBalances(f.db, f.shop, "staff", [
      { line: 1, customerId: c1, points: 300 },
      { line: 2, customerId: c2, points: 40 },
    ], { dryRun: false });
    expect(imported).toMatchObject({ imported: 2, errors: [] });
    expect(await pendingOutboxCount(f.db, f.shop)).toBeGreaterThan(0);
    await drainLoyaltySync(f.opts());
    expect([f.values(c1).points, f.values(c2).points]).toEqual(["300", "40"]);
    const tierOf = async (c: string) => (await f.db.loyaltyMember.findUniqueOrThrow({ where: { shopId_customerId: { shopId: f.shop, customerId: c } } })).tierId;
    const t1 = await tierOf(c1);
    expect(t1).not.toBeNull(); // Bronze starts at 0
    expect(f.api.sync.customerTags(c1).filter((t) => t.startsWith("attune-tier-"))).toEqual([tierTag(t1!)]);
    expect(f.values(c1).tier).toBe(PROGRAM.tiers.find((t) => t.id === t1)!.name);

    expect((await adjustPoints(f.db, f.shop, "staff", c1, -120, "goodwill correction")).ok).toBe(true);
    await drainLoyaltySync(f.opts());
    expect(f.values(c1).points).toBe("180");
    expect(await pendingOutboxCount(f.db, f.shop)).toBe(0);
  });

  it("many events for a member coalesce into one write of its current state, five members to a metafieldsSet call", async () => {
    const f = await fixture();
    const members = f.customers.slice(0, 12);
    for (const [i, c] of members.entries()) {
      for (let k = 1; k <= 3; k++) {
        await f.member(c, { points: 10 * k + i });
        await f.enqueue(c, [{ type: "member" }]);
      }
    }
    const report = await drainLoyaltySync(f.opts());
    expect(report).toMatchObject({ rows: 36, members: 12, failed: 0 });
    expect(callsTo(f.api, "AttuneLoyaltyMetafieldsSet")).toBe(3);
    for (const [i, c] of members.entries()) expect(f.values(c).points).toBe(String(30 + i));
    expect(await pendingOutboxCount(f.db, f.shop)).toBe(0);
  });

  it("a tier change swaps the tier tag and keeps every other tag; leaving all tiers removes tag and tier metafield", async () => {
    const f = await fixture();
    const c = f.customers[1];
    f.store.customers[1].tags.splice(0, Infinity, "wholesale");
    await f.member(c, { points: 50, tierId: "silver" });
    await f.enqueue(c, [{ type: "member" }, { type: "tier_changed", from: null, to: "silver" }]);
    await drainLoyaltySync(f.opts());
    expect(f.api.sync.customerTags(c)).toEqual(["wholesale", "attune-tier-silver"]);

    // The merchant tags the customer meanwhile: that tag survives our changes.
    f.store.customers[1].tags.push("met-at-fair");
    await f.member(c, { points: 900, tierId: "gold" });
    await f.enqueue(c, [{ type: "member" }, { type: "tier_changed", from: "silver", to: "gold" }]);
    await drainLoyaltySync(f.opts());
    expect(f.api.sync.customerTags(c)).toEqual(["wholesale", "met-at-fair", "attune-tier-gold"]);
    expect(f.values(c).tier).toBe("Gold");
    expect(f.api.sync.flowTriggers.at(-1)?.payload).toMatchObject({ "previous tier": "Silver", "new tier": "Gold", direction: "up" });

    await f.member(c, { points: 0, tierId: null });
    await f.enqueue(c, [{ type: "member" }, { type: "tier_changed", from: "gold", to: null }]);
    await drainLoyaltySync(f.opts());
    expect(f.api.sync.customerTags(c)).toEqual(["wholesale", "met-at-fair"]);
    expect(f.values(c)).toEqual({ points: "0", pending_points: "0" });
    expect(f.api.sync.flowTriggers.at(-1)?.payload).toMatchObject({ "previous tier": "Gold", "new tier": "", direction: "down" });
  });

  it("a compareDigest conflict (someone else wrote meanwhile) is re-read and written again with the current state, not lost", async () => {
    const f = await fixture();
    const [c1, c2] = f.customers;
    await f.member(c1, { points: 100 });
    await f.member(c2, { points: 7 });
    await f.enqueue(c1, [{ type: "member" }]);
    await f.enqueue(c2, [{ type: "member" }]);
    await drainLoyaltySync(f.opts());
    expect(f.values(c1).points).toBe("100");

    // Another writer (a second instance with an older view, the merchant) changes the value: our digest is stale.
    f.api.sync.overwrite(c1, "$app:loyalty", "points", "999");
    await f.member(c1, { points: 150 });
    await f.member(c2, { points: 8 });
    await f.enqueue(c1, [{ type: "member" }]);
    await f.enqueue(c2, [{ type: "member" }]);
    const before = callsTo(f.api, "AttuneLoyaltyMetafieldsSet");
    const report = await drainLoyaltySync(f.opts());
    expect(report).toMatchObject({ conflicts: 1, failed: 0, retried: 0 });
    expect(callsTo(f.api, "AttuneLoyaltyMetafieldDigests")).toBe(1);
    expect(callsTo(f.api, "AttuneLoyaltyMetafieldsSet") - before).toBe(2); // refused whole, then written
    expect([f.values(c1).points, f.values(c2).points]).toEqual(["150", "8"]);
    expect(await pendingOutboxCount(f.db, f.shop)).toBe(0);

    // State lost (a restore, a reinstall): Shopify has values, we send compareDigest null, and recover the same way.
    await f.db.loyaltySyncState.deleteMany({ where: { shopId: f.shop } });
    await f.member(c1, { points: 151 });
    await f.enqueue(c1, [{ type: "member" }]);
    expect(await drainLoyaltySync(f.opts())).toMatchObject({ conflicts: 1, failed: 0 });
    expect(f.values(c1).points).toBe("151");
  });

  it("throttled calls wait for the bucket and are retried; nothing is lost", async () => {
    const f = await fixture();
    f.api.setRateLimit({ maximumAvailable: 60, restoreRate: 50 });
    const members = f.customers.slice(0, 8);
    for (const c of members) {
      await f.member(c, { points: 5, tierId: "gold" });
      await f.enqueue(c, [{ type: "member" }, { type: "tier_changed", from: null, to: "gold" }]);
    }
    // Another part of the app (a backfill, say) has just spent the shared bucket: our first call is THROTTLED.
    f.api.spendBucket(f.shop, 0);
    const report = await drainLoyaltySync(f.opts());
    expect(report.throttled).toBeGreaterThan(0);
    expect(report).toMatchObject({ rows: 24, failed: 0, retried: 0 });
    expect(f.api.log.some((l) => l.operation === "AttuneLoyaltyTags")).toBe(true);
    for (const c of members) {
      expect(f.values(c).points).toBe("5");
      expect(f.api.sync.customerTags(c)).toContain("attune-tier-gold");
    }
    expect(await statuses(f)).toEqual(Array(24).fill("done"));
  });

  it("an Admin API outage puts the rows back with backoff; a later drain sends them all", async () => {
    const f = await fixture();
    const c = f.customers[2];
    await f.member(c, { points: 40, tierId: "silver" });
    await f.enqueue(c, [{ type: "member" }, { type: "points_earned", points: 40, orderId: null }, { type: "tier_changed", from: null, to: "silver" }]);
    f.api.sync.failNext(6); // every attempt the Admin client makes for the first call
    const now = new Date();
    const report = await drainLoyaltySync(f.opts({ sleep: async () => {}, now: () => now }));
    expect(report).toMatchObject({ rows: 4, retried: 4, failed: 0 });
    expect(f.values(c)).toEqual({});
    expect(f.api.sync.flowTriggers).toEqual([]);
    const rows = await f.db.loyaltyOutbox.findMany({ where: { shopId: f.shop } });
    expect(rows.every((r) => r.status === "pending" && r.attempts === 1 && r.availableAt.getTime() > now.getTime() + 10_000)).toBe(true);

    // Not due yet: nothing is sent.
    expect((await drainLoyaltySync(f.opts({ now: () => now }))).rows).toBe(0);
    const later = new Date(now.getTime() + 3_600_000);
    expect(await drainLoyaltySync(f.opts({ now: () => later }))).toMatchObject({ rows: 4, retried: 0, failed: 0 });
    expect(f.values(c).points).toBe("40");
    expect(f.api.sync.customerTags(c)).toContain("attune-tier-silver");
    expect(f.api.sync.flowTriggers.map((t) => t.handle)).toEqual(["attune-points-earned", "attune-tier-changed"]);
    expect(await statuses(f)).toEqual(["done", "done", "done", "done"]);
  });

  it("a customer Shopify no longer has fails with its reason; the members batched with it still sync", async () => {
    const f = await fixture();
    const gone = "9007199254740001";
    const [c1, c2] = f.customers;
    for (const c of [c1, gone, c2]) {
      await f.member(c, { points: 3 });
      await f.enqueue(c, [{ type: "member" }]);
    }
    const report = await drainLoyaltySync(f.opts());
    expect(report).toMatchObject({ rows: 3, failed: 1, retried: 0 });
    expect([f.values(c1).points, f.values(c2).points]).toEqual(["3", "3"]);
    const failed = await f.db.loyaltyOutbox.findFirst({ where: { shopId: f.shop, customerId: gone } });
    expect(failed).toMatchObject({ status: "failed" });
    expect(failed?.error).toMatch(/Owner does not exist/);
  });

  it("an uninstalled shop (no offline session) keeps its rows as failed, with the reason", async () => {
    const f = await fixture();
    await f.db.session.deleteMany({ where: { shop: f.shop } });
    await f.enqueue(f.customers[0], [{ type: "member" }]);
    expect(await drainLoyaltySync(f.opts())).toMatchObject({ rows: 1, failed: 1 });
    expect((await f.db.loyaltyOutbox.findFirst({ where: { shopId: f.shop } }))?.error).toMatch(/offline session/);
  });
});

it("metafield values follow the member: no tier and no expiry mean no metafield", () => {
  const program = programForSync(PROGRAM);
  expect(memberMetafieldValues(undefined, program)).toEqual({ points: "0", pending_points: "0", tier: null, next_expiry_date: null, next_expiry_points: null });
  const m = { customerId: "1", points: 5, pending: 1, tierId: "gold", lastActivityAt: new Date("2026-03-15T00:00:00Z"), joinedAt: new Date("2025-01-01T00:00:00Z") };
  // The ledger's rule: expiryMonths after the last activity (the join date before any).
  expect(memberMetafieldValues(m, programForSync({ ...PROGRAM, expiryMonths: 1 }))).toMatchObject({ tier: "Gold", next_expiry_date: "2026-04-15", next_expiry_points: "5" });
  expect(memberMetafieldValues({ ...m, lastActivityAt: null }, program)).toMatchObject({ next_expiry_date: "2026-01-01" });
  expect(memberMetafieldValues({ ...m, points: 0 }, program)).toMatchObject({ next_expiry_date: null });
  expect(memberMetafieldValues(m, programForSync({ ...PROGRAM, expiryMonths: null }))).toMatchObject({ next_expiry_date: null, next_expiry_points: null });
});
