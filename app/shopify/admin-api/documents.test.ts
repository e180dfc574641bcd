import { parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { queryCost } from "../../../scripts/simulator/admin-api";
import { bulkQueryErrors } from "../../../scripts/simulator/bulk-rules";
import { loadAdminSchema } from "../../../scripts/simulator/schema";
import { BULK_QUERIES, DISCOUNT_NODES_BATCH, DOCUMENTS, LOYALTY_DIGESTS_BATCH, LOYALTY_SYNC_DOCUMENTS, LOYALTY_TAGS_BATCH, REFUND_LINES_BATCH, bulkOrdersQuery, tagsBatchDocument } from "./documents";
import * as all from "./documents";

const schema = loadAdminSchema("2026-10");
const errorsOf = (source: string) => validate(schema, parse(source)).map((e) => e.message);
/** Every full request document, the loyalty sync's included. */
const REGISTERED: Record<string, string> = { ...DOCUMENTS, ...LOYALTY_SYNC_DOCUMENTS };

describe("Admin API documents (2026-10)", () => {
  it.each(Object.entries(REGISTERED))("%s is valid against the schema", (_name, source) => {
    expect(errorsOf(source)).toEqual([]);
  });

  it.each(Object.entries(BULK_QUERIES))("bulk %s query is valid against the schema and Shopify's bulk rules", (_name, source) => {
    expect(errorsOf(source)).toEqual([]);
    expect(bulkQueryErrors(schema, parse(source))).toEqual([]);
  });

  it.each(Object.entries(REGISTERED))("%s stays under Shopify's 1000-point single-query cost", (name, source) => {
    const vars =
      name === "REFUND_LINES_QUERY"
        ? { ids: Array.from({ length: REFUND_LINES_BATCH }, (_, i) => `gid://shopify/Refund/${i}`) }
        : name === "DISCOUNT_NODES_QUERY"
          ? { ids: Array.from({ length: DISCOUNT_NODES_BATCH }, (_, i) => `gid://shopify/DiscountCodeNode/${i}`) }
          : name === "LOYALTY_METAFIELD_DIGESTS"
            ? { ids: Array.from({ length: LOYALTY_DIGESTS_BATCH }, (_, i) => `gid://shopify/Customer/${i}`), namespace: "$app:loyalty" }
            : {};
    expect(queryCost(schema, parse(source), vars)).toBeLessThanOrEqual(1000);
  });

  it("every exported document string is registered (and therefore validated)", () => {
    const registered = new Set<string>([...Object.values(REGISTERED), ...Object.values(BULK_QUERIES)]);
    const strings = Object.entries(all).filter(([, v]) => typeof v === "string" && /^\s*(query|mutation|\{)/.test(v as string));
    for (const [name, v] of strings) expect(registered.has(v as string), `${name} is not in DOCUMENTS/BULK_QUERIES`).toBe(true);
  });

  it("the orders window is a quoted search string for any date", () => {
    const q = bulkOrdersQuery(new Date("2026-03-05T12:00:00Z"));
    expect(q).toContain(`orders(query: "created_at:>=2026-03-05"`);
    expect(errorsOf(q)).toEqual([]);
  });

  it("a misspelled field fails validation (the test has teeth)", () => {
    expect(errorsOf(DOCUMENTS.SHOP_QUERY.replace("currencyCode", "currencyCdoe")).join()).toMatch(/currencyCdoe/);
    expect(errorsOf(BULK_QUERIES.products.replace("availableForSale", "availableForSales")).join()).toMatch(/availableForSales/);
  });

  it("the bulk rules reject what Shopify rejects", () => {
    const q = (s: string) => bulkQueryErrors(schema, parse(s));
    expect(q("{ products { nodes { id } } }").join()).toMatch(/edges' > 'node'/);
    expect(q("{ shop { currencyCode } }").join()).toMatch(/at least one connection/);
    expect(q("{ orders { edges { node { id refunds { id refundLineItems { edges { node { id } } } } } } } }").join()).toMatch(/within a list field/);
    expect(q("{ products { edges { node { title variants { edges { node { id } } } } } } }").join()).toMatch(/must select the 'id' field/);
    expect(q("mutation { bulkOperationCancel(id: \"x\") { userErrors { message } } }").join()).toMatch(/Only `query`/);
  });

  it("a full batch of loyalty tag operations is valid and within the single-query cost", () => {
    const doc = tagsBatchDocument(Array.from({ length: LOYALTY_TAGS_BATCH }, (_, i) => (i % 2 ? "remove" : "add")));
    expect(errorsOf(doc)).toEqual([]);
    // Each aliased mutation is charged 10 points, as Shopify charges them.
    expect(queryCost(schema, parse(doc))).toBe(10 * LOYALTY_TAGS_BATCH);
  });
});
