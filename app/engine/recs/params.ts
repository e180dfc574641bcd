/**
 * picked_for_you hyper-parameters. The defaults are the values chosen on the Ta-Feng validation split
 * (each user's last HISTORY basket held out; the future file never consulted): see
 * docs/recommendation-quality.md for the grid and the numbers.
 */
export interface PicksParams {
  /** TIFU-style grouping of the shopper's orders, most recent group last. */
  groupSize: number;
  /** Decay between consecutive orders inside a group (older order = lower weight). */
  withinDecay: number;
  /** Decay between consecutive groups. */
  groupDecay: number;
  /** Weight of the shopper's own (decayed) history. */
  repeatWeight: number;
  /**
   * Exponent on the item's shop-wide repeat propensity (share of its buyers who bought it again):
   * milk you bought twice is a better bet than a kettle you bought twice.
   */
  repeatPropensityExp: number;
  /** Weight of items bought by the same buyers as the shopper's items (item-to-item cosine). */
  neighbourWeight: number;
  /** Neighbours considered per history item. */
  neighbourK: number;
  /** Weight of shop-wide popularity (the share of orders containing the item). */
  popularityWeight: number;
  /**
   * Weight of what the shopper's cohort buys (the share of the buyers of their favourite product
   * type who bought the item, recs/cohort.ts), on the scale of popularityWeight: an item counts by
   * the better of its shop-wide and its cohort popularity. 0 turns the cohort off.
   */
  cohortWeight: number;
}

export const DEFAULT_PICKS: PicksParams = {
  groupSize: 7,
  withinDecay: 0.9,
  groupDecay: 0.5,
  repeatWeight: 1,
  repeatPropensityExp: 0.5,
  neighbourWeight: 0.25,
  neighbourK: 50,
  popularityWeight: 1,
  cohortWeight: 1,
};

/** bought_together / cart_complements association scoring. */
export const ASSOCIATION = {
  /** Pairs seen in fewer orders are noise on a small store. */
  minSupport: 1,
  /** Pseudo-count shrinking the confidence of rarely bought seeds towards zero. */
  confidencePrior: 3,
  /** How much beating chance (1 - 1/lift) matters against raw confidence; 0 = confidence only. */
  liftExponent: 0.5,
  /** Neighbours kept per seed item. */
  keep: 100,
};
