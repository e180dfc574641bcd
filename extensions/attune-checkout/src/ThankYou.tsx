/** @jsxImportSource preact */
// purchase.thank-you.block.render — the order is placed, so offers link to a buy-again cart permalink.
import '@shopify/ui-extensions/preact';
import { render } from 'preact';
import { Upsell } from './upsell';

export default async () => {
  render(<Upsell api={shopify} placement="thank_you" />, document.body);
};
