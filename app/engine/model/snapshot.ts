import type { CatalogProduct, CustomerFact, OrderFact, OrderLineFact } from "../types";
import { IntCounter } from "./int-counter";
import { Interner } from "./interner";
import type { ItemStats } from "./item-stats";
import { compareRecords, type OrderRecord } from "./order-record";
import { StoreModel, type ModelOptions } from "./store-model";

/*
 * Layout: "ATN1" | u32 header length | header JSON (facts, ids, small scalars) | padding to 8 |
 * Float64 trend | Int32 sections. The co-occurrence tables, which are what a rebuild spends its time
 * on, are stored as their raw hash slots, so restoring them is a copy, not a recount.
 */
const MAGIC = [0x41, 0x54, 0x4e, 0x31];

type CompactLine = [string, string | null, number, number, number];
type CompactOrder = [string, string | null, number, string | null, string | null, number, 0 | 1, string | null, CompactLine[]];

interface Header {
  statsOptions: StoreModel["statsOptions"];
  productIds: (string | null)[];
  products: (CatalogProduct | null)[];
  customerIds: (string | null)[];
  customers: (CustomerFact | null)[];
  orders: CompactOrder[];
  trendRef: number;
  totalBaskets: number;
  totalBuyers: number;
  countryTrend: [string, number[], number[]][];
  ints: { name: string; length: number }[];
  version: number;
}

export function encodeSnapshot(model: StoreModel): Uint8Array {
  const st = model.exportState();
  const stats = model.stats;
  const n = st.productIds.capacity;
  stats.ensure(n);
  const ints: { name: string; data: Int32Array }[] = [
    { name: "basketsWith", data: Int32Array.from(stats.basketsWith) },
    { name: "buyers", data: Int32Array.from(stats.buyers) },
    { name: "repeatBuyers", data: Int32Array.from(stats.repeatBuyers) },
    ...tableSections("coBasket", stats.coBasket, n),
    ...tableSections("coBuyer", stats.coBuyer, n),
  ];
  const header: Header = {
    statsOptions: model.statsOptions,
    productIds: st.productIds.toArray(),
    products: st.productFacts.slice(0, n).map((p) => p ?? null),
    customerIds: st.customerIds.toArray(),
    customers: st.customerFacts.map((c) => c ?? null),
    orders: [...st.orderRecords.values()].map((r) => compactOrder(r.fact)),
    trendRef: stats.trendRef,
    totalBaskets: stats.totalBaskets,
    totalBuyers: stats.totalBuyers,
    countryTrend: [...stats.countryTrend].map(([c, m]) => [c, [...m.keys()], [...m.values()]]),
    ints: ints.map((s) => ({ name: s.name, length: s.data.length })),
    version: 1,
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const trendAt = align8(8 + json.length);
  const intsAt = trendAt + n * 8;
  const total = intsAt + ints.reduce((a, s) => a + s.data.length * 4, 0);
  const out = new Uint8Array(total);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(4, json.length, true);
  out.set(json, 8);
  new Float64Array(out.buffer, trendAt, n).set(stats.trend.slice(0, n));
  let at = intsAt;
  for (const s of ints) {
    out.set(new Uint8Array(s.data.buffer, s.data.byteOffset, s.data.byteLength), at);
    at += s.data.byteLength;
  }
  return out;
}

export function decodeSnapshot(bytes: Uint8Array, opts: ModelOptions): StoreModel {
  if (bytes.length < 8 || MAGIC.some((b, i) => bytes[i] !== b)) throw new Error("Not an Attune model snapshot");
  // Copy once so the typed-array views below are aligned regardless of the caller's buffer.
  const buf = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  const jsonLength = new DataView(buf.buffer, buf.byteOffset).getUint32(4, true);
  const header = JSON.parse(new TextDecoder().decode(buf.subarray(8, 8 + jsonLength))) as Header;
  if (header.version !== 1) throw new Error(`Unsupported snapshot version ${header.version}`);
  const model = new StoreModel({ ...header.statsOptions, ...opts });
  const n = header.productIds.length;
  const trendAt = align8(8 + jsonLength);
  const trend = new Float64Array(buf.buffer, buf.byteOffset + trendAt, n);
  const sections = new Map<string, Int32Array>();
  let at = buf.byteOffset + trendAt + n * 8;
  for (const s of header.ints) {
    sections.set(s.name, new Int32Array(buf.buffer.slice(at, at + s.length * 4)));
    at += s.length * 4;
  }

  const stats: ItemStats = model.stats;
  stats.basketsWith = Array.from(sections.get("basketsWith")!);
  stats.buyers = Array.from(sections.get("buyers")!);
  stats.repeatBuyers = Array.from(sections.get("repeatBuyers")!);
  stats.trend = Array.from(trend);
  stats.changes = new Array(n).fill(0);
  stats.coBasket = readTable("coBasket", sections, n);
  stats.coBuyer = readTable("coBuyer", sections, n);
  stats.trendRef = header.trendRef;
  stats.totalBaskets = header.totalBaskets;
  stats.totalBuyers = header.totalBuyers;
  stats.countryTrend = new Map(header.countryTrend.map(([c, k, v]) => [c, new Map(k.map((key, i) => [key, v[i]]))]));

  const productIds = Interner.fromArray(header.productIds);
  const customerIds = Interner.fromArray(header.customerIds);
  const customerOrders: (OrderRecord[] | undefined)[] = [];
  const orderRecords = new Map<string, OrderRecord>();
  model.importState({
    productIds,
    productFacts: header.products.map((p) => p ?? undefined),
    customerIds,
    customerFacts: header.customers.map((c) => c ?? undefined),
    customerOrders,
    orderRecords,
  });
  for (const c of header.orders) {
    const rec = model.makeRecord(expandOrder(c));
    orderRecords.set(rec.fact.id, rec);
    if (rec.customer >= 0) (customerOrders[rec.customer] ??= []).push(rec);
  }
  for (const list of customerOrders) list?.sort(compareRecords);
  return model;
}

function tableSections(name: string, table: (IntCounter | undefined)[], n: number) {
  const offsets = new Int32Array(n + 1);
  let total = 0;
  for (let i = 0; i < n; i++) {
    offsets[i] = total;
    total += table[i]?.rawSlots().length ?? 0;
  }
  offsets[n] = total;
  const slots = new Int32Array(total);
  for (let i = 0; i < n; i++) {
    const s = table[i]?.rawSlots();
    if (s) slots.set(s, offsets[i]);
  }
  return [
    { name: `${name}.offsets`, data: offsets },
    { name: `${name}.slots`, data: slots },
  ];
}

function readTable(name: string, sections: Map<string, Int32Array>, n: number): (IntCounter | undefined)[] {
  const offsets = sections.get(`${name}.offsets`)!;
  const slots = sections.get(`${name}.slots`)!;
  const table: (IntCounter | undefined)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const a = offsets[i];
    const b = offsets[i + 1];
    table[i] = b > a ? IntCounter.fromSlots(slots.subarray(a, b)) : undefined;
  }
  return table;
}

function compactOrder(o: OrderFact): CompactOrder {
  return [
    o.id,
    o.customerId,
    o.createdAt,
    o.countryCode ?? null,
    o.provinceCode ?? null,
    o.totalCents,
    o.cancelled ? 1 : 0,
    o.trafficSource ?? null,
    o.lines.map((l) => [l.productId, l.variantId ?? null, l.quantity, l.priceCents, l.refundedQuantity ?? 0]),
  ];
}

function expandOrder(c: CompactOrder): OrderFact {
  const [id, customerId, createdAt, countryCode, provinceCode, totalCents, cancelled, trafficSource, lines] = c;
  const o: OrderFact = {
    id,
    customerId,
    createdAt,
    totalCents,
    lines: lines.map(([productId, variantId, quantity, priceCents, refunded]) => {
      const l: OrderLineFact = { productId, quantity, priceCents };
      if (variantId != null) l.variantId = variantId;
      if (refunded) l.refundedQuantity = refunded;
      return l;
    }),
  };
  if (countryCode != null) o.countryCode = countryCode;
  if (provinceCode != null) o.provinceCode = provinceCode;
  if (cancelled) o.cancelled = true;
  if (trafficSource != null) o.trafficSource = trafficSource;
  return o;
}

function align8(n: number): number {
  return (n + 7) & ~7;
}
