/** One line per strategy for the admin's rule form (what the shopper will see, not how). */
import type { StrategyName } from "../types";

export const STRATEGY_DESCRIPTIONS: Readonly<Record<StrategyName, { label: string; description: string }>> = {
  bought_together: { label: "Frequently bought together", description: "Products often bought in the same order as the one being viewed." },
  also_bought: { label: "Customers also bought", description: "What customers who bought this product went on to buy." },
  picked_for_you: { label: "Picked for you", description: "Personal picks from the shopper's purchases, favourite types and browsing." },
  trending: { label: "Trending", description: "Best-sellers gaining momentum in recent weeks." },
  trending_in_country: { label: "Trending in their country", description: "What sells best in the visitor's country." },
  buy_again: { label: "Buy again", description: "Products the shopper bought before and is due to reorder." },
  recently_viewed: { label: "Recently viewed", description: "Products the shopper looked at recently." },
  new_arrivals: { label: "New arrivals", description: "The newest products in the catalog." },
  cart_complements: { label: "Goes with the cart", description: "Products that complete what is already in the cart." },
  similar_products: { label: "Similar products", description: "Products like the one being viewed: type, vendor, tags and price." },
};
