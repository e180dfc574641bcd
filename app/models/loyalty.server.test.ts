/** The loyalty ledger model, one shared suite on every backend. */
import { expect, it } from "vitest";
import { eachBackend, uniqueShop } from "../../tests/helpers/databases";
import { EXAMPLE_PROGRAM } from "../engine/loyalty/program";
import type { ProgramConfig } from "../engine/loyalty/types";
import type { Db } from "../db.server";
import {
  adjustPoints,
  debitPoints,
  entrySums,
  getMember,
  getProgram,
  importBalances,
  ledgerRows,
  listMembers,
  memberSummary,
  programAt,
  programPreview,
  saveProgram,
  setBirthday,
} from "./loyalty.server";
import { writeTransaction } from "./sql.server";

const enabled: ProgramConfig = { ...EXAMPLE_PROGRAM, enabled: true };

/** The cache must equal the sums of the entries, and no balance is negative. */
export async function expectCacheMatchesEntries(db: Db, shop: string) {
  const members = await db.loyaltyMember.findMany({ where: { shopId: shop } });
  for (const m of members) {
    const sums = await entrySums(db, shop, m.customerId);
    expect({ customerId: m.customerId, points: m.points, pending: m.pending, owed: m.owed, lifetimePoints: m.lifetimePoints }).toEqual({ customerId: m.customerId, ...sums });
    expect(m.points).toBeGreaterThanOrEqual(0);
    expect(m.pending).toBeGreaterThanOrEqual(0);
    expect(m.owed).toBeGreaterThanOrEqual(0);
  }
}

eachBackend("loyalty ledger model", (b) => {
  it("a fresh shop has no program; each change is a new version, an identical save is not", async () => {
    const shop = uniqueShop();
    expect(await getProgram(b().db, shop)).toBeNull();
    const v1 = await saveProgram(b().db, shop, "staff-1", EXAMPLE_PROGRAM);
    expect(v1).toEqual({ ok: true, value: { version: 1 } });
    expect(await saveProgram(b().db, shop, "staff-1", EXAMPLE_PROGRAM)).toEqual({ ok: true, value: { version: 1 } });
    const v2 = await saveProgram(b().db, shop, "staff-2", enabled);
    expect(v2).toEqual({ ok: true, value: { version: 2 } });
    const p = await getProgram(b().db, shop);
    expect(p?.version).toBe(2);
    expect(p?.config.enabled).toBe(true);
    // The version in effect before v2 was written is v1.
    const rows = await b().db.loyaltyProgram.findMany({ where: { shopId: shop }, orderBy: { version: "asc" } });
    expect((await programAt(b().db, shop, rows[0].createdAt))?.version).toBe(1);
    expect(await programAt(b().db, shop, new Date(rows[0].createdAt.getTime() - 1))).toBeNull();
    const events = await b().db.changeEvent.findMany({ where: { shopId: shop, kind: "config" } });
    expect(events.map((e) => e.entityId)).toEqual(["loyalty-program", "loyalty-program"]);
    const audit = await b().db.auditLog.findMany({ where: { shopId: shop }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.actor)).toEqual(["staff-1", "staff-2"]);
  });

  it("an invalid program writes nothing and names the field", async () => {
    const shop = uniqueShop();
    const bad = { ...enabled, tiers: [enabled.tiers[1], enabled.tiers[0]] };
    const r = await saveProgram(b().db, shop, "staff", bad);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors["tiers[1].threshold"]).toMatch(/ascending/);
    expect(await getProgram(b().db, shop)).toBeNull();
  });

  it("debitPoints: idempotent on key, refuses more than the balance, non-members and a disabled program", async () => {
    const shop = uniqueShop();
    const c = "9007199254740993";
    await saveProgram(b().db, shop, "s", enabled);
    expect(await writeTransaction(b().db, (tx) => debitPoints(tx, shop, c, { key: "redeem:r0", points: 10, redemptionId: "r0", rewardId: "five-off" }))).toEqual({
      ok: false,
      reason: "not_member",
      balance: 0,
    });
    expect((await adjustPoints(b().db, shop, "s", c, 700, "goodwill")).ok).toBe(true);
    const d1 = await writeTransaction(b().db, (tx) => debitPoints(tx, shop, c, { key: "redeem:r1", points: 500, redemptionId: "r1", rewardId: "five-off" }));
    expect(d1).toMatchObject({ ok: true, balance: 200 });
    const again = await writeTransaction(b().db, (tx) => debitPoints(tx, shop, c, { key: "redeem:r1", points: 500, redemptionId: "r1", rewardId: "five-off" }));
    expect(again).toEqual(d1);
    expect(await writeTransaction(b().db, (tx) => debitPoints(tx, shop, c, { key: "redeem:r2", points: 500, redemptionId: "r2", rewardId: "five-off" }))).toEqual({
      ok: false,
      reason: "insufficient",
      balance: 200,
    });
    await saveProgram(b().db, shop, "s", { ...enabled, enabled: false });
    expect(await writeTransaction(b().db, (tx) => debitPoints(tx, shop, c, { key: "redeem:r3", points: 100, redemptionId: "r3", rewardId: "five-off" }))).toMatchObject({
      ok: false,
      reason: "program_disabled",
    });
    const redeem = (await ledgerRows(b().db, shop, { customerId: c, limit: 10 })).filter((l) => l.kind === "redeem");
    expect(redeem.map((l) => [l.key, l.points])).toEqual([["redeem:r1", -500]]);
    const outbox = await b().db.loyaltyOutbox.findMany({ where: { shopId: shop, kind: "flow" } });
    expect(outbox.map((o) => JSON.parse(o.payload).type)).toContain("reward_redeemed");
    await expectCacheMatchesEntries(b().db, shop);
  });

  it("many concurrent debits against a balance covering one: exactly one succeeds", async () => {
    const shop = uniqueShop();
    const c = "42";
    await saveProgram(b().db, shop, "s", enabled);
    await adjustPoints(b().db, shop, "s", c, 500, "opening");
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        writeTransaction(b().db, (tx) => debitPoints(tx, shop, c, { key: `redeem:p${i}`, points: 500, redemptionId: `p${i}`, rewardId: "five-off" })).catch((e: Error) => ({ ok: false, reason: e.message })),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).every((r) => "reason" in r && r.reason === "insufficient")).toBe(true);
    expect((await getMember(b().db, shop, c))?.points).toBe(0);
    await expectCacheMatchesEntries(b().db, shop);
  });

  it("concurrent retries of one redemption key debit once and all answer the same entry", async () => {
    const shop = uniqueShop();
    const c = "43";
    await saveProgram(b().db, shop, "s", enabled);
    await adjustPoints(b().db, shop, "s", c, 5000, "opening");
    const results = await Promise.all(
      Array.from({ length: 10 }, () => writeTransaction(b().db, (tx) => debitPoints(tx, shop, c, { key: "redeem:same", points: 500, redemptionId: "same", rewardId: "five-off" }))),
    );
    expect(new Set(results.map((r) => (r.ok ? r.entryId : "failed"))).size).toBe(1);
    expect((await getMember(b().db, shop, c))?.points).toBe(4500);
    await expectCacheMatchesEntries(b().db, shop);
  });

  it("adjustPoints requires a reason, records the actor, never goes below 0", async () => {
    const shop = uniqueShop();
    const c = "77";
    expect(await adjustPoints(b().db, shop, "s", c, 100, "  ")).toEqual({ ok: false, errors: { reason: "A reason is required." } });
    expect((await adjustPoints(b().db, shop, "s", c, -1, "x")).ok).toBe(false); // not a member yet
    expect(await adjustPoints(b().db, shop, "staff-9", c, 100, "Late delivery")).toEqual({ ok: true, value: { balance: 100 } });
    const r = await adjustPoints(b().db, shop, "s", c, -101, "too much");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.delta).toMatch(/below 0/);
    expect(await adjustPoints(b().db, shop, "s", c, -100, "correction")).toEqual({ ok: true, value: { balance: 0 } });
    const lines = await ledgerRows(b().db, shop, { customerId: c, limit: 10 });
    expect(lines.map((l) => [l.kind, l.points, l.actor, l.reason])).toEqual([
      ["adjust", 100, "staff-9", "Late delivery"],
      ["adjust", -100, "s", "correction"],
    ]);
    expect(lines.every((l) => l.key.startsWith("adjust:"))).toBe(true);
    const changes = await b().db.changeEvent.findMany({ where: { shopId: shop, kind: "loyalty" } });
    expect(changes).toHaveLength(2);
    await expectCacheMatchesEntries(b().db, shop);
  });

  it("importBalances: a dry run writes nothing; a second import skips; bad lines are reported", async () => {
    const shop = uniqueShop();
    const rows = [
      { line: 2, customerId: "1001", points: 250 },
      { line: 3, customerId: "abc", points: 5 },
      { line: 4, customerId: "1002", points: -3 },
      { line: 5, customerId: "1001", points: 9 },
      { line: 6, customerId: "1003", points: 0 },
    ];
    const dry = await importBalances(b().db, shop, "s", rows, { dryRun: true });
    expect(dry).toEqual({ imported: 2, skipped: 0, errors: [expect.objectContaining({ line: 3 }), expect.objectContaining({ line: 4 }), expect.objectContaining({ line: 5 })] });
    expect(await b().db.loyaltyEntry.count({ where: { shopId: shop } })).toBe(0);
    expect(await b().db.loyaltyMember.count({ where: { shopId: shop } })).toBe(0);
    const real = await importBalances(b().db, shop, "s", rows, { dryRun: false });
    expect(real.imported).toBe(2);
    expect((await getMember(b().db, shop, "1001"))?.points).toBe(250);
    const twice = await importBalances(b().db, shop, "s", rows, { dryRun: false });
    expect(twice).toMatchObject({ imported: 0, skipped: 2 });
    expect((await getMember(b().db, shop, "1001"))?.points).toBe(250);
    await expectCacheMatchesEntries(b().db, shop);
  });

  it("setBirthday validates MM-DD and needs an enabled program; memberSummary and listMembers read the member", async () => {
    const shop = uniqueShop();
    expect((await setBirthday(b().db, shop, "5", "04-23")).ok).toBe(false);
    await saveProgram(b().db, shop, "s", enabled);
    expect(await setBirthday(b().db, shop, "5", "02-30")).toEqual({ ok: false, errors: { birthday: expect.stringMatching(/MM-DD/) } });
    expect(await setBirthday(b().db, shop, "5", "02-29")).toEqual({ ok: true, value: { birthday: "02-29" } });
    await adjustPoints(b().db, shop, "s", "6", 30, "x");
    const s = await memberSummary(b().db, shop, "5");
    expect(s).toMatchObject({ customerId: "5", points: 0, birthday: "02-29", tier: { id: "bronze", name: "Bronze" }, nextTier: { id: "silver", remaining: 50_000, basis: "spend" } });
    expect(await memberSummary(b().db, shop, "404")).toBeNull();
    const page1 = await listMembers(b().db, shop, { limit: 1 });
    expect(page1.rows.map((r) => r.customerId)).toEqual(["5"]);
    const page2 = await listMembers(b().db, shop, { limit: 1, cursor: page1.next! });
    expect(page2).toMatchObject({ rows: [{ customerId: "6", points: 30 }], next: null });
    expect((await listMembers(b().db, shop, { limit: 10, search: "6" })).rows.map((r) => r.customerId)).toEqual(["6"]);
    // Another shop's member is invisible.
    expect(await memberSummary(b().db, uniqueShop(), "5")).toBeNull();
  });

  it("programPreview counts members whose tier would change", async () => {
    const shop = uniqueShop();
    await saveProgram(b().db, shop, "s", enabled);
    await adjustPoints(b().db, shop, "s", "1", 10, "x");
    const preview = await programPreview(b().db, shop, { ...enabled, tiers: [{ ...enabled.tiers[0], threshold: 100 }] });
    expect(preview).toMatchObject({ members: 1, changeTier: 1, moveDown: 1, moveUp: 0 });
  });
});
