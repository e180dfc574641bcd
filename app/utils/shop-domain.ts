/**
 * Shop domains as Shopify names shops: `<handle>.myshopify.com` (or, when configured for a
 * development store platform, `<handle>.<SHOP_CUSTOM_DOMAIN>`). Anything else is not a shop.
 */
import { env } from "./env.server";

const MYSHOPIFY = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;
const HANDLE = /^[a-z0-9][a-z0-9-]*$/;
let custom: string | null | undefined;

export function isShopDomain(shop: string): boolean {
  if (MYSHOPIFY.test(shop)) return true;
  custom ??= env().SHOP_CUSTOM_DOMAIN ? `.${env().SHOP_CUSTOM_DOMAIN!.toLowerCase()}` : null;
  return custom !== null && shop.endsWith(custom) && HANDLE.test(shop.slice(0, -custom.length));
}
