// @vitest-environment jsdom
// The thank-you line "You earned N points": rendered beside the upsell on purchase.thank-you.block.render.
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { checkoutExtension, renderTarget, unmount } from './harness';
import { readAnswer, RETRY_DELAYS_MS } from '../src/points';

const extension = checkoutExtension('purchase.thank-you.block.render');
const ORDER = 'gid://shopify/Order/9007199254740993';

type Body = unknown;
/** fetch stand-in: loyalty answers from the queue (the last one repeats), upsell answers no products. */
function backend(loyalty: Body[]) {
  return vi.fn(async (url: string | URL | Request) => {
    const body = String(url).includes('/api/checkout/loyalty') ? (loyalty.length > 1 ? loyalty.shift() : loyalty[0]) : { products: [] };
    return new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });
  });
}
const loyaltyCalls = (fetch: ReturnType<typeof backend>) => fetch.mock.calls.filter(([u]) => String(u).includes('/api/checkout/loyalty'));

beforeEach(() => {
  process.env.ATTUNE_APP_URL = 'https://attune.test';
  extension.setUp();
  extension.shopify.orderConfirmation.value = { order: { id: ORDER }, number: 'X1', isFirstOrder: false };
  extension.shopify.sessionToken.get = vi.fn(async () => 'jwt-points');
  extension.shopify.i18n.translate = ((key: string, o?: Record<string, unknown>) => `${key}:${o?.points}`) as typeof extension.shopify.i18n.translate;
  extension.shopify.i18n.formatNumber = (n: number | bigint) => n.toLocaleString('en-US');
  vi.spyOn(console, 'warn').mockImplementation(() => {});
});

afterEach(() => {
  unmount();
  extension.tearDown();
  vi.useRealTimers();
  vi.restoreAllMocks();
  delete process.env.ATTUNE_APP_URL;
});

test('shows the points the order earned, asked with the session token and the order id', async () => {
  const fetch = backend([{ enabled: true, signedIn: true, order: { earned: 1250, pending: false, reversed: 0 }, points: 1700, pending: 0 }]);
  extension.fetch = fetch;
  await renderTarget('purchase.thank-you.block.render');
  await vi.waitFor(() => expect(document.body.querySelector('s-banner')).not.toBeNull());
  const banner = document.body.querySelector('s-banner')!;
  expect(banner.getAttribute('tone') ?? (banner as any).tone).toBe('success');
  expect(banner.textContent).toBe('pointsEarned:1,250');
  const [url, init] = loyaltyCalls(fetch)[0] as unknown as [string, RequestInit];
  expect(url).toBe(`https://attune.test/api/checkout/loyalty?order=${encodeURIComponent(ORDER)}`);
  expect((init.headers as Record<string, string>).Authorization).toBe('Bearer jwt-points');
});

test('pending points get the pending wording', async () => {
  extension.fetch = backend([{ enabled: true, signedIn: true, order: { earned: 80, pending: true, reversed: 0 } }]);
  await renderTarget('purchase.thank-you.block.render');
  await vi.waitFor(() => expect(document.body.textContent).toBe('pointsEarnedPending:80'));
});

test('asks again while the order has not reached Attune yet, then shows the line', async () => {
  vi.useFakeTimers({ shouldAdvanceTime: true });
  const fetch = backend([
    { enabled: true, signedIn: true, order: null },
    { enabled: true, signedIn: true, order: null },
    { enabled: true, signedIn: true, order: { earned: 40, pending: false, reversed: 0 } },
  ]);
  extension.fetch = fetch;
  await renderTarget('purchase.thank-you.block.render');
  await vi.waitFor(() => expect(loyaltyCalls(fetch)).toHaveLength(1));
  expect(document.body.querySelector('s-banner')).toBeNull();
  await vi.advanceTimersByTimeAsync(RETRY_DELAYS_MS[0]);
  await vi.waitFor(() => expect(loyaltyCalls(fetch)).toHaveLength(2));
  await vi.advanceTimersByTimeAsync(RETRY_DELAYS_MS[1]);
  await vi.waitFor(() => expect(document.body.textContent).toBe('pointsEarned:40'));
  expect(loyaltyCalls(fetch)).toHaveLength(3);
});

test('gives up after the last retry and renders nothing', async () => {
  vi.useFakeTimers({ shouldAdvanceTime: true });
  const fetch = backend([{ enabled: true, signedIn: true, order: null }]);
  extension.fetch = fetch;
  await renderTarget('purchase.thank-you.block.render');
  for (const ms of RETRY_DELAYS_MS) await vi.advanceTimersByTimeAsync(ms);
  await vi.advanceTimersByTimeAsync(60_000);
  expect(loyaltyCalls(fetch)).toHaveLength(RETRY_DELAYS_MS.length + 1);
  expect(document.body.textContent).toBe('');
});

test('nothing for a disabled program, a guest, zero points or a failing backend; the upsell still renders', async () => {
  for (const body of [{ enabled: false }, { enabled: true, signedIn: false }, { enabled: true, signedIn: true, order: { earned: 0, pending: false, reversed: 0 } }]) {
    const fetch = vi.fn(async (url: string | URL | Request) =>
      new Response(JSON.stringify(String(url).includes('/loyalty') ? body : { products: [{ id: '1', variantId: '11', title: 'Refill', imageUrl: null, priceCents: 900, currency: 'USD' }] })),
    );
    extension.fetch = fetch;
    await renderTarget('purchase.thank-you.block.render');
    await vi.waitFor(() => expect(document.body.querySelector('s-button')).not.toBeNull());
    await vi.waitFor(() => expect(fetch.mock.calls.some(([u]) => String(u).includes('/loyalty'))).toBe(true));
    expect(document.body.querySelector('s-banner')).toBeNull();
  }
  extension.fetch = vi.fn(async () => new Response('{"error":"boom"}', { status: 500 }));
  await renderTarget('purchase.thank-you.block.render');
  await vi.waitFor(() => expect(console.warn).toHaveBeenCalled());
  expect(document.body.querySelector('s-banner')).toBeNull();
});

test('readAnswer accepts only whole positive points for a signed-in buyer', () => {
  expect(readAnswer(null)).toEqual({ state: 'hidden' });
  expect(readAnswer({ enabled: true, signedIn: true, order: { earned: 2.5 } })).toEqual({ state: 'hidden' });
  expect(readAnswer({ enabled: true, signedIn: true, order: { earned: '10' } })).toEqual({ state: 'hidden' });
  expect(readAnswer({ enabled: true, signedIn: true })).toEqual({ state: 'wait' });
  expect(readAnswer({ enabled: true, signedIn: true, order: { earned: 10, pending: true } })).toEqual({ state: 'ready', points: { earned: 10, pending: true } });
});
