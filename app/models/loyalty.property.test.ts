/**
 * Property tests of the points ledger (issue #13), through the same model calls the webhook apply
 * path makes (app/services/apply.server.ts: upsertOrder / applyRefund, then applyOrderPoints), on a
 * real database. For random streams of orders across two program versions, duplicate deliveries,
 * partial refunds, cancellations and redemptions:
 * - after every step each member's cached balances equal the sums of their entries, and none is negative;
 * - replaying the webhook stream shuffled, with every delivery repeated, into a fresh shop yields the
 *   same ledger: the same entry keys, the same net and earned points per order, the same balances
 *   (see ledger() below for the one attribution that follows arrival order).
 */
import fc from "fast-check";
import { expect, it } from "vitest";
import { eachBackend, uniqueShop } from "../../tests/helpers/databases";
import type { OrderRecord, RefundRecord } from "../ingest/records";
import { EXAMPLE_PROGRAM } from "../engine/loyalty/program";
import { applyOrderPoints, debitPoints, entrySums, getMember, saveProgram } from "./loyalty.server";
import { applyRefund, upsertOrder } from "./orders.server";
import { query, writeTransaction } from "./sql.server";
import type { Db } from "../db.server";

const DAY = 86_400_000;
const NOW = new Date();
const CUSTOMERS = ["9007199254740993", "9007199254740995"];

type Delivery =
  | { type: "order"; id: string; customer: string; lines: { qty: number; price: number }[]; daysAgo: number }
  | { type: "cancel"; id: string; customer: string; lines: { qty: number; price: number }[]; daysAgo: number }
  | { type: "refund"; id: string; orderId: string; line: number; qty: number; daysAgo: number };
type Step = Delivery | { type: "redeem"; id: string; customer: string; points: number };

function orderRecord(d: Extract<Delivery, { type: "order" | "cancel" }>): OrderRecord {
  const at = new Date(NOW.getTime() - d.daysAgo * DAY);
  const cancelled = d.type === "cancel";
  return {
    id: d.id,
    name: `#${d.id}`,
    customerId: d.customer,
    customer: null,
    currency: "USD",
    totalCents: d.lines.reduce((s, l) => s + l.qty * l.price, 0),
    financialStatus: "paid",
    countryCode: "US",
    provinceCode: null,
    sourceName: "web",
    trafficSource: null,
    test: false,
    createdAt: at,
    // The cancellation is a later version of the same order (orders/cancelled, updated_at later).
    updatedAt: new Date(at.getTime() + (cancelled ? 3_600_000 : 0)),
    cancelledAt: cancelled ? new Date(at.getTime() + 3_600_000) : null,
    processedAt: at,
    lines: d.lines.map((l, i) => ({ id: `${d.id}${i}`, productId: "1", variantId: "11", title: "x", quantity: l.qty, priceCents: l.price, discountCents: 0 })),
    refunds: [],
  };
}

async function deliver(db: Db, shop: string, d: Delivery) {
  await writeTransaction(db, async (tx) => {
    if (d.type === "refund") {
      const r: RefundRecord = { id: d.id, orderId: d.orderId, createdAt: new Date(NOW.getTime() - d.daysAgo * DAY), amountCents: 0, lines: [{ id: `${d.id}l`, lineItemId: `${d.orderId}${d.line}`, quantity: d.qty }] };
      await applyRefund(tx, shop, r);
      await applyOrderPoints(tx, shop, d.orderId, NOW);
      return;
    }
    const applied = await upsertOrder(tx, shop, orderRecord(d), { customerRedacted: false });
    if (applied.changes.length) await applyOrderPoints(tx, shop, d.id, NOW);
  });
}

async function programs(db: Db, shop: string, opts: { entryRewards: boolean } = { entryRewards: true }) {
  // Two versions: orders placed before the change earn under the first, whatever order they arrive in.
  const tiers = opts.entryRewards ? EXAMPLE_PROGRAM.tiers : EXAMPLE_PROGRAM.tiers.map((t) => ({ ...t, entryRewardPoints: 0, multiplier: 1 }));
  const base = { ...EXAMPLE_PROGRAM, tiers, enabled: true, pendingDays: 14, signupBonus: 0 };
  expect((await saveProgram(db, shop, "staff", { ...base, pointsPerUnit: 1 }, new Date(NOW.getTime() - 90 * DAY))).ok).toBe(true);
  expect((await saveProgram(db, shop, "staff", { ...base, pointsPerUnit: 3 }, new Date(NOW.getTime() - 15 * DAY))).ok).toBe(true);
}

/**
 * The ledger as replay must reproduce it: the same entry keys, the same net points per order and
 * per customer, and the same earned points. What arrival order may change (and nothing else): when a
 * refund and the cancellation of one order both arrive, whichever is applied first reverses the
 * points and the other reverses what is left; and a reversal draws on pending or available points as
 * they stood when it was written. Entries are never rewritten to hide either.
 */
async function ledger(db: Db, shop: string) {
  const rows = await query<{ key: string; orderId: string | null; customerId: string; points: number; pending: number; owed: number; earnedPoints: number }>(
    db,
    `SELECT "key", "orderId", "customerId", "points", "pending", "owed", "earnedPoints" FROM "LoyaltyEntry" WHERE "shopId" = ? ORDER BY "key"`,
    [shop],
  );
  const net: Record<string, number> = {};
  const earned: Record<string, number> = {};
  for (const r of rows) {
    const k = r.orderId ?? r.key;
    net[k] = (net[k] ?? 0) + Number(r.points) + Number(r.pending) - Number(r.owed);
    earned[k] = (earned[k] ?? 0) + Number(r.earnedPoints);
  }
  return { keys: rows.map((r) => r.key), net, earned };
}

async function balances(db: Db, shop: string) {
  const out: Record<string, unknown> = {};
  for (const c of CUSTOMERS) {
    const m = await getMember(db, shop, c);
    out[c] = m ? { points: m.points, pending: m.pending, owed: m.owed } : null;
  }
  return out;
}

async function invariants(db: Db, shop: string) {
  for (const c of CUSTOMERS) {
    const m = await getMember(db, shop, c);
    if (!m) continue;
    const s = await entrySums(db, shop, c);
    expect({ points: m.points, pending: m.pending, owed: m.owed }).toEqual({ points: s.points, pending: s.pending, owed: s.owed });
    expect(m.points).toBeGreaterThanOrEqual(0);
    expect(m.pending).toBeGreaterThanOrEqual(0);
    expect(m.owed).toBeGreaterThanOrEqual(0);
  }
}

const lineArb = fc.record({ qty: fc.integer({ min: 1, max: 3 }), price: fc.integer({ min: 100, max: 8000 }) });
const streamArb = fc
  .array(
    fc.record({
      customer: fc.constantFrom(...CUSTOMERS),
      lines: fc.array(lineArb, { minLength: 1, maxLength: 3 }),
      daysAgo: fc.integer({ min: 1, max: 40 }),
      cancel: fc.boolean(),
      refunds: fc.array(fc.record({ line: fc.nat(2), qty: fc.integer({ min: 1, max: 3 }), after: fc.integer({ min: 0, max: 3 }) }), { maxLength: 2 }),
      redeem: fc.option(fc.integer({ min: 1, max: 400 }), { nil: null }),
    }),
    { minLength: 1, maxLength: 6 },
  )
  .map((orders) => {
    const steps: Step[] = [];
    orders.forEach((o, n) => {
      const id = String(1000 + n);
      steps.push({ type: "order", id, customer: o.customer, lines: o.lines, daysAgo: o.daysAgo });
      o.refunds.forEach((r, k) => {
        const line = r.line % o.lines.length;
        steps.push({ type: "refund", id: `${id}r${k}`, orderId: id, line, qty: Math.min(r.qty, o.lines[line].qty), daysAgo: Math.max(0, o.daysAgo - r.after) });
      });
      if (o.cancel) steps.push({ type: "cancel", id, customer: o.customer, lines: o.lines, daysAgo: o.daysAgo });
      if (o.redeem) steps.push({ type: "redeem", id: `rd${n}`, customer: o.customer, points: o.redeem });
    });
    return steps;
  });

eachBackend("loyalty ledger properties", (b) => {
  const runs = () => (b().name === "sqlite" ? 25 : 6);

  it("the cache equals the entries and nothing goes negative, through orders, duplicates, refunds, cancellations and redemptions", { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(streamArb, fc.array(fc.nat(40), { maxLength: 6 }), async (steps, dupes) => {
        const shop = uniqueShop("p");
        await programs(b().db, shop);
        const withDupes: Step[] = [...steps];
        for (const i of dupes) withDupes.splice(i % (withDupes.length + 1), 0, steps[i % steps.length]);
        for (const s of withDupes) {
          if (s.type === "redeem") {
            await writeTransaction(b().db, (tx) => debitPoints(tx, shop, s.customer, { key: `redeem:${s.id}`, points: s.points, redemptionId: s.id, rewardId: "five-off" }));
          } else await deliver(b().db, shop, s);
          await invariants(b().db, shop);
        }
      }),
      { numRuns: runs() },
    );
  });

  it("replaying the webhook stream in any order, any number of times, yields the same ledger", { timeout: 120_000 }, async () => {
    const deliveries = streamArb.map((s) => s.filter((x): x is Delivery => x.type !== "redeem"));
    await fc.assert(
      fc.asyncProperty(deliveries, fc.infiniteStream(fc.nat()), fc.integer({ min: 1, max: 3 }), async (stream, rand, times) => {
        const once = uniqueShop("a");
        const replayed = uniqueShop("b");
        // A tier's entry reward is granted when a member first reaches the tier and kept, so an order
        // that arrives before its own cancellation can grant it where the reverse order does not:
        // likewise an order earns at the multiplier of the tier its member held when it was applied,
        // which a late-arriving earlier order cannot change afterwards. Replay equality is asserted
        // without tier benefits (the first property covers them; docs/loyalty.md says so).
        await programs(b().db, once, { entryRewards: false });
        await programs(b().db, replayed, { entryRewards: false });
        for (const d of stream) await deliver(b().db, once, d);
        const shuffled = Array.from({ length: times }, () => stream).flat();
        const it = rand[Symbol.iterator]();
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = (it.next().value as number) % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
        }
        for (const d of shuffled) await deliver(b().db, replayed, d);
        expect(await ledger(b().db, replayed)).toEqual(await ledger(b().db, once));
        expect(await balances(b().db, replayed)).toEqual(await balances(b().db, once));
        await invariants(b().db, replayed);
      }),
      { numRuns: runs() },
    );
  });
});
