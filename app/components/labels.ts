import type { Placement } from "~/engine/types";

export const PLACEMENT_LABELS: Record<Placement, string> = {
  home: "Home page",
  product: "Product page",
  cart: "Cart",
  checkout: "Checkout",
  thank_you: "Thank-you page",
  app_embed: "Pop-up offers (app embed)",
};

/** Traffic sources and devices offered as rule audiences (dimension segments). */
export const SOURCE_SEGMENTS = ["pinterest", "instagram", "facebook", "tiktok", "google", "email"].map((s) => ({ id: `source:${s}`, name: `Visitors from ${s[0].toUpperCase()}${s.slice(1)}` }));
export const DEVICE_SEGMENTS = ["mobile", "tablet", "desktop"].map((d) => ({ id: `device:${d}`, name: `${d[0].toUpperCase()}${d.slice(1)} visitors` }));
