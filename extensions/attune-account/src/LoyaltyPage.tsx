/** @jsxImportSource preact */
// customer-account.page.render — the Rewards page of the customer account.
import '@shopify/ui-extensions/preact';
import { render } from 'preact';
import { LoyaltyPage } from './loyalty';

export default async () => {
  render(<LoyaltyPage api={shopify} />, document.body);
};
