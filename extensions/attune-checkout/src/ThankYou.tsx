/** @jsxImportSource preact */
// purchase.thank-you.block.render — the points this order earned, then offers linking to a buy-again cart permalink.
import '@shopify/ui-extensions/preact';
import { render } from 'preact';
import { Upsell } from './upsell';
import { ThankYouPoints } from './points';

export default async () => {
  render(
    <>
      <ThankYouPoints api={shopify} />
      <Upsell api={shopify} placement="thank_you" />
    </>,
    document.body,
  );
};
