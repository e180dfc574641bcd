/** The preview cart's discount codes: what a code takes off, as Shopify's cart would show it. */
import { expect, it } from "vitest";
import { discountCents } from "./cart";

it("fixed and percentage codes take their value off the subtotal, never more, and nothing below the minimum", () => {
  expect(discountCents({ code: "A", applicable: true, amountCents: 500 }, 2600)).toBe(500);
  expect(discountCents({ code: "A", applicable: true, amountCents: 500 }, 300)).toBe(300);
  expect(discountCents({ code: "P", applicable: true, percentage: 0.1 }, 2655)).toBe(266);
  expect(discountCents({ code: "M", applicable: true, percentage: 0.1, minSubtotalCents: 5000 }, 4999)).toBe(0);
  expect(discountCents({ code: "M", applicable: true, percentage: 0.1, minSubtotalCents: 5000 }, 5000)).toBe(500);
});

it("an unknown code, free shipping or an empty cart takes nothing off the merchandise", () => {
  expect(discountCents({ code: "X", applicable: false, amountCents: 500 }, 2600)).toBe(0);
  expect(discountCents({ code: "F", applicable: true, freeShipping: true }, 2600)).toBe(0);
  expect(discountCents({ code: "A", applicable: true, amountCents: 500 }, 0)).toBe(0);
  expect(discountCents(null, 2600)).toBe(0);
});
