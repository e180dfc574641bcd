import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { beforeAll, expect, it } from "vitest";
import { eachBackend } from "../../tests/helpers/databases";
import { seedStore, type SeedOrder } from "../../tests/helpers/store";
import type { DatasetResult } from "../engine/eval/suite";
import { exportShopHistory, writeShopHistory } from "./shop-history-export.server";

const shop = "regulars.myshopify.com";
const other = "elsewhere.myshopify.com";
const products = Array.from({ length: 30 }, (_, i) => ({ id: String(8_000_000_000_000_000n + BigInt(i)), title: `Product ${i}` }));
const pid = (i: number) => products[i].id;
const customers = Array.from({ length: 8 }, (_, k) => String(9_100_000_000_000_000n + BigInt(k)));

/**
 * Eight customers, each re-buying one regular product (product k) in each of four orders, with two
 * other products that change from order to order; the last order is the regular alone. Plus noise
 * the export must leave out: a guest order, a test order, a customer with one order, another shop.
 */
function orders(): SeedOrder[] {
  const out: SeedOrder[] = [];
  customers.forEach((c, k) => {
    for (let n = 0; n < 3; n++) out.push({ id: `${5_000 + k * 10 + n}`, customerId: c, daysAgo: 50 - n * 10, lines: [pid(k), pid(10 + ((k + n) % 20)), pid(10 + ((k + n + 7) % 20))] });
    out.push({ id: `${5_000 + k * 10 + 9}`, customerId: c, daysAgo: 5, lines: [pid(k)] });
  });
  out.push({ id: "6001", customerId: null, daysAgo: 3, lines: [pid(1)] });
  out.push({ id: "6002", customerId: customers[0], daysAgo: 1, test: true, lines: [pid(29)] });
  out.push({ id: "6003", customerId: "9200000000000000001", daysAgo: 2, lines: [pid(2)] });
  return out;
}

eachBackend("npm run eval -- --shop", (backend) => {
  beforeAll(async () => {
    await seedStore(backend().db, shop, { products, customers: [...customers, "9200000000000000001"], orders: orders() });
    await seedStore(backend().db, other, { products, customers, orders: [{ id: "7001", customerId: customers[0], daysAgo: 1, lines: [pid(28)] }] });
  }, 60_000);

  it("exports each returning customer's orders in the Reality Check layout, the last order as the truth", async () => {
    const { data, titles } = await exportShopHistory(backend().db, shop);
    expect(Object.keys(data.future).sort()).toEqual([...customers].sort());
    const num = (i: number) => data.items.indexOf(pid(i));
    // Customer 0: three orders of history (oldest first, wrapped in [-1] markers), then the regular alone.
    expect(data.history[customers[0]]).toEqual([[-1], [num(0), num(10), num(17)], [num(0), num(11), num(18)], [num(0), num(12), num(19)], [-1]]);
    expect(data.future[customers[0]]).toEqual([[-1], [num(0)], [-1]]);
    // The test order, the other shop's order and the one-order customer's product never appear.
    expect(data.items).not.toContain(pid(29));
    expect(data.items).not.toContain(pid(28));
    expect(titles.get(String(num(3)))).toBe("Product 3");
  });

  it("writes files the evaluation reads back", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "attune-export-"));
    const files = await writeShopHistory(backend().db, shop, dir);
    expect(files.customers).toBe(8);
    const items = JSON.parse(readFileSync(files.items, "utf8")) as string[];
    expect(items.every((id) => typeof id === "string" && products.some((p) => p.id === id))).toBe(true);
  });

  it("evaluates the shop: re-bought products are found by the personal strategies, not by best-sellers", async () => {
    if (backend().name !== "sqlite") return; // the CLI run reads DATABASE_URL; one backend is enough
    const out = mkdtempSync(path.join(os.tmpdir(), "attune-eval-"));
    const root = path.resolve(__dirname, "../..");
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/eval.ts", "--shop", shop, "--out", out, "--no-tifu", "--json"], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: backend().url },
    });
    const [result] = (JSON.parse(stdout) as { datasets: DatasetResult[] }).datasets;
    expect(result.dataset).toBe(shop);
    expect(result.users).toBe(8);
    // Each truth is the shopper's regular, in all of their orders: their own counts find it first.
    expect(result.rows["P-TopFreq"]["Recall@10"]).toBe(1);
    expect(result.rows.picked_for_you["Recall@10"]).toBe(1);
    expect(result.rows.buy_again["Recall@10"]).toBe(1);
    // Eight regulars, each bought by one customer, lose to the changing extras on popularity.
    expect(result.rows["G-TopFreq"]["Recall@10"]).toBeLessThan(1);
  }, 120_000);

  it("refuses a malformed shop domain", async () => {
    const root = path.resolve(__dirname, "../..");
    const run = promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/eval.ts", "--shop", "not a shop"], { cwd: root });
    await expect(run).rejects.toMatchObject({ stderr: expect.stringMatching(/--shop needs a shop domain/) });
  });
});
