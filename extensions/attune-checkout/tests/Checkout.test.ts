// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { createCartLine, createResult } from '@shopify/ui-extensions-tester/checkout';
import { checkoutExtension, renderTarget, unmount } from './harness';

const extension = checkoutExtension('purchase.checkout.block.render');

const PRODUCTS = [
  {
    id: '9007199254740993',
    variantId: '9007199254740995', // > 2^53: must survive as a string
    title: 'Silk <b>scarf</b>',
    imageUrl: 'https://cdn.shopify.com/s/files/scarf.jpg',
    priceCents: 2500,
    currency: 'USD',
    reason: 'Often bought with your cart',
  },
  {
    id: '42',
    variantId: '4242',
    title: 'Leather belt',
    imageUrl: null,
    priceCents: 4000,
    currency: 'USD',
    reason: null,
  },
];

function respond(body: unknown, status = 200) {
  return vi.fn(async () => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } }));
}

const buttons = () => [...document.body.querySelectorAll('s-button')];
const click = (el: { dispatchEvent(e: Event): boolean }) => el.dispatchEvent(new Event('click', { bubbles: true }));

beforeEach(() => {
  process.env.ATTUNE_APP_URL = 'https://attune.test/';
  extension.setUp();
  vi.spyOn(console, 'warn').mockImplementation(() => {});
});

afterEach(() => {
  unmount();
  extension.tearDown();
  vi.restoreAllMocks();
  delete process.env.ATTUNE_APP_URL;
});

describe('checkout upsell', () => {
  test('renders offers from the backend', async () => {
    extension.fetch = respond({ products: PRODUCTS });
    await renderTarget('purchase.checkout.block.render');

    await vi.waitFor(() => expect(document.body.querySelectorAll('s-product-thumbnail')).toHaveLength(2));
    const text = document.body.textContent ?? '';
    expect(text).toContain('heading'); // i18n mock returns keys
    expect(text).toContain('Silk <b>scarf</b>'); // rendered as text, not markup
    expect(document.body.querySelector('b')).toBeNull();
    expect(text).toContain('Often bought with your cart');
    expect(text).toContain('Leather belt');
    const thumb = document.body.querySelector('s-product-thumbnail')!;
    expect(thumb.getAttribute('alt') ?? (thumb as any).alt).toBe('Silk <b>scarf</b>');
    expect(buttons()).toHaveLength(2);
  });

  test('shows a loading state before the backend answers', async () => {
    let resolve!: (r: Response) => void;
    const fetch = vi.fn(() => new Promise<Response>((r) => (resolve = r)));
    extension.fetch = fetch;
    await renderTarget('purchase.checkout.block.render');
    await vi.waitFor(() => expect(document.body.querySelector('s-skeleton-paragraph')).not.toBeNull());
    await vi.waitFor(() => expect(fetch).toHaveBeenCalled());
    resolve(new Response(JSON.stringify({ products: PRODUCTS })));
    await vi.waitFor(() => expect(document.body.querySelector('s-skeleton-paragraph')).toBeNull());
  });

  test('sends the session token to the app server', async () => {
    extension.shopify.sessionToken.get = vi.fn(async () => 'jwt-abc');
    const fetch = respond({ products: PRODUCTS });
    extension.fetch = fetch;
    await renderTarget('purchase.checkout.block.render');

    await vi.waitFor(() => expect(fetch).toHaveBeenCalledTimes(1));
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('https://attune.test/api/checkout/upsell?placement=checkout');
    expect((init.headers as Record<string, string>).Authorization).toBe('Bearer jwt-abc');
  });

  test('adding calls applyCartLinesChange with the variant gid and quantity 1', async () => {
    extension.fetch = respond({ products: PRODUCTS });
    const apply = vi.fn().mockResolvedValue(createResult('applyCartLinesChange', { type: 'success' }));
    extension.shopify.applyCartLinesChange = apply;
    await renderTarget('purchase.checkout.block.render');

    await vi.waitFor(() => expect(buttons()).toHaveLength(2));
    click(buttons()[0]);
    await vi.waitFor(() =>
      expect(apply).toHaveBeenCalledWith({
        type: 'addCartLine',
        merchandiseId: 'gid://shopify/ProductVariant/9007199254740995',
        quantity: 1,
        attributes: [{ key: '_attune_placement', value: 'checkout' }],
      }),
    );
    await vi.waitFor(() => expect(document.body.textContent).toContain('added'));
    expect(buttons()).toHaveLength(1);
  });

  test('an error from applyCartLinesChange is shown', async () => {
    extension.fetch = respond({ products: PRODUCTS });
    extension.shopify.applyCartLinesChange = vi
      .fn()
      .mockResolvedValue(createResult('applyCartLinesChange', { type: 'error', message: 'Out of stock' }));
    extension.shopify.i18n.translate = ((key: string, o?: Record<string, unknown>) =>
      o?.message !== undefined ? `${key}: ${o.message}` : key) as typeof extension.shopify.i18n.translate;
    await renderTarget('purchase.checkout.block.render');

    await vi.waitFor(() => expect(buttons()).toHaveLength(2));
    click(buttons()[1]);
    await vi.waitFor(() => {
      const banner = document.body.querySelector('s-banner');
      expect(banner).not.toBeNull();
      expect(banner!.getAttribute('tone') ?? (banner as any).tone).toBe('critical');
      expect(banner!.textContent).toContain('addError: Out of stock');
    });
    expect(buttons()).toHaveLength(2); // still offered
  });

  test('empty answer renders nothing', async () => {
    const fetch = respond({ products: [] });
    extension.fetch = fetch;
    await renderTarget('purchase.checkout.block.render');
    await vi.waitFor(() => expect(fetch).toHaveBeenCalled());
    await vi.waitFor(() => expect(document.body.querySelector('s-skeleton-paragraph')).toBeNull());
    expect(document.body.querySelector('s-stack')).toBeNull();
    expect(document.body.textContent).toBe('');
  });

  test('a backend failure renders nothing', async () => {
    extension.fetch = respond({ error: 'boom' }, 500);
    await renderTarget('purchase.checkout.block.render');
    await vi.waitFor(() => expect(document.body.querySelector('s-skeleton-paragraph')).toBeNull());
    expect(document.body.textContent).toBe('');
  });

  test('products already in the cart are not offered', async () => {
    extension.shopify.lines.value = [
      createCartLine({
        merchandise: {
          type: 'variant',
          id: 'gid://shopify/ProductVariant/4242',
          title: 'Leather belt',
          selectedOptions: [],
          product: { id: 'gid://shopify/Product/42', vendor: 'Acme', productType: 'belt' },
          requiresShipping: true,
        } as any,
      }),
    ];
    extension.fetch = respond({ products: PRODUCTS });
    await renderTarget('purchase.checkout.block.render');
    await vi.waitFor(() => expect(buttons()).toHaveLength(1));
    expect(document.body.textContent).not.toContain('Leather belt');
  });

  test('renders nothing when lines cannot be added', async () => {
    extension.shopify.instructions.value = {
      ...extension.shopify.instructions.value,
      lines: { ...extension.shopify.instructions.value.lines, canAddCartLine: false },
    };
    const fetch = respond({ products: PRODUCTS });
    extension.fetch = fetch;
    await renderTarget('purchase.checkout.block.render');
    await new Promise((r) => setTimeout(r, 20));
    expect(fetch).not.toHaveBeenCalled();
    expect(document.body.textContent).toBe('');
  });

  test('a merchant heading and limit from the extension settings are used', async () => {
    extension.shopify.settings.value = { heading: 'Treat yourself', limit: 1 };
    extension.fetch = respond({ products: PRODUCTS });
    await renderTarget('purchase.checkout.block.render');
    await vi.waitFor(() => expect(buttons()).toHaveLength(1));
    expect(document.body.querySelector('s-heading')!.textContent).toBe('Treat yourself');
  });
});
