import type { StoreModel } from "../model/store-model";
import { alsoBoughtOf, boughtTogetherOf } from "./association";
import { similarTo } from "./similarity";
import { topIndexes } from "./top-k";

/**
 * Computes the per-product lists the strategies otherwise build on first use (bought together, also
 * bought, catalog-similar), best-sellers first, one product per step. A caller runs it in small
 * slices of idle time after a build, so the shoppers who arrive after a restart do not pay for the
 * popular products' lists (up to ~2 ms each on a 20k-product catalog). Yields each product index.
 */
export function* warmProductLists(model: StoreModel, maxProducts: number): Generator<number> {
  const sold = model.stats.basketsWith;
  for (const i of topIndexes(model.productCapacity, (j) => sold[j], maxProducts)) {
    boughtTogetherOf(model, i);
    alsoBoughtOf(model, i);
    similarTo(model, i);
    yield i;
  }
}
