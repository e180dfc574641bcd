/**
 * JSON.parse that keeps integers beyond 2^53 exact, as decimal strings.
 * Shopify's REST webhook bodies carry ids like 820982911946154508 as bare numbers; a plain
 * JSON.parse silently rounds them, which would merge or misattribute records.
 */
export function parseJsonLossless(text: string): unknown {
  return JSON.parse(text, function (_key, value, context?: { source?: string }) {
    if (typeof value === "number" && Number.isInteger(value) && !Number.isSafeInteger(value) && context?.source) {
      return context.source;
    }
    return value;
  });
}
