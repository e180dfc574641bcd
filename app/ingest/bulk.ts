/**
 * Bulk operation results (JSONL) -> normalized records, read as a stream.
 *
 * Shopify writes one JSON object per line. Objects of a nested connection (variants, collections,
 * line items) are their own lines carrying `__parentId`, the parent's gid. Since API 2025-10 the
 * output is not grouped by default (`groupObjects: false`), so a child line may come anywhere: after
 * other parents, or even before its own parent. Records are therefore assembled as lines arrive and
 * emitted in the order of their root lines once the input ends (or, with `grouped: true`, as soon as
 * the next root line starts). Memory is proportional to one stage's result.
 *
 * Each emitted record carries `line`: the 1-based line number of its root row. The backfill applies
 * records in that order and stores the last applied `line` as its resume point.
 *
 * Ids go through fromGid (strings end to end: Shopify ids exceed 2^53), money through toCents.
 */
import { cartPlacement, lineAttribution } from "./attribution";
import { fromGid } from "./ids";
import { toCents } from "./money";
import { type CustomerRecord, type OrderRecord, type ProductRecord, type RefundRecord, splitTags, trafficSourceOf } from "./records";

export type BulkKind = "products" | "customers" | "orders";
type RecordOf<K extends BulkKind> = K extends "products" ? ProductRecord : K extends "customers" ? CustomerRecord : OrderRecord;

export interface BulkItem<T> {
  /** 1-based line number of the record's root row. */
  line: number;
  record: T;
}

type Row = Record<string, any>;
interface Pending {
  line: number;
  row: Row;
  children: Row[];
}

export interface BulkParseOptions {
  /** The file was produced with groupObjects: true (children directly below their parent): emit eagerly. */
  grouped?: boolean;
  /** Called for child rows whose parent never appeared (counted, not fatal). */
  onOrphan?: (row: Row) => void;
}

function gidType(gid: unknown): string {
  const m = typeof gid === "string" ? /^gid:\/\/shopify\/([A-Za-z]+)\//.exec(gid) : null;
  return m ? m[1] : "";
}

const date = (s: unknown): Date | null => {
  if (typeof s !== "string" || !s) return null;
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) throw new Error(`invalid date "${s}"`);
  return d;
};
const idOrNull = (o: unknown): string | null => (o && typeof o === "object" && typeof (o as Row).id === "string" ? fromGid((o as Row).id) : null);
const lower = (s: unknown, fallback: string) => (typeof s === "string" && s ? s.toLowerCase() : fallback);

export function productFromBulk(row: Row, children: Row[]): ProductRecord {
  const variants = children.filter((c) => gidType(c.id) === "ProductVariant");
  const collections = children.filter((c) => gidType(c.id) === "Collection");
  return {
    id: fromGid(row.id),
    title: String(row.title ?? ""),
    handle: String(row.handle ?? ""),
    productType: row.productType ?? "",
    vendor: row.vendor ?? "",
    tags: splitTags(row.tags),
    collections: [...new Set(collections.map((c) => String(c.handle)).filter(Boolean))],
    status: lower(row.status, "active"),
    publishedAt: date(row.publishedAt),
    imageUrl: row.featuredMedia?.preview?.image?.url ?? null,
    createdAt: date(row.createdAt),
    updatedAt: date(row.updatedAt),
    variants: variants.map((v, i) => ({
      id: fromGid(v.id),
      title: v.title ?? "",
      priceCents: toCents(v.price),
      available: v.availableForSale !== false,
      position: typeof v.position === "number" ? v.position : i + 1,
    })),
  };
}

export function customerFromBulk(row: Row): CustomerRecord {
  return {
    id: fromGid(row.id),
    state: lower(row.state, "enabled"),
    countryCode: row.defaultAddress?.countryCodeV2 ?? null,
    provinceCode: row.defaultAddress?.provinceCode ?? null,
    tags: splitTags(row.tags),
    createdAt: date(row.createdAt),
    updatedAt: date(row.updatedAt),
  };
}

export function orderFromBulk(row: Row, children: Row[]): OrderRecord {
  const id = fromGid(row.id);
  const addr = row.shippingAddress ?? row.billingAddress ?? null;
  const visit = row.customerJourneySummary?.lastVisit ?? row.customerJourneySummary?.firstVisit ?? null;
  const createdAt = date(row.createdAt);
  if (!createdAt) throw new Error(`order ${row.id} has no createdAt`);
  const updatedAt = date(row.updatedAt);
  const refunds: RefundRecord[] = (Array.isArray(row.refunds) ? row.refunds : []).map((r: Row) => ({
    id: fromGid(r.id),
    orderId: id,
    createdAt: date(r.createdAt) ?? updatedAt ?? createdAt,
    amountCents: toCents(r.totalRefundedSet?.shopMoney?.amount),
    // Filled in by the backfill (refund line items cannot be bulk-queried: Order.refunds is a list).
    lines: [],
  }));
  return {
    id,
    name: row.name ?? "",
    customerId: idOrNull(row.customer),
    customer: null,
    currency: row.currencyCode ?? "USD",
    totalCents: toCents(row.totalPriceSet?.shopMoney?.amount),
    financialStatus: typeof row.displayFinancialStatus === "string" ? row.displayFinancialStatus.toLowerCase() : null,
    countryCode: addr?.countryCodeV2 ?? null,
    provinceCode: addr?.provinceCode ?? null,
    sourceName: row.sourceName ?? null,
    trafficSource: trafficSourceOf(visit?.landingPage, visit?.referrerUrl),
    test: row.test === true,
    createdAt,
    updatedAt,
    cancelledAt: date(row.cancelledAt),
    lines: children
      .filter((c) => gidType(c.id) === "LineItem")
      .map((l) => ({
        id: fromGid(l.id),
        productId: idOrNull(l.product),
        variantId: idOrNull(l.variant),
        title: l.title ?? "",
        quantity: Number(l.quantity ?? 0),
        priceCents: toCents(l.originalUnitPriceSet?.shopMoney?.amount),
        ...lineAttribution(l.customAttributes),
      })),
    refunds,
    lastPlacement: cartPlacement(row.customAttributes),
  };
}

function build<K extends BulkKind>(kind: K, p: Pending): RecordOf<K> {
  try {
    switch (kind) {
      case "products":
        return productFromBulk(p.row, p.children) as RecordOf<K>;
      case "customers":
        return customerFromBulk(p.row) as RecordOf<K>;
      default:
        return orderFromBulk(p.row, p.children) as RecordOf<K>;
    }
  } catch (e) {
    throw new Error(`bulk ${kind} line ${p.line}: ${(e as Error).message}`);
  }
}

/** Splits a byte or text stream into lines without holding the whole body. */
export async function* jsonlLines(source: AsyncIterable<Uint8Array | string>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let rest = "";
  for await (const chunk of source) {
    rest += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = rest.indexOf("\n")) >= 0) {
      yield rest.slice(0, nl).replace(/\r$/, "");
      rest = rest.slice(nl + 1);
    }
  }
  rest += decoder.decode();
  if (rest.length) yield rest.replace(/\r$/, "");
}

/**
 * Assembles records from JSONL lines. Blank lines count as lines (so line numbers match the file)
 * but carry nothing.
 */
export async function* readBulk<K extends BulkKind>(kind: K, lines: AsyncIterable<string> | Iterable<string>, opts: BulkParseOptions = {}): AsyncGenerator<BulkItem<RecordOf<K>>> {
  const roots = new Map<string, Pending>();
  const order: Pending[] = [];
  const orphans = new Map<string, Row[]>();
  let emitted = 0;
  let lineNo = 0;
  for await (const text of lines as AsyncIterable<string>) {
    lineNo++;
    if (!text.trim()) continue;
    let row: Row;
    try {
      row = JSON.parse(text);
    } catch {
      throw new Error(`bulk ${kind} line ${lineNo}: not JSON`);
    }
    const parent = row.__parentId as string | undefined;
    if (parent) {
      const p = roots.get(parent);
      if (p) p.children.push(row);
      else {
        let list = orphans.get(parent);
        if (!list) orphans.set(parent, (list = []));
        list.push(row);
      }
      continue;
    }
    if (typeof row.id !== "string") throw new Error(`bulk ${kind} line ${lineNo}: root row without id`);
    const p: Pending = { line: lineNo, row, children: orphans.get(row.id) ?? [] };
    orphans.delete(row.id);
    if (opts.grouped && order.length > emitted) {
      // Grouped output: the previous root is complete once the next one starts.
      while (emitted < order.length) {
        const done = order[emitted++];
        roots.delete(done.row.id);
        yield { line: done.line, record: build(kind, done) };
      }
    }
    roots.set(row.id, p);
    order.push(p);
  }
  for (const [, rows] of orphans) for (const r of rows) opts.onOrphan?.(r);
  while (emitted < order.length) {
    const done = order[emitted++];
    yield { line: done.line, record: build(kind, done) };
  }
}

/** Convenience for tests and small files. */
export async function parseBulkText<K extends BulkKind>(kind: K, text: string, opts?: BulkParseOptions): Promise<BulkItem<RecordOf<K>>[]> {
  const out: BulkItem<RecordOf<K>>[] = [];
  for await (const item of readBulk(kind, text.split("\n"), opts)) out.push(item);
  return out;
}
