/**
 * The ledger's scheduled work on every backend: release of pending points, nightly reconciliation of
 * missed orders, expiry after inactivity and the birthday bonus. Each is idempotent: a second pass
 * writes nothing, and the member cache always equals the entries' sums.
 */
import { expect, it } from "vitest";
import { eachBackend, uniqueShop } from "../../tests/helpers/databases";
import { seedStore } from "../../tests/helpers/store";
import { EXAMPLE_PROGRAM } from "../engine/loyalty/program";
import {
  adjustPoints,
  applyOrderPoints,
  entrySums,
  expireInactive,
  getMember,
  grantBirthdayBonuses,
  ordersDueForRelease,
  ordersToReconcile,
  saveProgram,
  setBirthday,
} from "./loyalty.server";
import { writeTransaction } from "./sql.server";

const DAY = 86_400_000;
const PROGRAM = { ...EXAMPLE_PROGRAM, enabled: true, pendingDays: 14, expiryMonths: 12, birthdayBonus: 150, signupBonus: 0 };

eachBackend("loyalty jobs", (b) => {
  async function cacheMatches(shop: string, customerId: string) {
    const m = (await getMember(b().db, shop, customerId))!;
    const s = await entrySums(b().db, shop, customerId);
    expect({ points: m.points, pending: m.pending, owed: m.owed }).toEqual({ points: s.points, pending: s.pending, owed: s.owed });
    return m;
  }

  it("reconciliation earns the paid orders the ledger missed, releases what is due, and a second pass repairs nothing", async () => {
    const shop = uniqueShop();
    expect((await saveProgram(b().db, shop, "staff", PROGRAM, new Date(Date.now() - 60 * DAY))).ok).toBe(true);
    // Stored as a lost webhook would leave them: orders in the database, no ledger entries.
    await seedStore(b().db, shop, {
      products: [{ id: "1" }, { id: "2" }],
      customers: ["9007199254740993"],
      orders: [
        { id: "10", customerId: "9007199254740993", lines: ["1", "2"], daysAgo: 20 },
        { id: "11", customerId: "9007199254740993", lines: ["1"], daysAgo: 3 },
        { id: "12", customerId: null, lines: ["1"], daysAgo: 3 }, // a guest's order earns nothing
        { id: "13", customerId: "9007199254740993", lines: ["1"], daysAgo: 3, test: true },
      ],
    });
    const todo = await ordersToReconcile(b().db, shop, 100);
    expect(todo.sort()).toEqual(["10", "11"]);
    const now = new Date();
    for (const id of todo) await writeTransaction(b().db, (tx) => applyOrderPoints(tx, shop, id, now));
    const m = await cacheMatches(shop, "9007199254740993");
    // Order 10 (20 days old) is past its 14-day window: earned and released; order 11 is still pending.
    expect(m.points).toBeGreaterThan(0);
    expect(m.pending).toBeGreaterThan(0);
    expect(await ordersToReconcile(b().db, shop, 100)).toEqual([]);
    expect(await ordersDueForRelease(b().db, shop, now, 100)).toEqual([]);

    // Twelve days on, order 11's points are due: released once.
    const later = new Date(now.getTime() + 12 * DAY);
    expect(await ordersDueForRelease(b().db, shop, later, 100)).toEqual(["11"]);
    const keys = await writeTransaction(b().db, (tx) => applyOrderPoints(tx, shop, "11", later));
    expect(keys).toEqual(["release:earn:11"]);
    const after = await cacheMatches(shop, "9007199254740993");
    expect(after.pending).toBe(0);
    expect(after.points).toBe(m.points + m.pending);
    expect(await ordersDueForRelease(b().db, shop, later, 100)).toEqual([]);
    expect(await writeTransaction(b().db, (tx) => applyOrderPoints(tx, shop, "11", later))).toEqual([]);
  });

  it("expiry takes the available points of a member inactive for expiryMonths, once", async () => {
    const shop = uniqueShop();
    await saveProgram(b().db, shop, "staff", PROGRAM);
    expect((await adjustPoints(b().db, shop, "staff", "7", 400, "goodwill")).ok).toBe(true);
    expect(await expireInactive(b().db, shop, new Date(), 100)).toEqual([]); // active today
    const inAYear = new Date(Date.now() + 366 * DAY);
    const keys = await expireInactive(b().db, shop, inAYear, 100);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^expire:7:\d{4}-\d{2}-\d{2}$/);
    expect((await cacheMatches(shop, "7")).points).toBe(0);
    expect(await expireInactive(b().db, shop, inAYear, 100)).toEqual([]);
  });

  it("the birthday bonus comes once a year and an edited birthday does not bring a second within 365 days", async () => {
    const shop = uniqueShop();
    await saveProgram(b().db, shop, "staff", PROGRAM);
    await adjustPoints(b().db, shop, "staff", "8", 10, "member");
    const day1 = new Date(Date.UTC(2027, 3, 23, 12));
    expect((await setBirthday(b().db, shop, "8", "04-23", new Date(Date.UTC(2027, 0, 1)))).ok).toBe(true);
    expect(await grantBirthdayBonuses(b().db, shop, new Date(Date.UTC(2027, 3, 22, 12)), 100)).toEqual([]);
    expect(await grantBirthdayBonuses(b().db, shop, day1, 100)).toEqual(["birthday:8:2027"]);
    expect(await grantBirthdayBonuses(b().db, shop, day1, 100)).toEqual([]);
    expect((await cacheMatches(shop, "8")).points).toBe(160);
    // The shopper moves their birthday to next week: no second bonus this year.
    await b().db.loyaltyMember.update({ where: { shopId_customerId: { shopId: shop, customerId: "8" } }, data: { birthday: "04-30" } });
    expect(await grantBirthdayBonuses(b().db, shop, new Date(Date.UTC(2027, 3, 30, 12)), 100)).toEqual([]);
    // Next year it comes again.
    expect(await grantBirthdayBonuses(b().db, shop, new Date(Date.UTC(2028, 3, 30, 12)), 100)).toEqual(["birthday:8:2028"]);
    expect((await cacheMatches(shop, "8")).points).toBe(310);
  });

  it("a disabled program releases nothing new, expires nothing and gives no birthday bonus", async () => {
    const shop = uniqueShop();
    await saveProgram(b().db, shop, "staff", { ...PROGRAM, enabled: false });
    await adjustPoints(b().db, shop, "staff", "9", 100, "member");
    await b().db.loyaltyMember.update({ where: { shopId_customerId: { shopId: shop, customerId: "9" } }, data: { birthday: "01-01" } });
    expect(await expireInactive(b().db, shop, new Date(Date.now() + 800 * DAY), 100)).toEqual([]);
    expect(await grantBirthdayBonuses(b().db, shop, new Date(Date.UTC(2030, 0, 1)), 100)).toEqual([]);
  });
});
