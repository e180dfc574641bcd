export { buildProfile, anonymousProfile, quizDimensionOf, DEFAULT_RFM_THRESHOLDS, PROFILE_DEFAULTS } from "./build";
export { priceBandsFromPrices, quintileCuts, parseBirthday, daysUntilBirthday, DAY_MS } from "./stats";
export type * from "./types";
