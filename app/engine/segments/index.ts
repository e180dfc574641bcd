export * from "./fields";
export * from "./condition";
export { compileCondition, evaluateCondition, explainCondition, describeLeaf, formatMoney, type Predicate, type ExplainOptions } from "./compile";
export * from "./builtin";
export * from "./match";
export { normalizeTrafficSource, deviceFromUserAgent } from "./traffic";
export { summarizeCondition, countryName, type SummaryOptions } from "./summary";
export { segmentSizes, SegmentCounter, type SegmentSizes } from "./sizes";
