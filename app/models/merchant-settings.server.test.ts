/**
 * The offers, settings and opt-out model modules, one shared suite on every backend
 * (tests/helpers/databases.ts): each write is shop-scoped, audited and on the change feed in its
 * transaction; visitor offers only ever name a code the shop really has.
 */
import { expect, it } from "vitest";
import { eachBackend, uniqueShop } from "../../tests/helpers/databases";
import { seedStore } from "../../tests/helpers/store";
import { listAudit } from "./audit.server";
import { feedPosition, readChanges } from "./changes.server";
import { deleteOfferRow, findOfferByCode, getOffer, insertOffer, listOffers, updateOfferStats } from "./offers.server";
import { getPersonalizationOptOut, listCustomersForAdmin, setPersonalizationOptOut } from "./opt-out.server";
import { saveSettings, saveVisitorOffer, settingsForm, visitorOffers } from "./settings.server";
import { writeTransaction } from "./sql.server";

eachBackend("merchant settings models", (b) => {
  /** The shop's feed events since `after` (seeding appends its own). */
  const feed = async (shop: string, after = 0) => (await readChanges(b().db, shop, after, await feedPosition(b().db))).map((e) => `${e.kind}:${e.entityId}`);
  const offer = (id: string, code: string) => ({ id, discountId: `gid://shopify/DiscountCodeNode/${id}`, code, title: `Offer ${code}`, kind: "percentage" as const, value: 10, minSubtotalCents: null, status: "active", startsAt: new Date(), endsAt: null });

  it("offers: stored per shop, found by code case-insensitively, stats updated in place", async () => {
    const shop = uniqueShop();
    const other = uniqueShop();
    await insertOffer(b().db, shop, offer("o1", "WELCOME10"));
    await insertOffer(b().db, shop, offer("o2", "COMEBACK15"));
    await insertOffer(b().db, other, offer("o9", "ELSEWHERE"));
    expect((await listOffers(b().db, shop)).map((o) => o.code).sort()).toEqual(["COMEBACK15", "WELCOME10"]);
    expect((await findOfferByCode(b().db, shop, " welcome10 "))?.id).toBe("o1");
    expect(await findOfferByCode(b().db, shop, "ELSEWHERE")).toBeNull();
    await updateOfferStats(b().db, shop, "o1", { status: "expired", usageCount: 7 });
    await updateOfferStats(b().db, other, "o1", { status: "active", usageCount: 99 }); // another shop's id space
    expect(await getOffer(b().db, shop, "o1")).toMatchObject({ status: "expired", usageCount: 7 });
    await insertOffer(b().db, other, offer("o1", "THEIRS"));
    await deleteOfferRow(b().db, shop, "o1"); // this shop's row only
    expect(await getOffer(b().db, shop, "o1")).toBeNull();
    expect((await getOffer(b().db, other, "o1"))?.code).toBe("THEIRS");
  });

  it("visitor offers: off by default; turning one on needs a code the shop really has, and is audited with a config event", async () => {
    const shop = uniqueShop();
    await seedStore(b().db, shop, {});
    const fresh = await visitorOffers(b().db, shop);
    expect(Object.values(fresh).every((o) => !o.enabled)).toBe(true);
    const form = { enabled: "true", message: "Welcome! Take 10% off with code {code}.", discountCode: "WELCOME10", triggerType: "delay", delaySeconds: "8" };
    const refused = await writeTransaction(b().db, (tx) => saveVisitorOffer(tx, shop, "staff-1", "welcome", form));
    expect(refused).toEqual({ ok: false, errors: { discountCode: expect.stringContaining("not one of your offers") } });
    expect((await visitorOffers(b().db, shop)).welcome.enabled).toBe(false);
    await insertOffer(b().db, shop, offer("o1", "WELCOME10"));
    expect(await writeTransaction(b().db, (tx) => saveVisitorOffer(tx, shop, "staff-1", "welcome", form))).toEqual({ ok: true });
    expect((await visitorOffers(b().db, shop)).welcome).toMatchObject({ enabled: true, discountCode: "WELCOME10" });
    expect((await listAudit(b().db, shop))[0]).toMatchObject({ actor: "staff-1", action: "enable", entityType: "visitor_offer", entityId: "welcome" });
    expect(await feed(shop)).toContain("config:visitor_offer:welcome");
  });

  it("settings: validated field by field; a valid save is stored, audited and announced; a refused one writes nothing", async () => {
    const shop = uniqueShop();
    await seedStore(b().db, shop, {});
    const start = await feedPosition(b().db);
    const form = await settingsForm(b().db, shop);
    const bad = await writeTransaction(b().db, (tx) => saveSettings(tx, shop, "staff-2", { ...form, freeShippingThreshold: "-5", lapsedChurnRatio: "abc" }));
    expect(bad.ok).toBe(false);
    expect(Object.keys((bad as { errors: Record<string, string> }).errors).sort()).toEqual(["freeShippingThreshold", "lapsedChurnRatio"]);
    expect(await listAudit(b().db, shop)).toEqual([]);
    expect(await feed(shop, start)).toEqual([]);
    expect(await writeTransaction(b().db, (tx) => saveSettings(tx, shop, "staff-2", { ...form, freeShippingThreshold: "75", vipThreshold: "500" }))).toEqual({ ok: true });
    expect(await settingsForm(b().db, shop)).toMatchObject({ freeShippingThreshold: "75", vipThreshold: "500" });
    expect((await listAudit(b().db, shop))[0]).toMatchObject({ actor: "staff-2", entityType: "settings" });
    expect(await feed(shop, start)).toEqual(["config:settings"]);
  });

  it("opt-out: only an existing customer of this shop; a customer change on the feed; admin writes audited, storefront ones not", async () => {
    const shop = uniqueShop();
    const other = uniqueShop();
    await seedStore(b().db, shop, { customers: ["9007199254740993", "8"] });
    await seedStore(b().db, other, { customers: ["8"] });
    const start = await feedPosition(b().db);
    const set = (s: string, id: string, on: boolean, source: "admin" | "storefront") => writeTransaction(b().db, (tx) => setPersonalizationOptOut(tx, s, id, on, { actor: source === "admin" ? "staff-3" : `customer:${id}`, source }));
    expect(await set(shop, "9007199254740993", true, "storefront")).toBe(true);
    expect(await set(shop, "404", true, "admin")).toBe(false);
    expect(await set(shop, "8", true, "admin")).toBe(true);
    expect(await getPersonalizationOptOut(b().db, shop, "9007199254740993")).toBe(true);
    expect(await getPersonalizationOptOut(b().db, other, "8")).toBe(false);
    expect(await getPersonalizationOptOut(b().db, shop, "404")).toBeNull();
    expect((await listCustomersForAdmin(b().db, shop, { optedOutOnly: true })).map((c) => c.id).sort()).toEqual(["8", "9007199254740993"]);
    expect((await listAudit(b().db, shop)).map((e) => [e.actor, e.entityId])).toEqual([["staff-3", "8"]]);
    expect(await feed(shop, start)).toEqual(["customer:9007199254740993", "customer:8"]);
  });
});
