import type { CatalogProduct, CustomerFact, OrderFact, OrderLineFact } from "../types";
import { IntCounter } from "./int-counter";
import { Interner } from "./interner";
import type { ItemStats } from "./item-stats";
import type { OrderRecord } from "./order-record";
import { StoreModel, type ModelOptions } from "./store-model";

/*
 * Layout: "ATN1" | u32 header length | header JSON (catalog and customer facts, ids, string table,
 * small scalars) | padding to 8 | Float64 sections | Int32 sections. The co-occurrence tables, which
 * are what a rebuild spends its time on, are stored as their raw hash slots, so restoring them is a
 * copy, not a recount; orders are stored as columns.
 */
const MAGIC = [0x41, 0x54, 0x4e, 0x31];

/** Optional string fields are stored as an index into a string table, or one of these. */
const ABSENT = -1;
const NULL = -2;

interface Header {
  statsOptions: StoreModel["statsOptions"];
  productIds: (string | null)[];
  products: (CatalogProduct | null)[];
  customerIds: (string | null)[];
  customers: (CustomerFact | null)[];
  orderIds: string[];
  strings: string[];
  trendRef: number;
  totalBaskets: number;
  totalBuyers: number;
  countryTrend: [string, number[], number[]][];
  ints: { name: string; length: number }[];
  floats: { name: string; length: number }[];
  version: number;
}

export function encodeSnapshot(model: StoreModel): Uint8Array {
  const st = model.exportState();
  const stats = model.stats;
  const n = st.productIds.capacity;
  stats.ensure(n);
  const orders = encodeOrders(model.liveOrders(), (id) => st.productIds.find(id));
  const ints: { name: string; data: Int32Array }[] = [
    { name: "basketsWith", data: Int32Array.from(stats.basketsWith) },
    { name: "buyers", data: Int32Array.from(stats.buyers) },
    { name: "repeatBuyers", data: Int32Array.from(stats.repeatBuyers) },
    ...tableSections("coBasket", stats.coBasket, n),
    ...tableSections("coBuyer", stats.coBuyer, n),
    ...orders.ints,
  ];
  const floats: { name: string; data: Float64Array }[] = [
    { name: "trend", data: Float64Array.from(stats.trend.slice(0, n)) },
    ...orders.floats,
  ];
  const header: Header = {
    statsOptions: model.statsOptions,
    productIds: st.productIds.toArray(),
    products: st.productFacts.slice(0, n).map((p) => p ?? null),
    customerIds: st.customerIds.toArray(),
    customers: st.customerFacts.map((c) => c ?? null),
    orderIds: orders.ids,
    strings: orders.strings,
    trendRef: stats.trendRef,
    totalBaskets: stats.totalBaskets,
    totalBuyers: stats.totalBuyers,
    countryTrend: [...stats.countryTrend].map(([c, m]) => [c, [...m.keys()], [...m.values()]]),
    ints: ints.map((x) => ({ name: x.name, length: x.data.length })),
    floats: floats.map((x) => ({ name: x.name, length: x.data.length })),
    version: 2,
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const floatsAt = align8(8 + json.length);
  const intsAt = floatsAt + floats.reduce((a, x) => a + x.data.byteLength, 0);
  const total = intsAt + ints.reduce((a, x) => a + x.data.byteLength, 0);
  const out = new Uint8Array(total);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(4, json.length, true);
  out.set(json, 8);
  let at = floatsAt;
  for (const x of [...floats, ...ints]) {
    out.set(new Uint8Array(x.data.buffer, x.data.byteOffset, x.data.byteLength), at);
    at += x.data.byteLength;
  }
  return out;
}

export function decodeSnapshot(bytes: Uint8Array, opts: ModelOptions): StoreModel {
  if (bytes.length < 8 || MAGIC.some((b, i) => bytes[i] !== b)) throw new Error("Not an Attune model snapshot");
  // Copy once so the typed-array views below are aligned regardless of the caller's buffer.
  const buf = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  const jsonLength = new DataView(buf.buffer, buf.byteOffset).getUint32(4, true);
  const header = JSON.parse(new TextDecoder().decode(buf.subarray(8, 8 + jsonLength))) as Header;
  if (header.version !== 2) throw new Error(`Unsupported snapshot version ${header.version}`);
  const model = new StoreModel({ ...header.statsOptions, ...opts });
  const n = header.productIds.length;
  const floats = new Map<string, Float64Array>();
  let at = buf.byteOffset + align8(8 + jsonLength);
  for (const x of header.floats) {
    floats.set(x.name, new Float64Array(buf.buffer.slice(at, at + x.length * 8)));
    at += x.length * 8;
  }
  const sections = new Map<string, Int32Array>();
  for (const x of header.ints) {
    sections.set(x.name, new Int32Array(buf.buffer.slice(at, at + x.length * 4)));
    at += x.length * 4;
  }
  const trend = floats.get("trend")!;

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
  const columns = new OrderColumns(header, sections, floats);
  model.importState({
    productIds,
    productFacts: header.products.map((p) => p ?? undefined),
    customerIds,
    customerFacts: header.customers.map((c) => c ?? undefined),
    orders: (function* () {
      for (let k = 0; k < header.orderIds.length; k++) yield columns.fact(k);
    })(),
  });
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

/**
 * Orders as columns (ids and optional strings in the header, numbers as typed arrays, products and
 * customers as their interned indexes): a third of the size of JSON objects, and restoring is a
 * typed-array walk instead of parsing a few hundred megabytes of JSON.
 */
function encodeOrders(records: OrderRecord[], productIndex: (id: string) => number) {
  const strings: string[] = [];
  const stringIndex = new Map<string, number>();
  const str = (v: string | null | undefined) => {
    if (v === undefined) return ABSENT;
    if (v === null) return NULL;
    let i = stringIndex.get(v);
    if (i === undefined) stringIndex.set(v, (i = strings.length)), strings.push(v);
    return i;
  };
  const m = records.length;
  const lineCount = records.reduce((a, r) => a + r.fact.lines.length, 0);
  const customer = new Int32Array(m);
  const flags = new Int32Array(m);
  const country = new Int32Array(m);
  const province = new Int32Array(m);
  const traffic = new Int32Array(m);
  const lineStart = new Int32Array(m + 1);
  const createdAt = new Float64Array(m);
  const total = new Float64Array(m);
  const product = new Int32Array(lineCount);
  const variant = new Int32Array(lineCount);
  const quantity = new Int32Array(lineCount);
  const refunded = new Int32Array(lineCount);
  const price = new Float64Array(lineCount);
  const ids: string[] = [];
  let l = 0;
  records.forEach((r, k) => {
    const o = r.fact;
    ids.push(o.id);
    customer[k] = o.customerId == null ? (o.customerId === null ? NULL : ABSENT) : r.customer;
    flags[k] = o.cancelled === true ? 1 : o.cancelled === false ? 2 : 0;
    country[k] = str(o.countryCode);
    province[k] = str(o.provinceCode);
    traffic[k] = str(o.trafficSource);
    createdAt[k] = o.createdAt;
    total[k] = o.totalCents;
    lineStart[k] = l;
    for (const line of o.lines) {
      product[l] = productIndex(line.productId);
      variant[l] = str(line.variantId);
      quantity[l] = line.quantity;
      refunded[l] = line.refundedQuantity === undefined ? ABSENT : line.refundedQuantity;
      price[l] = line.priceCents;
      l++;
    }
  });
  lineStart[m] = l;
  return {
    ids,
    strings,
    ints: Object.entries({ customer, flags, country, province, traffic, lineStart, product, variant, quantity, refunded }).map(
      ([name, data]) => ({ name: `orders.${name}`, data }),
    ),
    floats: Object.entries({ createdAt, total, price }).map(([name, data]) => ({ name: `orders.${name}`, data })),
  };
}

/** A snapshot's order columns, read back one fact at a time into the restored model's order log. */
class OrderColumns {
  private readonly c: Record<string, Int32Array>;
  private readonly createdAt: Float64Array;
  private readonly total: Float64Array;
  private readonly price: Float64Array;

  constructor(
    private readonly header: Header,
    ints: Map<string, Int32Array>,
    floats: Map<string, Float64Array>,
  ) {
    this.c = {};
    for (const name of ["customer", "flags", "country", "province", "traffic", "lineStart", "product", "variant", "quantity", "refunded"]) {
      this.c[name] = ints.get(`orders.${name}`)!;
    }
    this.createdAt = floats.get("orders.createdAt")!;
    this.total = floats.get("orders.total")!;
    this.price = floats.get("orders.price")!;
  }

  fact(k: number): OrderFact {
    const { c, header } = this;
    const { strings, productIds, customerIds } = header;
    const setStr = <T extends object>(obj: T, key: keyof T, code: number) => {
      if (code === NULL) (obj as Record<keyof T, unknown>)[key] = null;
      else if (code >= 0) (obj as Record<keyof T, unknown>)[key] = strings[code];
    };
    const lines: OrderLineFact[] = [];
    for (let l = c.lineStart[k]; l < c.lineStart[k + 1]; l++) {
      const line: OrderLineFact = { productId: productIds[c.product[l]]!, quantity: c.quantity[l], priceCents: this.price[l] };
      setStr(line, "variantId", c.variant[l]);
      if (c.refunded[l] !== ABSENT) line.refundedQuantity = c.refunded[l];
      lines.push(line);
    }
    const cust = c.customer[k];
    const o: OrderFact = {
      id: header.orderIds[k],
      customerId: cust >= 0 ? customerIds[cust]! : null,
      createdAt: this.createdAt[k],
      totalCents: this.total[k],
      lines,
    };
    if (cust === ABSENT) delete (o as Partial<OrderFact>).customerId;
    setStr(o, "countryCode", c.country[k]);
    setStr(o, "provinceCode", c.province[k]);
    setStr(o, "trafficSource", c.traffic[k]);
    if (c.flags[k] === 1) o.cancelled = true;
    else if (c.flags[k] === 2) o.cancelled = false;
    return o;
  }
}

function align8(n: number): number {
  return (n + 7) & ~7;
}
