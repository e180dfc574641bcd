// @vitest-environment jsdom
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { checkoutExtension, renderTarget, unmount } from './harness';

const extension = checkoutExtension('purchase.thank-you.block.render');

beforeEach(() => {
  process.env.ATTUNE_APP_URL = 'https://attune.test';
  extension.setUp();
});

afterEach(() => {
  unmount();
  extension.tearDown();
  vi.restoreAllMocks();
  delete process.env.ATTUNE_APP_URL;
});

test('thank-you page links each offer to a buy-again cart permalink', async () => {
  extension.shopify.sessionToken.get = vi.fn(async () => 'jwt-ty');
  const fetch = vi.fn(
    async () =>
      new Response(
        JSON.stringify({
          products: [
            { id: '1', variantId: '9007199254740995', title: 'Refill pack', imageUrl: null, priceCents: 1200, currency: 'EUR', reason: 'Runs out in about 30 days' },
          ],
        }),
      ),
  );
  extension.fetch = fetch;
  await renderTarget('purchase.thank-you.block.render');

  await vi.waitFor(() => expect(document.body.querySelector('s-button')).not.toBeNull());
  const button = document.body.querySelector('s-button')!;
  expect(button.getAttribute('href') ?? (button as any).href).toBe('https://mock-shop.myshopify.com/cart/9007199254740995:1');
  expect(document.body.textContent).toContain('Refill pack');
  expect(document.body.textContent).toContain('thankYouHeading');
  // The points line asks /api/checkout/loyalty beside it (tests/ThankYouPoints.test.ts).
  const [url, init] = (fetch.mock.calls as unknown as [string, RequestInit][]).find(([u]) => u.includes('/upsell'))!;
  expect(url).toBe('https://attune.test/api/checkout/upsell?placement=thank_you');
  expect((init.headers as Record<string, string>).Authorization).toBe('Bearer jwt-ty');
});

test('without a build-time APP_URL the extension renders nothing and sends nothing', async () => {
  delete process.env.ATTUNE_APP_URL;
  vi.spyOn(console, 'warn').mockImplementation(() => {});
  const fetch = vi.fn();
  extension.fetch = fetch;
  await renderTarget('purchase.thank-you.block.render');
  await vi.waitFor(() => expect(document.body.querySelector('s-skeleton-paragraph')).toBeNull());
  expect(fetch).not.toHaveBeenCalled();
  expect(document.body.textContent).toBe('');
});
