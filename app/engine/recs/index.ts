export { recommend, recommenderFor } from "./recommend";
export { DEFAULT_PICKS, ASSOCIATION, type PicksParams } from "./params";
export { personalVector } from "./personal";
export { titleTokens, nearDuplicate } from "./filters";
