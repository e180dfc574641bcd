/**
 * The local Shopify simulator (dev and test only; app/ code never imports it).
 * See docs/simulator.md.
 */
export { type AdminApi, type AdminApiOptions, startAdminApi, toJsonl, filterOrders } from "./admin-api";
export { bulkQueryErrors } from "./bulk-rules";
export { type Delivery, type RecentOptions, recentDeliveries } from "./events";
export { customerBody, orderBody, productBody, refundBody, toJson } from "./rest";
export { adminSchemaPath, loadAdminSchema } from "./schema";
export { type SendOptions, type SendReport, sendDelivery, sendWebhooks } from "./send";
export { appProxySignature, signedProxyQuery, webhookHeaders, webhookHmac } from "./sign";
export { type SimCustomer, type SimOrder, type SimProduct, type SimRefund, type SimStore, type StoreOptions, generateStore, simId } from "./store";
