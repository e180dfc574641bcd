/** @jsxImportSource preact */
// customer-account.order-status.block.render — the points this order earned (and any reversed since).
import '@shopify/ui-extensions/preact';
import { render } from 'preact';
import { OrderPointsBlock } from './order';

export default async () => {
  render(<OrderPointsBlock api={shopify} />, document.body);
};
