/**
 * The simulator's redeem codes: every code of every code discount (a discount's own `code` and the
 * ones discountRedeemCodeBulkAdd added), unique per shop case-insensitively as in Shopify, and the
 * asynchronous bulk creations that add them.
 *
 * Like Shopify: discountRedeemCodeBulkAdd refuses more than 250 codes or an unknown discount with
 * userErrors, otherwise answers a DiscountRedeemCodeBulkCreation with `done: false` at once; the job
 * runs later (here: it is done from the second read of discountRedeemCodeBulkCreation on), then
 * `importedCount`/`failedCount` and per-code results (`discountRedeemCode` or `errors`: a code already
 * taken in the shop, repeated in the batch, blank or too long) are final and the created codes work.
 */

export const MAX_CODES_PER_BULK = 250;

export interface SimRedeemCode {
  shop: string;
  code: string;
  discountId: string;
  id: string;
}

interface BulkJob {
  id: string;
  shop: string;
  discountId: string;
  codes: string[];
  createdAt: string;
  reads: number;
  results: { code: string; id: string | null; errors: { field: string[]; code: string; message: string }[] }[] | null;
}

type Obj = Record<string, unknown>;

export class RedeemCodes {
  private readonly byKey = new Map<string, SimRedeemCode>();
  private readonly jobs = new Map<string, BulkJob>();
  private seq = 0;

  constructor(
    private readonly hasDiscount: (shop: string, discountId: string) => boolean,
    private readonly discountView: (shop: string, discountId: string) => unknown,
  ) {}

  private key = (shop: string, code: string) => `${shop}|${code.toLowerCase()}`;

  taken(shop: string, code: string): boolean {
    return this.byKey.has(this.key(shop, code));
  }

  /** A discount's own code (discountCode*Create). */
  add(shop: string, code: string, discountId: string): SimRedeemCode {
    const c = { shop, code, discountId, id: `gid://shopify/DiscountRedeemCode/${2_000_000_000 + ++this.seq}` };
    this.byKey.set(this.key(shop, code), c);
    return c;
  }

  find(shop: string, code: string): SimRedeemCode | null {
    return this.byKey.get(this.key(shop, code)) ?? null;
  }

  list(shop?: string): SimRedeemCode[] {
    return [...this.byKey.values()].filter((c) => !shop || c.shop === shop);
  }

  /** A deleted discount takes its codes with it. */
  removeDiscount(discountId: string) {
    for (const [k, c] of this.byKey) if (c.discountId === discountId) this.byKey.delete(k);
  }

  bulkAdd(shop: string, discountId: string, codes: Obj[]) {
    const err = (field: string[], code: string, message: string) => ({ bulkCreation: null, userErrors: [{ field, code, message }] });
    if (!this.hasDiscount(shop, discountId)) return err(["discountId"], "INVALID", "Discount does not exist");
    if (codes.length > MAX_CODES_PER_BULK) return err(["codes"], "TOO_MANY_ARGUMENTS", `Codes can't exceed ${MAX_CODES_PER_BULK}`);
    if (!codes.length) return err(["codes"], "BLANK", "Codes can't be blank");
    const job: BulkJob = {
      id: `gid://shopify/DiscountRedeemCodeBulkCreation/${3_000_000_000 + ++this.seq}`,
      shop,
      discountId,
      codes: codes.map((c) => String(c.code ?? "")),
      createdAt: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
      reads: 0,
      results: null,
    };
    this.jobs.set(job.id, job);
    return { bulkCreation: this.view(job), userErrors: [] };
  }

  /** discountRedeemCodeBulkCreation(id): the first read still sees the job queued, the next ones its outcome. */
  bulkCreation(shop: string, id: string) {
    const job = this.jobs.get(id);
    if (!job || job.shop !== shop) return null;
    if (++job.reads >= 2 && !job.results) this.run(job);
    return this.view(job);
  }

  private run(job: BulkJob) {
    const seen = new Set<string>();
    job.results = job.codes.map((code) => {
      const fail = (c: string, message: string) => ({ code, id: null, errors: [{ field: ["code"], code: c, message }] });
      const k = code.trim().toLowerCase();
      if (!k) return fail("BLANK", "Code can't be blank");
      if (code.length > 255) return fail("TOO_LONG", "Code is too long (maximum is 255 characters)");
      if (seen.has(k) || this.taken(job.shop, code)) return fail("TAKEN", "Code must be unique. Please try a different code.");
      seen.add(k);
      // The discount may have been deleted while the job was queued.
      if (!this.hasDiscount(job.shop, job.discountId)) return fail("INVALID", "Discount does not exist");
      return { code, id: this.add(job.shop, code, job.discountId).id, errors: [] };
    });
  }

  private view(job: BulkJob) {
    const done = job.results !== null;
    const imported = job.results?.filter((r) => r.id).length ?? 0;
    return {
      __typename: "DiscountRedeemCodeBulkCreation",
      id: job.id,
      done,
      codesCount: job.codes.length,
      importedCount: imported,
      failedCount: done ? job.codes.length - imported : 0,
      createdAt: job.createdAt,
      discountCode: () => this.discountView(job.shop, job.discountId),
      codes: (a: Obj) => {
        const first = Math.max(0, Math.min(Number(a.first ?? 250), 250));
        const nodes = (job.results ?? []).slice(0, first).map((r) => ({
          __typename: "DiscountRedeemCodeBulkCreationCode",
          code: r.code,
          discountRedeemCode: r.id ? { __typename: "DiscountRedeemCode", id: r.id, code: r.code, asyncUsageCount: 0 } : null,
          errors: r.errors.map((e) => ({ __typename: "DiscountUserError", ...e, extraInfo: null })),
        }));
        return { __typename: "DiscountRedeemCodeBulkCreationCodeConnection", nodes, edges: nodes.map((node) => ({ node, cursor: node.code })), pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null } };
      },
    };
  }
}

/**
 * Admin API faults on demand (tests): while a fault is set, matching GraphQL requests answer
 * `status` (default 503) without executing. `operations` limits it to those operation names,
 * `shops` to those shops; `count` ends it after that many failed requests.
 */
export interface AdminFault {
  status?: number;
  operations?: string[];
  shops?: string[];
  count?: number;
}

export class Faults {
  private fault: AdminFault | null = null;
  failed = 0;

  set(f: AdminFault | null) {
    this.fault = f ? { ...f } : null;
  }

  /** The status to answer instead of executing, or null. */
  hit(operation: string, shop: string): number | null {
    const f = this.fault;
    if (!f || (f.operations && !f.operations.includes(operation)) || (f.shops && !f.shops.includes(shop))) return null;
    if (f.count !== undefined) {
      if (f.count <= 0) return (this.fault = null);
      f.count--;
    }
    this.failed++;
    return f.status ?? 503;
  }
}
