import type { Id, OrderFact, OrderLineFact } from "../types";
import { Interner } from "./interner";
import type { OrderRecord } from "./order-record";

/** Optional string fields are stored as an index into the log's string table, or one of these. */
const ABSENT = -1;
const NULL = -2;

/**
 * Every order a model holds, as columns in a few growable typed arrays rather than an object graph
 * per order. Order history is most of an engine's heap: held as objects (fact, lines, id strings,
 * two typed arrays per record), a store of 1M order lines was ~4M heap objects, and every major GC
 * had to mark them all (~400 ms of marking; on a busy 2-core machine that stalled the engine
 * thread's decisions for up to 0.6 s, docs/benchmarks.md). Typed-array contents are never scanned.
 *
 * Orders live in numbered slots. Append-only: a revised order (refund, edit, redaction) is appended
 * to a new slot and the old one is left dead (StoreModel drops its references); dead slots are
 * reclaimed when the engine is rebuilt. A slot's OrderFact is decoded on request, exactly as given.
 */
export class OrderLog {
  private n = 0;
  private readonly ids: Id[] = [];
  /** Interned customer index, -1 for a guest. */
  private customer = new Int32Array(256);
  /** The fact's customerId as given: an index into customerIds, or NULL / ABSENT. */
  private customerCode = new Int32Array(256);
  /** cancelled: 0 absent, 1 true, 2 false. */
  private flags = new Int8Array(256);
  private country = new Int32Array(256);
  private province = new Int32Array(256);
  private traffic = new Int32Array(256);
  private createdAt = new Float64Array(256);
  private total = new Float64Array(256);
  /** Slot k's lines are [lineStart[k], lineStart[k + 1]); its items likewise in itemStart. */
  private lineStart = new Int32Array(257);
  private itemStart = new Int32Array(257);

  private lines = 0;
  private lineProduct = new Int32Array(1024);
  private lineVariant = new Int32Array(1024);
  private lineQuantity = new Float64Array(1024);
  /** NaN when the line has no refundedQuantity. */
  private lineRefunded = new Float64Array(1024);
  private linePrice = new Float64Array(1024);

  private itemCount = 0;
  /** Distinct product indexes with a positive net quantity, ascending per slot. */
  private items = new Int32Array(1024);
  private quantities = new Int32Array(1024);

  /** Every other string field's values (product and variant ids, countries, traffic sources). */
  private readonly strings = new Interner();
  /** Customer ids apart from the other strings, so a redaction can drop one (see forgetCustomer). */
  private readonly customerIds = new Interner();

  get slots(): number {
    return this.n;
  }

  /**
   * Appends an order and returns its slot. Only lines with a positive net quantity count as items
   * (a cancelled order counts for nothing), so a refund re-delivered as a new version shrinks the
   * order's contribution; internProduct is called for those lines only.
   */
  append(fact: OrderFact, customer: number, internProduct: (id: string) => number): number {
    const k = this.n++;
    if (k + 1 >= this.customer.length) this.growSlots();
    this.ids.push(fact.id);
    this.customer[k] = customer;
    this.customerCode[k] = codeIn(this.customerIds, fact.customerId);
    this.flags[k] = fact.cancelled === true ? 1 : fact.cancelled === false ? 2 : 0;
    this.country[k] = this.code(fact.countryCode);
    this.province[k] = this.code(fact.provinceCode);
    this.traffic[k] = this.code(fact.trafficSource);
    this.createdAt[k] = fact.createdAt;
    this.total[k] = fact.totalCents;

    if (this.lines + fact.lines.length > this.lineProduct.length) this.growLines(this.lines + fact.lines.length);
    const units = new Map<number, number>();
    for (const line of fact.lines) {
      const l = this.lines++;
      this.lineProduct[l] = this.code(line.productId);
      this.lineVariant[l] = this.code(line.variantId);
      this.lineQuantity[l] = line.quantity;
      this.lineRefunded[l] = line.refundedQuantity === undefined ? NaN : line.refundedQuantity;
      this.linePrice[l] = line.priceCents;
      if (fact.cancelled) continue;
      const net = (line.quantity | 0) - (line.refundedQuantity ?? 0);
      if (net <= 0) continue;
      const p = internProduct(line.productId);
      units.set(p, (units.get(p) ?? 0) + net);
    }
    this.lineStart[k + 1] = this.lines;

    if (this.itemCount + units.size > this.items.length) this.growItems(this.itemCount + units.size);
    const start = this.itemCount;
    for (const p of units.keys()) this.items[this.itemCount++] = p;
    this.items.subarray(start, this.itemCount).sort();
    for (let j = start; j < this.itemCount; j++) this.quantities[j] = units.get(this.items[j])!;
    this.itemStart[k + 1] = this.itemCount;
    return k;
  }

  id(k: number): Id {
    return this.ids[k];
  }

  customerAt(k: number): number {
    return this.customer[k];
  }

  cancelled(k: number): boolean {
    return this.flags[k] === 1;
  }

  createdAtOf(k: number): number {
    return this.createdAt[k];
  }

  itemCountOf(k: number): number {
    return this.itemStart[k + 1] - this.itemStart[k];
  }

  /** Slot k's item indexes (a view into the log, see record). */
  itemsOf(k: number): Int32Array {
    return this.items.subarray(this.itemStart[k], this.itemStart[k + 1]);
  }

  /** Oldest first; ties broken by id so a customer's history has one order whatever the arrival order. */
  compare(a: number, b: number): number {
    const d = this.createdAt[a] - this.createdAt[b];
    if (d) return d;
    const x = this.ids[a];
    const y = this.ids[b];
    return x < y ? -1 : x > y ? 1 : 0;
  }

  /** Inserts slot k into a list of slots sorted by compare (webhooks arrive out of order). */
  insertSorted(list: number[], k: number): void {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.compare(list[mid], k) <= 0) lo = mid + 1;
      else hi = mid;
    }
    list.splice(lo, 0, k);
  }

  /**
   * Slot k as an OrderRecord; its fact is decoded on first use and then kept by the record. Its
   * items are views into the log's arrays: a slot's contents never change, and a view keeps the
   * buffer it was made on alive, so the record stays valid however the log grows.
   */
  record(k: number): OrderRecord {
    const a = this.itemStart[k];
    const b = this.itemStart[k + 1];
    return new SlotRecord(this, k, this.ids[k], this.customer[k], this.createdAt[k], this.items.subarray(a, b), this.quantities.subarray(a, b), this.countryOf(k));
  }

  /** Slot k's fact, exactly as appended (optional fields absent stay absent). */
  fact(k: number): OrderFact {
    const lines: OrderLineFact[] = [];
    for (let l = this.lineStart[k]; l < this.lineStart[k + 1]; l++) {
      const line = { productId: this.decode(this.lineProduct[l]) } as OrderLineFact;
      this.assign(line, "variantId", this.lineVariant[l]);
      line.quantity = this.lineQuantity[l];
      line.priceCents = this.linePrice[l];
      if (!Number.isNaN(this.lineRefunded[l])) line.refundedQuantity = this.lineRefunded[l];
      lines.push(line);
    }
    const o = { id: this.ids[k] } as OrderFact;
    const c = this.customerCode[k];
    if (c !== ABSENT) o.customerId = c === NULL ? null : this.customerIds.idAt(c)!;
    o.createdAt = this.createdAt[k];
    this.assign(o, "countryCode", this.country[k]);
    this.assign(o, "provinceCode", this.province[k]);
    o.totalCents = this.total[k];
    if (this.flags[k] === 1) o.cancelled = true;
    else if (this.flags[k] === 2) o.cancelled = false;
    this.assign(o, "trafficSource", this.traffic[k]);
    o.lines = lines;
    return o;
  }

  /**
   * GDPR redaction: no slot names the customer any more, live or dead (their orders have already
   * been replaced by anonymous versions), and the id itself is dropped from the log. A scan of one
   * int column: redactions are rare.
   */
  forgetCustomer(customerId: Id): void {
    const c = this.customerIds.find(customerId);
    if (c < 0) return;
    for (let k = 0; k < this.n; k++) {
      if (this.customerCode[k] !== c) continue;
      this.customer[k] = -1;
      this.customerCode[k] = NULL;
    }
    this.customerIds.forget(customerId);
  }

  /** Upper-cased country code, or "" when unknown. */
  private countryOf(k: number): string {
    const c = this.country[k];
    return c >= 0 ? this.strings.idAt(c)!.toUpperCase() : "";
  }

  private code(v: string | null | undefined): number {
    return codeIn(this.strings, v);
  }

  private decode(code: number): string {
    return this.strings.idAt(code)!;
  }

  private assign<T extends object>(obj: T, key: keyof T, code: number): void {
    if (code === ABSENT) return;
    (obj as Record<keyof T, unknown>)[key] = code === NULL ? null : this.strings.idAt(code);
  }

  private growSlots(): void {
    const size = this.customer.length * 2;
    this.customer = grown(this.customer, size);
    this.customerCode = grown(this.customerCode, size);
    this.flags = grown(this.flags, size);
    this.country = grown(this.country, size);
    this.province = grown(this.province, size);
    this.traffic = grown(this.traffic, size);
    this.createdAt = grown(this.createdAt, size);
    this.total = grown(this.total, size);
    this.lineStart = grown(this.lineStart, size + 1);
    this.itemStart = grown(this.itemStart, size + 1);
  }

  private growLines(need: number): void {
    const size = Math.max(need, this.lineProduct.length * 2);
    this.lineProduct = grown(this.lineProduct, size);
    this.lineVariant = grown(this.lineVariant, size);
    this.lineQuantity = grown(this.lineQuantity, size);
    this.lineRefunded = grown(this.lineRefunded, size);
    this.linePrice = grown(this.linePrice, size);
  }

  private growItems(need: number): void {
    const size = Math.max(need, this.items.length * 2);
    this.items = grown(this.items, size);
    this.quantities = grown(this.quantities, size);
  }
}

function codeIn(table: Interner, v: string | null | undefined): number {
  return v === undefined ? ABSENT : v === null ? NULL : table.intern(v);
}

function grown<T extends Int8Array | Int32Array | Float64Array>(a: T, size: number): T {
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  return b;
}

/** A slot of the log as an OrderRecord (see OrderLog.record). */
class SlotRecord implements OrderRecord {
  #fact: OrderFact | undefined;

  constructor(
    private readonly log: OrderLog,
    readonly slot: number,
    readonly id: Id,
    readonly customer: number,
    readonly createdAt: number,
    readonly items: Int32Array,
    readonly quantities: Int32Array,
    readonly country: string,
  ) {}

  get fact(): OrderFact {
    return (this.#fact ??= this.log.fact(this.slot));
  }
}
