import { describe, expect, it } from "vitest";
import { jsonlLines, parseBulkText, readBulk } from "./bulk";

const P1 = "gid://shopify/Product/9007199254740993"; // 2^53 + 1: a lossy parse would make it ...992
const P2 = "gid://shopify/Product/18446744073709551615";
const lines = (...rows: object[]) => rows.map((r) => JSON.stringify(r)).join("\n") + "\n";

const productsJsonl = lines(
  { id: P1, title: "Cork Mat", handle: "cork-mat", productType: "Yoga", vendor: "Asana", tags: ["eco", "new"], status: "ACTIVE", publishedAt: "2025-01-02T00:00:00Z", createdAt: "2025-01-01T00:00:00Z", updatedAt: "2025-02-01T00:00:00Z", featuredMedia: { preview: { image: { url: "https://cdn.example/mat.jpg" } } } },
  // A child of P2 before P2's own line (ungrouped output allows it).
  { id: "gid://shopify/ProductVariant/9007199254740995", title: "Default Title", price: "5.10", availableForSale: false, position: 1, __parentId: P2 },
  { id: P2, title: "Matches", handle: "matches", productType: "", vendor: "Ember", tags: [], status: "DRAFT", publishedAt: null, createdAt: "2025-01-01T00:00:00Z", updatedAt: "2025-01-01T00:00:00Z", featuredMedia: null },
  { id: "gid://shopify/ProductVariant/9007199254740997", title: "Indigo", price: "89.99", availableForSale: true, position: 2, __parentId: P1 },
  { id: "gid://shopify/ProductVariant/9007199254740999", title: "Natural", price: "0.1", availableForSale: true, position: 1, __parentId: P1 },
  { id: "gid://shopify/Collection/11", handle: "yoga", __parentId: P1 },
  { id: "gid://shopify/Collection/12", handle: "gifts", __parentId: P1 },
);

describe("bulk JSONL -> records", () => {
  it("assembles products from ungrouped lines, keeping big ids exact", async () => {
    const items = await parseBulkText("products", productsJsonl);
    expect(items.map((i) => i.line)).toEqual([1, 3]);
    const [mat, matches] = items.map((i) => i.record);
    expect(mat).toMatchObject({
      id: "9007199254740993",
      title: "Cork Mat",
      status: "active",
      tags: ["eco", "new"],
      collections: ["yoga", "gifts"],
      imageUrl: "https://cdn.example/mat.jpg",
      publishedAt: new Date("2025-01-02T00:00:00Z"),
    });
    expect(mat.variants).toEqual([
      { id: "9007199254740997", title: "Indigo", priceCents: 8999, available: true, position: 2 },
      { id: "9007199254740999", title: "Natural", priceCents: 10, available: true, position: 1 },
    ]);
    expect(matches).toMatchObject({ id: "18446744073709551615", status: "draft", publishedAt: null, imageUrl: null, collections: [] });
    expect(matches.variants).toEqual([{ id: "9007199254740995", title: "Default Title", priceCents: 510, available: false, position: 1 }]);
  });

  it("grouped mode emits each root as soon as the next one starts", async () => {
    const grouped = lines(
      { id: P1, title: "A", handle: "a", createdAt: null, updatedAt: null },
      { id: "gid://shopify/ProductVariant/1", price: "1.00", availableForSale: true, position: 1, __parentId: P1 },
      { id: P2, title: "B", handle: "b", createdAt: null, updatedAt: null },
    );
    const seen: string[] = [];
    async function* source() {
      for (const l of grouped.split("\n")) {
        seen.push(`read:${l.slice(0, 12)}`);
        yield l;
      }
    }
    const out: string[] = [];
    for await (const item of readBulk("products", source(), { grouped: true })) {
      out.push(item.record.id);
      seen.push(`emit:${item.record.id}`);
    }
    expect(out).toEqual(["9007199254740993", "18446744073709551615"]);
    // The first product came out before the input ended.
    expect(seen.indexOf("emit:9007199254740993")).toBeLessThan(seen.length - 2);
  });

  it("customers: codes only, lower-cased state", async () => {
    const [c] = await parseBulkText(
      "customers",
      lines({ id: "gid://shopify/Customer/36028797018963981", state: "DISABLED", tags: ["vip", " newsletter "], createdAt: "2025-05-01T10:00:00Z", updatedAt: "2025-05-02T10:00:00Z", defaultAddress: { countryCodeV2: "CA", provinceCode: "ON" } }),
    );
    expect(c.record).toEqual({
      id: "36028797018963981",
      state: "disabled",
      countryCode: "CA",
      provinceCode: "ON",
      tags: ["vip", "newsletter"],
      createdAt: new Date("2025-05-01T10:00:00Z"),
      updatedAt: new Date("2025-05-02T10:00:00Z"),
    });
  });

  it("orders: line items by __parentId, refunds inline, traffic source from the journey", async () => {
    const O = "gid://shopify/Order/45035996273704973";
    const text = lines(
      {
        id: O,
        name: "#1001",
        createdAt: "2025-11-23T00:10:30Z",
        updatedAt: "2025-11-25T00:00:00Z",
        cancelledAt: null,
        currencyCode: "EUR",
        test: false,
        sourceName: "web",
        displayFinancialStatus: "PARTIALLY_REFUNDED",
        totalPriceSet: { shopMoney: { amount: "45.98" } },
        customer: { id: "gid://shopify/Customer/36028797018963981" },
        shippingAddress: null,
        billingAddress: { countryCodeV2: "FR", provinceCode: null },
        customerJourneySummary: { firstVisit: null, lastVisit: { landingPage: "https://shop.example/products/x?utm_source=Pinterest&email=a@b.c", referrerUrl: "https://www.pinterest.com/" } },
        refunds: [{ id: "gid://shopify/Refund/63050394783186957", createdAt: "2025-11-25T00:00:00Z", totalRefundedSet: { shopMoney: { amount: "22.99" } } }],
      },
      { id: "gid://shopify/Order/2", name: "#1002", createdAt: "2025-11-24T00:00:00Z", updatedAt: null, totalPriceSet: { shopMoney: { amount: "0.00" } }, customer: null, refunds: [] },
      { id: "gid://shopify/LineItem/54043195528493479", title: "Sports Bra", quantity: 2, originalUnitPriceSet: { shopMoney: { amount: "22.99" } }, product: { id: "gid://shopify/Product/9007199254740993" }, variant: null, __parentId: O },
    );
    const [a, b] = (await parseBulkText("orders", text)).map((i) => i.record);
    expect(a).toMatchObject({
      id: "45035996273704973",
      customerId: "36028797018963981",
      customer: null,
      currency: "EUR",
      totalCents: 4598,
      financialStatus: "partially_refunded",
      countryCode: "FR",
      trafficSource: "pinterest",
      lines: [{ id: "54043195528493479", productId: "9007199254740993", variantId: null, title: "Sports Bra", quantity: 2, priceCents: 2299 }],
      refunds: [{ id: "63050394783186957", orderId: "45035996273704973", amountCents: 2299, lines: [] }],
    });
    expect(b).toMatchObject({ id: "2", customerId: null, lines: [], refunds: [], trafficSource: null, updatedAt: null });
  });

  it("reports orphans and names the line of a malformed row", async () => {
    const orphans: unknown[] = [];
    const items = await parseBulkText("products", lines({ id: "gid://shopify/ProductVariant/1", price: "1", __parentId: "gid://shopify/Product/404" }), { onOrphan: (r) => orphans.push(r) });
    expect(items).toEqual([]);
    expect(orphans).toHaveLength(1);
    await expect(parseBulkText("orders", lines({ id: "gid://shopify/Order/1", createdAt: "yesterday" }))).rejects.toThrow(/line 1/);
    await expect(parseBulkText("customers", "{not json\n")).rejects.toThrow(/line 1: not JSON/);
  });

  it("splits a chunked byte stream into lines (multi-byte characters across chunks)", async () => {
    const bytes = new TextEncoder().encode('{"t":"café"}\n{"t":"naïve"}');
    const chunks = [bytes.slice(0, 10), bytes.slice(10, 17), bytes.slice(17)];
    const out: string[] = [];
    for await (const l of jsonlLines((async function* () { yield* chunks; })())) out.push(l);
    expect(out.map((l) => JSON.parse(l).t)).toEqual(["café", "naïve"]);
  });
});
