import { describe, expect, it } from "vitest";
import { parseJsonLossless } from "../utils/json";
import { orderPayload, productPayload, topicFromHeader } from "./webhook-payloads";
import { toCents } from "./money";

describe("webhook payload parsing", () => {
  it("keeps ids above 2^53 exact", () => {
    const o = orderPayload.parse(parseJsonLossless('{"id":9007199254740993,"created_at":"2026-01-01T00:00:00Z","line_items":[{"id":9007199254740995,"product_id":9007199254740997,"quantity":1,"price":"1.00"}]}'));
    expect(o.id).toBe("9007199254740993");
    expect(o.lines[0].productId).toBe("9007199254740997");
  });

  it("reads the customer embedded in an order, timestamps included", () => {
    const o = orderPayload.parse(
      parseJsonLossless(
        '{"id":1,"created_at":"2026-01-01T00:00:00Z","line_items":[],"customer":{"id":7,"created_at":"2025-06-01T00:00:00Z","updated_at":"2025-06-02T00:00:00Z","default_address":{"country_code":"CA","province_code":"ON"}}}',
      ),
    );
    expect(o.customer).toMatchObject({ id: "7", countryCode: "CA", provinceCode: "ON" });
    expect(o.customer?.updatedAt?.toISOString()).toBe("2025-06-02T00:00:00.000Z");
    expect(o.countryCode).toBe("CA");
  });

  it("derives the traffic source from utm_source, else the referrer host, never the full URL", () => {
    const base = { id: 1, created_at: "2026-01-01T00:00:00Z", line_items: [] };
    expect(orderPayload.parse({ ...base, landing_site: "/products/x?utm_source=Pinterest&email=a@b.c" }).trafficSource).toBe("pinterest");
    expect(orderPayload.parse({ ...base, referring_site: "https://www.instagram.com/p/abc?igshid=1" }).trafficSource).toBe("instagram.com");
  });

  it("treats a variant as available when stock is positive, unknown, or oversell is allowed", () => {
    const p = productPayload.parse({
      id: 1, title: "T", handle: "t",
      variants: [
        { id: 2, price: "5.00", inventory_quantity: 0, inventory_policy: "deny" },
        { id: 3, price: "6.00", inventory_quantity: 0, inventory_policy: "continue" },
        { id: 4, price: "7.00" },
      ],
    });
    expect(p.variants.map((v) => v.available)).toEqual([false, true, true]);
  });

  it("maps both header forms of a topic and nothing else", () => {
    expect(topicFromHeader("customers/data_request")).toBe("customers/data_request");
    expect(topicFromHeader("APP_SCOPES_UPDATE")).toBe("app/scopes_update");
    expect(topicFromHeader("orders/fulfilled")).toBeNull();
  });
});

describe("money", () => {
  it("parses decimal strings exactly, without float drift", () => {
    expect(toCents("0.29")).toBe(29);
    expect(toCents("1234567.89")).toBe(123456789);
    expect(toCents("19.9")).toBe(1990);
    expect(toCents("-5.00")).toBe(-500);
    expect(toCents("1.235")).toBe(124);
    expect(toCents(null)).toBe(0);
    expect(() => toCents("12,50")).toThrow(/not a money amount/);
  });
});
