/** @jsxImportSource preact */
// purchase.checkout.block.render — one-click add of Attune recommendations (Shopify Plus checkouts).
import '@shopify/ui-extensions/preact';
import { render } from 'preact';
import { Upsell } from './upsell';

export default async () => {
  render(<Upsell api={shopify} placement="checkout" />, document.body);
};
