// @vitest-environment jsdom
// customer-account.order-status.block.render: the points of that order.
import { expect, test, vi } from 'vitest';
import { accountExtension, backend, renderTarget, text, useExtension } from './harness';

const extension = accountExtension('customer-account.order-status.block.render');
const ORDER = 'gid://shopify/Order/9007199254740993';

useExtension(extension, () => {
  extension.shopify.order.value = { ...extension.shopify.order.value!, id: ORDER };
  extension.shopify.sessionToken.get = vi.fn(async () => 'jwt-order');
  extension.shopify.i18n.translate = ((key: string, o?: Record<string, unknown>) => (o ? `${key}:${o.points}` : key)) as typeof extension.shopify.i18n.translate;
});

test("shows the order's points, asked for that order with the session token", async () => {
  const api = backend(() => ({ body: { enabled: true, order: { earned: 240, pending: false, reversed: 0 } } }));
  extension.fetch = api.fetch;
  await renderTarget('customer-account.order-status.block.render');
  await vi.waitFor(() => expect(text(document.body)).toContain('orderEarned:240'));
  expect(api.calls[0]).toMatchObject({ url: `https://attune.test/api/account/loyalty/order?order=${encodeURIComponent(ORDER)}`, auth: 'Bearer jwt-order' });
  const section = document.body.querySelector('s-section')!;
  expect(section.getAttribute('heading') ?? (section as any).heading).toBe('orderHeading');
});

test('pending points and points reversed after a refund', async () => {
  extension.fetch = backend(() => ({ body: { enabled: true, order: { earned: 240, pending: true, reversed: 60 } } })).fetch;
  await renderTarget('customer-account.order-status.block.render');
  await vi.waitFor(() => expect(text(document.body)).toContain('orderEarnedPending:240'));
  expect(text(document.body)).toContain('orderReversed:60');
});

test('nothing when the program is disabled, the order earned nothing, or the backend fails', async () => {
  for (const body of [{ enabled: false }, { enabled: true, order: null }, { enabled: true, order: { earned: 0, pending: false, reversed: 0 } }]) {
    const api = backend(() => ({ body }));
    extension.fetch = api.fetch;
    await renderTarget('customer-account.order-status.block.render');
    await vi.waitFor(() => expect(api.calls).toHaveLength(1));
    await new Promise((r) => setTimeout(r, 10));
    expect(text(document.body)).toBe('');
  }
  extension.fetch = backend(() => ({ status: 500, body: {} })).fetch;
  await renderTarget('customer-account.order-status.block.render');
  await vi.waitFor(() => expect(console.warn).toHaveBeenCalled());
  expect(text(document.body)).toBe('');
});
