export { StoreModel, type ModelOptions, type StoreData } from "./store-model";
export type { OrderRecord } from "./order-record";
