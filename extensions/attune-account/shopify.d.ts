// Types for the `shopify` global per module, as Shopify CLI generates them (one target API per module).
import '@shopify/ui-extensions';

//@ts-ignore
declare module './src/LoyaltyPage.tsx' {
  const shopify: import('@shopify/ui-extensions/customer-account.page.render').Api;
  const globalThis: { shopify: typeof shopify };
}

//@ts-ignore
declare module './src/OrderPoints.tsx' {
  const shopify: import('@shopify/ui-extensions/customer-account.order-status.block.render').Api;
  const globalThis: { shopify: typeof shopify };
}
