/**
 * Loyalty standings reach the engine through the change feed (issue #13 item 6): a LoyaltyMember
 * write with its `loyalty` event, committed in one transaction as the ledger does, makes a merchant
 * rule targeting tier "gold" apply on the storefront (the signed app proxy route), and a later
 * demotion or removal stops it. The same feed path is checked on every backend.
 */
import crypto from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db, type Db } from "../../app/db.server";
import { EXAMPLE_PROGRAM } from "../../app/engine/loyalty/program";
import { appendChanges } from "../../app/models/changes.server";
import { adjustPoints, saveProgram } from "../../app/models/loyalty.server";
import { saveSegment } from "../../app/models/segments.server";
import { putRule } from "../../app/models/shop-config.server";
import { EngineRegistry, engines } from "../../app/services/engine.server";
import * as recsRoute from "../../app/routes/proxy.recommendations";
import { signedProxyQuery } from "../../scripts/simulator/sign";
import { backendNames, createBackend, type Backend } from "../helpers/databases";
import { seedStore } from "../helpers/store";
import { SECRET } from "../helpers/webhooks";

const APP = "https://attune.example.com";
// Beyond 2^53: must stay an exact string from the proxy signature to the LoyaltyMember row.
const MEMBER = "9007199254740993";
const OTHER = "200";

const GOLD_RULE = { placements: ["home"], segmentIds: ["gold_members"], content: { heading: "Gold members: new arrivals first" }, strategy: "new_arrivals" };

/** What the ledger does in one transaction: the member's cached standing, and its `loyalty` event. */
async function writeStanding(database: Db, shop: string, customerId: string, s: { points: number; pending: number; tierId: string | null } | null) {
  await database.$transaction(async (tx) => {
    if (s) await tx.loyaltyMember.upsert({ where: { shopId_customerId: { shopId: shop, customerId } }, create: { shopId: shop, customerId, ...s }, update: s });
    else await tx.loyaltyMember.deleteMany({ where: { shopId: shop, customerId } });
    await appendChanges(tx, shop, [{ kind: "loyalty", entityId: customerId }]);
  });
}

async function seedShop(database: Db, shop: string) {
  await seedStore(database, shop, {
    products: Array.from({ length: 6 }, (_, i) => ({ id: String(i + 1) })),
    customers: [MEMBER, OTHER],
    orders: [
      { id: "10", customerId: MEMBER, lines: ["1", "2"], daysAgo: 20 },
      { id: "11", customerId: OTHER, lines: ["1", "3"], daysAgo: 10 },
      { id: "12", customerId: null, lines: ["2", "3", "4"] },
    ],
  });
  const seg = await saveSegment(database, shop, "test", null, { name: "Gold members", condition: { field: "loyalty_tier", op: "eq", value: "gold" } });
  expect(seg).toMatchObject({ ok: true, value: { id: "gold_members" } });
  await putRule(database, shop, { id: "gold", name: "Gold members", priority: 10, definition: GOLD_RULE });
}

describe("a loyalty tier segment on the storefront (SQLite, signed app proxy)", () => {
  const shop = `loy-${crypto.randomUUID().slice(0, 8)}.myshopify.com`;
  beforeAll(() => seedShop(db(), shop));

  const home = async (customer: string) => {
    const res = (await recsRoute.loader({ request: new Request(`${APP}/proxy/recommendations?${signedProxyQuery(SECRET(), shop, { placement: "home", limit: "3" }, customer)}`), params: {}, context: {} } as never)) as Response;
    expect(res.status).toBe(200);
    return (await res.json()) as { rule: { id: string } | null; segments: string[]; content: { heading: string | null } };
  };

  it("the rule applies once the member reaches gold through the feed, and stops on demotion and removal", async () => {
    const registry = await engines();
    await registry.follow(shop);
    expect((await home(MEMBER)).rule).toBeNull();

    await writeStanding(db(), shop, MEMBER, { points: 1500, pending: 200, tierId: "gold" });
    expect((await registry.follow(shop)).applied).toBe(1);
    const gold = await home(MEMBER);
    expect(gold.rule).toEqual({ id: "gold", name: "Gold members" });
    expect(gold.segments).toContain("gold_members");
    expect(gold.content.heading).toBe("Gold members: new arrivals first");
    // Another signed-in customer, and a guest, are not gold.
    expect((await home(OTHER)).rule).toBeNull();
    expect((await home("")).rule).toBeNull();

    await writeStanding(db(), shop, MEMBER, { points: 0, pending: 0, tierId: "silver" });
    await registry.follow(shop);
    expect((await home(MEMBER)).rule).toBeNull();

    await writeStanding(db(), shop, MEMBER, { points: 10, pending: 0, tierId: "gold" });
    await registry.follow(shop);
    expect((await home(MEMBER)).rule?.id).toBe("gold");
    await writeStanding(db(), shop, MEMBER, null);
    await registry.follow(shop);
    expect((await home(MEMBER)).rule).toBeNull();
  });
});

describe("a points segment driven by the real ledger (SQLite, signed app proxy)", () => {
  const shop = `led-${crypto.randomUUID().slice(0, 8)}.myshopify.com`;
  beforeAll(async () => {
    await seedShop(db(), shop);
    expect(await saveProgram(db(), shop, "test", { ...EXAMPLE_PROGRAM, enabled: true })).toMatchObject({ ok: true });
    const seg = await saveSegment(db(), shop, "test", null, {
      name: "Bronze with points to spend",
      condition: { all: [{ field: "loyalty_tier", op: "eq", value: "bronze" }, { field: "loyalty_points", op: "gte", value: 500 }] },
    });
    expect(seg).toMatchObject({ ok: true, value: { id: "bronze_with_points_to_spend" } });
    await putRule(db(), shop, { id: "spend", name: "Points to spend", priority: 20, definition: { ...GOLD_RULE, segmentIds: ["bronze_with_points_to_spend"] } });
  });

  it("adjustPoints writes the member and its loyalty event; the engine follows and the rule starts and stops applying", async () => {
    const home = async () => {
      const res = (await recsRoute.loader({ request: new Request(`${APP}/proxy/recommendations?${signedProxyQuery(SECRET(), shop, { placement: "home" }, MEMBER)}`), params: {}, context: {} } as never)) as Response;
      return ((await res.json()) as { rule: { id: string } | null }).rule;
    };
    const registry = await engines();
    await registry.follow(shop);
    expect(await home()).toBeNull();
    expect(await adjustPoints(db(), shop, "staff", MEMBER, 800, "goodwill")).toMatchObject({ ok: true, value: { balance: 800 } });
    await registry.follow(shop);
    const engine = (await registry.get(shop))!;
    expect(engine.model.loyaltyOf(MEMBER)).toEqual({ tierId: "bronze", points: 800, pending: 0 });
    expect((await home())?.id).toBe("spend");
    expect(await adjustPoints(db(), shop, "staff", MEMBER, -400, "correction")).toMatchObject({ ok: true, value: { balance: 400 } });
    await registry.follow(shop);
    expect(await home()).toBeNull();
  });
});

describe.each(backendNames())("loyalty standings through the change feed on %s", (name) => {
  let backend: Backend;
  let registry: EngineRegistry;
  let shop: string;
  beforeAll(async () => {
    backend = await createBackend(name);
  });
  beforeEach(async () => {
    shop = `loy-${crypto.randomUUID().slice(0, 8)}.myshopify.com`;
    registry = new EngineRegistry({ db: backend.db, secret: SECRET(), autoFollow: false });
  });
  afterEach(() => registry.close());
  afterAll(() => backend?.drop());

  it("a build loads every member's standing; a feed event re-reads only the named member", async () => {
    await seedShop(backend.db, shop);
    await writeStanding(backend.db, shop, MEMBER, { points: 700, pending: 50, tierId: "gold" });
    const engine = (await registry.get(shop))!;
    expect(engine.model.loyaltyOf(MEMBER)).toEqual({ tierId: "gold", points: 700, pending: 50 });
    expect(engine.model.loyaltyOf(OTHER)).toBeUndefined();

    await writeStanding(backend.db, shop, OTHER, { points: 40, pending: 0, tierId: null });
    // A row changed without an event is not seen: engines learn only from the feed.
    await backend.db.loyaltyMember.update({ where: { shopId_customerId: { shopId: shop, customerId: MEMBER } }, data: { points: 1 } });
    await registry.follow(shop);
    expect(engine.model.loyaltyOf(OTHER)).toEqual({ tierId: null, points: 40, pending: 0 });
    expect(engine.model.loyaltyOf(MEMBER)?.points).toBe(700);

    await writeStanding(backend.db, shop, MEMBER, null);
    await registry.follow(shop);
    expect(engine.model.loyaltyOf(MEMBER)).toBeUndefined();
  });
});
