/**
 * Micro-benchmark for buildProfile, called by bench/run.ts (not a timed test: timings on shared CI
 * machines are too noisy to assert). Target: p50 well under 50 µs for a 20-order history.
 */
import type { CatalogProduct, OrderFact } from "../types";
import { buildProfile } from "./build";
import { priceBandsFromPrices } from "./stats";

const DAY = 86_400_000;

/** Deterministic PRNG so every run measures the same histories. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function syntheticCatalog(size: number, rand = lcg(7)): CatalogProduct[] {
  const types = ["Shirts", "Pants", "Socks", "Coffee", "Tea", "Mugs", "Candles", "Soap"];
  const vendors = ["Acme", "Northwind", "Globex", "Initech", "Umbrella"];
  const out: CatalogProduct[] = [];
  for (let i = 0; i < size; i++) {
    out.push({
      id: String(7_000_000_000_000 + i),
      title: `Product ${i}`,
      handle: `product-${i}`,
      productType: types[i % types.length],
      vendor: vendors[i % vendors.length],
      tags: [`tag-${i % 13}`, `tag-${i % 7}`, `material-${i % 5}`, "sale"].slice(0, 2 + (i % 3)),
      collections: [`c-${i % 11}`, `c-${i % 4}`],
      priceCents: 500 + Math.floor(rand() * 15_000),
      available: true,
      published: true,
      createdAt: 0,
    });
  }
  return out;
}

export function syntheticOrders(catalog: CatalogProduct[], count: number, now: number, rand = lcg(11)): OrderFact[] {
  const orders: OrderFact[] = [];
  let t = now - count * 30 * DAY;
  for (let i = 0; i < count; i++) {
    t += Math.floor((10 + rand() * 40) * DAY);
    const lines = [];
    const n = 1 + Math.floor(rand() * 4);
    let total = 0;
    for (let j = 0; j < n; j++) {
      const p = catalog[Math.floor(rand() * catalog.length)];
      const quantity = 1 + Math.floor(rand() * 2);
      total += quantity * p.priceCents;
      lines.push({ productId: p.id, quantity, priceCents: p.priceCents, refundedQuantity: rand() < 0.05 ? 1 : 0 });
    }
    orders.push({ id: String(9_000_000 + i), customerId: "1", createdAt: Math.min(t, now), countryCode: "US", totalCents: total, lines });
  }
  return orders;
}

export interface BenchResult {
  name: string;
  iterations: number;
  p50Us: number;
  p99Us: number;
  meanUs: number;
}

export function benchProfile(opts: { iterations?: number; orders?: number } = {}): BenchResult {
  const iterations = opts.iterations ?? 20_000;
  const now = Date.UTC(2025, 5, 1);
  const catalog = syntheticCatalog(200);
  const byId = new Map(catalog.map((p) => [p.id, p]));
  const lookup = (id: string) => byId.get(id);
  const priceBands = priceBandsFromPrices(catalog.map((p) => p.priceCents));
  // Several distinct histories so the branch predictor and caches see realistic variety.
  const histories = Array.from({ length: 16 }, (_, i) => syntheticOrders(catalog, opts.orders ?? 20, now, lcg(100 + i)));
  const customer = { id: "1", createdAt: 0, tags: [], birthday: "06-04", quizAnswers: { style: ["minimal"] } };

  for (let i = 0; i < 2_000; i++) buildProfile(customer, histories[i % 16], lookup, now, { priceBands });

  const samples = new Float64Array(iterations);
  let sink = 0;
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    sink += buildProfile(customer, histories[i % 16], lookup, now, { priceBands }).ordersCount;
    samples[i] = (performance.now() - start) * 1000;
  }
  if (sink < 0) throw new Error("unreachable: keeps the call from being optimised away");
  const sorted = Array.from(samples).sort((a, b) => a - b);
  const mean = sorted.reduce((s, v) => s + v, 0) / sorted.length;
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return { name: `buildProfile (${opts.orders ?? 20} orders)`, iterations, p50Us: pct(0.5), p99Us: pct(0.99), meanUs: mean };
}
