/**
 * The segment and rule model modules on every backend (SQLite; PostgreSQL with ATTUNE_TEST_PG_URL):
 * engine validation as field errors, audit entry + config change event in the write's transaction,
 * duplicate, delete, enable, reorder.
 */
import crypto from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { backendNames, createBackend, type Backend } from "../../tests/helpers/databases";
import { loadShopConfig } from "./shop-config.server";
import { deleteSegment, duplicateSegment, getSegment, listSegments, saveSegment } from "./segments.server";
import { deleteRule, duplicateRule, getRule, listRules, priorities, reorderRules, saveRule, setRuleEnabled } from "./rules.server";
import { ruleFromTemplate } from "../engine/rules/templates";

// recordAudit can be made to fail, to show that a write and its audit/change records are one transaction.
const failAudit = vi.hoisted(() => ({ on: false }));
vi.mock("./audit.server", async (orig) => {
  const real = await orig<typeof import("./audit.server")>();
  return { ...real, recordAudit: async (...args: Parameters<typeof real.recordAudit>) => {
    if (failAudit.on) throw new Error("audit unavailable");
    return real.recordAudit(...args);
  } };
});

const CA = { all: [{ field: "customer_country", op: "eq", value: "CA" }, { field: "lifetime_value_cents", op: "gt", value: 20000 }] };
const ruleInput = (over: Record<string, unknown> = {}) => ({
  name: "Canada home",
  segmentIds: ["country:ca"],
  placements: ["home"],
  strategy: "trending",
  content: { heading: "Hello Canada" },
  priority: 10,
  enabled: true,
  ...over,
});

describe.each(backendNames())("segment and rule models on %s", (name) => {
  let b: Backend;
  let shop: string;
  beforeAll(async () => {
    b = await createBackend(name);
  });
  afterAll(async () => b?.drop());
  beforeEach(async () => {
    shop = `m-${crypto.randomUUID().slice(0, 8)}.myshopify.com`;
    await b.db.shop.create({ data: { id: shop } });
  });

  const trail = async () => ({
    audit: await b.db.auditLog.findMany({ where: { shopId: shop }, orderBy: { id: "asc" } }),
    changes: await b.db.changeEvent.findMany({ where: { shopId: shop, kind: "config" }, orderBy: { id: "asc" } }),
  });

  it("saves a segment validated by the engine, with an audit entry and a config change", async () => {
    const bad = await saveSegment(b.db, shop, "staff-1", null, { name: "", condition: { all: [{ field: "lifetime_value", op: "gt", value: "x" }] } });
    expect(bad).toEqual({ ok: false, errors: { name: "name is required", "condition.all[0].field": expect.stringContaining('unknown field "lifetime_value"; did you mean "lifetime_value_cents"') } });
    expect((await trail()).audit).toEqual([]);

    const ok = await saveSegment(b.db, shop, "staff-1", null, { name: "Big spenders in Canada", description: " ", condition: CA });
    expect(ok).toMatchObject({ ok: true, value: { id: "big_spenders_in_canada", name: "Big spenders in Canada", description: null, condition: CA } });
    const again = await saveSegment(b.db, shop, "staff-1", null, { name: "Big spenders in Canada", condition: CA });
    expect(again.ok && again.value.id).toBe("big_spenders_in_canada_2");
    // Names of built-ins never become ids that shadow them.
    const vip = await saveSegment(b.db, shop, "staff-1", null, { name: "VIP", condition: CA });
    expect(vip.ok && vip.value.id).toBe("vip_2");

    const upd = await saveSegment(b.db, shop, "staff-2", "big_spenders_in_canada", { name: "Canadian big spenders", condition: { field: "customer_country", op: "eq", value: "CA" } });
    expect(upd.ok && upd.value.name).toBe("Canadian big spenders");
    expect(await saveSegment(b.db, shop, "staff-2", "gone", { name: "x", condition: CA })).toEqual({ ok: false, errors: { _form: "This segment no longer exists." } });

    const t = await trail();
    expect(t.audit.map((a) => [a.actor, a.action, a.entityType, a.entityId, a.summary])).toEqual([
      ["staff-1", "create", "segment", "big_spenders_in_canada", 'Created segment "Big spenders in Canada"'],
      ["staff-1", "create", "segment", "big_spenders_in_canada_2", 'Created segment "Big spenders in Canada"'],
      ["staff-1", "create", "segment", "vip_2", 'Created segment "VIP"'],
      ["staff-2", "update", "segment", "big_spenders_in_canada", 'Updated segment "Canadian big spenders"'],
    ]);
    expect(t.changes.map((c) => c.entityId)).toEqual(["segment:big_spenders_in_canada", "segment:big_spenders_in_canada_2", "segment:vip_2", "segment:big_spenders_in_canada"]);
    // The engine's loader reads what the model wrote.
    const cfg = (await loadShopConfig(b.db, shop))!;
    expect(cfg.problems).toEqual([]);
    expect(cfg.config.segments.map((s) => s.id).sort()).toEqual(["big_spenders_in_canada", "big_spenders_in_canada_2", "vip_2"]);
  });

  it("duplicates and deletes segments, refusing to delete one a rule targets", async () => {
    const seg = await saveSegment(b.db, shop, "a", null, { name: "Canada", condition: CA });
    if (!seg.ok) throw new Error("setup");
    const dup = await duplicateSegment(b.db, shop, "a", seg.value.id);
    expect(dup).toMatchObject({ ok: true, value: { id: "copy_of_canada", name: "Copy of Canada", condition: CA } });
    const rule = await saveRule(b.db, shop, "a", null, ruleInput({ segmentIds: ["canada"] }));
    expect(rule.ok).toBe(true);
    expect(await deleteSegment(b.db, shop, "a", "canada")).toEqual({ ok: false, errors: { _form: 'Used by rule "Canada home": remove it from them first.' } });
    expect(await deleteSegment(b.db, shop, "a", "copy_of_canada")).toEqual({ ok: true, value: { id: "copy_of_canada" } });
    expect(await getSegment(b.db, shop, "copy_of_canada")).toBeNull();
    expect((await listSegments(b.db, shop)).map((s) => s.id)).toEqual(["canada"]);
    const t = await trail();
    expect(t.audit.map((a) => a.action)).toEqual(["create", "duplicate", "create", "delete"]);
    expect(t.changes.map((c) => c.entityId)).toEqual(["segment:canada", "segment:copy_of_canada", `rule:${rule.ok && rule.value.id}`, "segment:copy_of_canada"]);
  });

  it("saves rules validated by the engine (segments known to the shop), and the engine loads them", async () => {
    const bad = await saveRule(b.db, shop, "a", null, ruleInput({ name: " ", placements: [], segmentIds: ["nope"], content: { bannerImageUrl: "http://x" }, offer: { id: "o", kind: "discount_code", title: "10%" }, startsAt: 2000, endsAt: 1000 }));
    expect(bad.ok).toBe(false);
    expect(Object.keys(!bad.ok ? bad.errors : {}).sort()).toEqual(["content.bannerImageUrl", "endsAt", "name", "offer.code", "placements"]);
    const unknownSeg = await saveRule(b.db, shop, "a", null, ruleInput({ segmentIds: ["vip", "nope"] }));
    expect(unknownSeg).toEqual({ ok: false, errors: { "segmentIds[1]": 'unknown segment "nope"' } });

    const filters = { maxPriceCents: 5000, pinnedProductIds: ["11"], excludeProductIds: ["12"], maxPerProductType: 2 };
    const ok = await saveRule(b.db, shop, "staff-9", null, ruleInput({ startsAt: Date.UTC(2026, 0, 1), endsAt: Date.UTC(2027, 0, 1), content: { heading: "Hi", linkUrl: "/collections/canada" }, filters, offer: { id: "o1", kind: "free_shipping", title: "Free shipping" } }));
    if (!ok.ok) throw new Error(JSON.stringify(ok.errors));
    expect(ok.value).toMatchObject({ name: "Canada home", startsAt: Date.UTC(2026, 0, 1), endsAt: Date.UTC(2027, 0, 1), filters, problem: null });
    const cfg = (await loadShopConfig(b.db, shop))!;
    expect(cfg.problems).toEqual([]);
    expect(cfg.config.rules).toEqual([expect.objectContaining({ id: ok.value.id, filters, content: { heading: "Hi", linkUrl: "/collections/canada" }, offer: { id: "o1", kind: "free_shipping", title: "Free shipping" } })]);

    const t = await trail();
    expect(t.audit.map((a) => [a.actor, a.action, a.entityId])).toEqual([["staff-9", "create", ok.value.id]]);
    expect(t.changes.map((c) => c.entityId)).toEqual([`rule:${ok.value.id}`]);
  });

  it("creates a template's missing segments with its rule, in one transaction", async () => {
    const t = ruleFromTemplate("priority_support_high_value")!;
    const { id: _id, ...input } = t.rule;
    const r = await saveRule(b.db, shop, "a", null, input, { createSegments: t.segments });
    expect(r.ok).toBe(true);
    expect(await getSegment(b.db, shop, "high_value_cart")).toMatchObject({ name: "High-value carts" });
    const again = await saveRule(b.db, shop, "a", null, input, { createSegments: t.segments });
    expect(again.ok).toBe(true);
    expect((await listSegments(b.db, shop)).length).toBe(1);
    expect((await trail()).audit.map((a) => `${a.entityType}.${a.action}`)).toEqual(["segment.create", "rule.create", "rule.create"]);
  });

  it("duplicates (disabled), enables, reorders and deletes rules", async () => {
    const ids: string[] = [];
    for (const [n, p] of [["A", 30], ["B", 20], ["C", 20]] as const) {
      const r = await saveRule(b.db, shop, "a", null, ruleInput({ name: n, priority: p }));
      if (!r.ok) throw new Error("setup");
      ids.push(r.value.id);
    }
    const dup = await duplicateRule(b.db, shop, "a", ids[0]);
    expect(dup).toMatchObject({ ok: true, value: { name: "Copy of A", enabled: false, priority: 30, segmentIds: ["country:ca"] } });
    expect(await setRuleEnabled(b.db, shop, "a", ids[1], false)).toMatchObject({ ok: true, value: { enabled: false } });

    const order = [ids[2], ids[0], ids[1]];
    const re = await reorderRules(b.db, shop, "a", order, "home");
    expect(re.ok).toBe(true);
    const ranked = (await listRules(b.db, shop)).filter((r) => order.includes(r.id));
    expect(ranked.map((r) => [r.name, r.priority])).toEqual([["C", 30], ["A", 20], ["B", 19]]);
    expect(await reorderRules(b.db, shop, "a", [ids[0], ids[0]])).toEqual({ ok: false, errors: { order: "A rule is listed twice." } });
    expect(await reorderRules(b.db, shop, "a", [ids[0], "gone"])).toEqual({ ok: false, errors: { order: "A rule in this list no longer exists." } });

    expect(await deleteRule(b.db, shop, "a", ids[1])).toEqual({ ok: true, value: { id: ids[1] } });
    expect(await getRule(b.db, shop, ids[1])).toBeNull();
    const t = await trail();
    expect(t.audit.map((a) => a.action)).toEqual(["create", "create", "create", "duplicate", "disable", "reorder", "delete"]);
    expect(t.audit.find((a) => a.action === "reorder")!.summary).toBe('Reordered home rules: "C" > "A" > "B"');
    // One change event per rule whose priority moved (C 20->30, A 30->20, B 20->19).
    expect(t.changes.length).toBe(3 + 1 + 1 + 3 + 1);
  });

  it("rolls a write back when its audit entry cannot be written (one transaction)", async () => {
    failAudit.on = true;
    try {
      await expect(saveSegment(b.db, shop, "a", null, { name: "Canada", condition: CA })).rejects.toThrow("audit unavailable");
      await expect(saveRule(b.db, shop, "a", null, ruleInput())).rejects.toThrow("audit unavailable");
    } finally {
      failAudit.on = false;
    }
    expect(await listSegments(b.db, shop)).toEqual([]);
    expect(await listRules(b.db, shop)).toEqual([]);
    expect((await trail()).changes).toEqual([]);
  });

  it("keeps each shop's rows to itself", async () => {
    const other = `o-${crypto.randomUUID().slice(0, 8)}.myshopify.com`;
    await b.db.shop.create({ data: { id: other } });
    const r = await saveRule(b.db, other, "a", null, ruleInput());
    if (!r.ok) throw new Error("setup");
    expect(await getRule(b.db, shop, r.value.id)).toBeNull();
    expect(await deleteRule(b.db, shop, "a", r.value.id)).toEqual({ ok: false, errors: { _form: "This rule no longer exists." } });
    expect(await listRules(b.db, shop)).toEqual([]);
  });
});

describe("priorities", () => {
  it("keeps the rules' own priorities, strictly decreasing in the new order", () => {
    expect(priorities([20, 30, 20])).toEqual([30, 20, 19]);
    expect(priorities([5, 5, 5])).toEqual([5, 4, 3]);
    expect(priorities([])).toEqual([]);
  });
});
