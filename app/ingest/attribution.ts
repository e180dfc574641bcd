/**
 * Attune's purchase attribution, read from what the storefront wrote into the cart.
 *
 * The theme's blocks (extensions/attune-theme/assets/attune.js) add items with two hidden line
 * properties, `_attune_placement` and `_attune_rule` (the matched rule's id), and set the cart
 * attribute `_attune_last_placement`; the checkout upsell adds lines with `_attune_placement`.
 * The leading underscore hides them from shoppers in Shopify's checkout. Shopify carries them into
 * the order as `line_items[].properties` / `note_attributes` (webhooks, `[{name, value}]`) and as
 * `customAttributes` (`[{key, value}]`, Admin GraphQL, so bulk backfill).
 *
 * Only these names are kept, each value trimmed and cut to ATTRIBUTION_MAX characters: other apps'
 * properties (engraving text, gift notes, tokens) can carry personal data and are never stored.
 */

export const LINE_PLACEMENT = "_attune_placement";
export const LINE_RULE = "_attune_rule";
export const CART_PLACEMENT = "_attune_last_placement";
/** The cart attribute's name before it took the hidden underscore form (carts still open from then). */
export const LEGACY_CART_PLACEMENT = "attune_last_placement";
export const ATTRIBUTION_MAX = 64;

export interface LineAttribution {
  placement: string | null;
  ruleId: string | null;
}

/** A stored attribution value: a trimmed string of printable characters, ≤ ATTRIBUTION_MAX, or null. */
export function attributionValue(v: unknown): string | null {
  if (typeof v !== "string" && typeof v !== "number") return null;
  // eslint-disable-next-line no-control-regex
  const s = String(v).replace(/[\u0000-\u001f\u007f]/g, "").trim().slice(0, ATTRIBUTION_MAX).trim();
  return s ? s : null;
}

/**
 * The value of the first of `names` present in a property list. Accepts every shape Shopify uses:
 * `[{name, value}]` (REST), `[{key, value}]` (GraphQL), and a plain `{name: value}` object (Ajax cart).
 * Anything else (null, a malformed list) yields null: another app's odd data never rejects an order.
 */
export function propertyValue(list: unknown, names: readonly string[]): string | null {
  if (!list || typeof list !== "object") return null;
  if (!Array.isArray(list)) {
    for (const n of names) if (Object.hasOwn(list, n)) return attributionValue((list as Record<string, unknown>)[n]);
    return null;
  }
  for (const n of names) {
    for (const p of list) {
      if (!p || typeof p !== "object") continue;
      const key = (p as { name?: unknown; key?: unknown }).name ?? (p as { key?: unknown }).key;
      if (key === n) return attributionValue((p as { value?: unknown }).value);
    }
  }
  return null;
}

export function lineAttribution(properties: unknown): LineAttribution {
  return { placement: propertyValue(properties, [LINE_PLACEMENT]), ruleId: propertyValue(properties, [LINE_RULE]) };
}

/** The order's last Attune placement, from its cart attributes (the hidden name wins over the legacy one). */
export function cartPlacement(attributes: unknown): string | null {
  return propertyValue(attributes, [CART_PLACEMENT, LEGACY_CART_PLACEMENT]);
}
