// @vitest-environment jsdom
// customer-account.page.render: the full loyalty page against the /api/account/loyalty contract.
import { describe, expect, test, vi } from 'vitest';
import { memberView } from '../../../tests/fixtures/loyalty-view';
import { accountExtension, backend, click, prop, renderTarget, text, useExtension } from './harness';

const extension = accountExtension('customer-account.page.render');

/** The shared member fixture with points-based tiers (the theme block's tests use it with spend). */
const view = (over: Record<string, unknown> = {}) =>
  memberView({
    nextTier: { id: 'gold', name: 'Gold', remaining: 400, basis: 'points' },
    nextExpiry: null,
    tiers: [
      { id: 'silver', name: 'Silver', threshold: 500 },
      { id: 'gold', name: 'Gold', threshold: 1500 },
    ],
    rewards: [
      { id: 'r5', title: '$5 off', kind: 'amount', value: 500, cost: 500, minOrderCents: null, redeemable: true },
      { id: 'r20', title: '20% off', kind: 'percentage', value: 20, cost: 2000, minOrderCents: null, redeemable: false },
    ],
    history: [{ id: 'le_1', key: 'earn:1', kind: 'earn', points: 0, pending: 150, owed: 0, reason: null, orderId: '1', actor: null, createdAt: '2026-12-01T10:00:00.000Z' }],
    ...over,
  });

const page = () => document.body;
const tick = () => new Promise((r) => setTimeout(r, 0));
const headings = () => [...page().querySelectorAll('s-section')].map((s) => prop(s, 'heading'));
const buttons = () => [...page().querySelectorAll('s-button')];
const redeemButton = (title: string) => buttons().find((b) => prop(b, 'accessibilitylabel')?.includes(title) || prop(b, 'accessibilityLabel')?.includes(title))!;

useExtension(extension, () => {
  extension.shopify.sessionToken.get = vi.fn(async () => 'jwt-account');
  extension.shopify.i18n.translate = ((key: string, o?: Record<string, unknown>) =>
    o ? `${key}(${Object.entries(o).filter(([k]) => k !== 'count').map(([k, v]) => `${k}=${v}`).join(',')})` : key) as typeof extension.shopify.i18n.translate;
});

describe('loyalty page', () => {
  test('shows balance, pending, tier, progress, rewards and history, asked with the session token', async () => {
    const api = backend(() => ({ body: view() }));
    extension.fetch = api.fetch;
    await renderTarget('customer-account.page.render');
    await vi.waitFor(() => expect(page().querySelector('s-progress')).not.toBeNull());
    expect(api.calls[0]).toMatchObject({ url: 'https://attune.test/api/account/loyalty', method: 'GET', auth: 'Bearer jwt-account' });
    expect(headings()).toEqual(['balanceHeading', 'rewardsHeading', 'historyHeading', 'birthdayHeading']);
    const all = text(page());
    expect(all).toContain('620');
    expect(all).toContain('150');
    expect(all).toContain('Silver');
    const bar = page().querySelector('s-progress')!;
    expect(Number(prop(bar, 'max'))).toBe(1000);
    expect(Number(prop(bar, 'value'))).toBe(600);
    expect(all).toContain('nextTier(amount=pointsCount(points=400),tier=Gold)');
    expect(all).toContain('kind.earn');
    expect(all).toContain('+150');
    expect(prop(redeemButton('$5 off'), 'disabled')).toBeFalsy();
    // 2000 points cost more than the 620 available: disabled, with how many are missing.
    expect([true, '', 'true']).toContain(prop(redeemButton('20% off'), 'disabled'));
    expect(all).toContain('needMore(points=1380)');
  });

  test('redeem: one click, the code shown with a copy action, the balance updated', async () => {
    const api = backend((path) => (path.endsWith('/redeem') ? { body: { code: 'ATN-5-K3Y9', rewardId: 'r5', points: 120 } } : { body: view() }));
    extension.fetch = api.fetch;
    await renderTarget('customer-account.page.render');
    await vi.waitFor(() => expect(redeemButton('$5 off')).toBeDefined());
    click(redeemButton('$5 off'));
    await vi.waitFor(() => expect(page().querySelector('s-clipboard-item')).not.toBeNull());
    const post = api.calls.find((c) => c.method === 'POST')!;
    expect(post.url).toBe('https://attune.test/api/account/loyalty/redeem');
    expect(post.auth).toBe('Bearer jwt-account');
    expect(post.body.rewardId).toBe('r5');
    expect(post.body.idempotencyKey).toMatch(/^[\w-]{16,}$/);
    const clip = page().querySelector('s-clipboard-item')!;
    expect(prop(clip, 'text')).toBe('ATN-5-K3Y9');
    const copy = buttons().find((b) => prop(b, 'commandfor') === clip.id || prop(b, 'commandFor') === clip.id)!;
    expect(prop(copy, 'command')).toBe('--copy');
    const banner = page().querySelector('s-banner')!;
    expect(prop(banner, 'tone')).toBe('success');
    expect(text(banner)).toBe('redeemed(code=ATN-5-K3Y9)');
    expect(text(page())).toContain('120');
  });

  test('a lost answer is retried with the same idempotency key; 409 and 503 are explained', async () => {
    const answers: ({ status: number; body: unknown } | Error)[] = [new TypeError('Failed to fetch'), { status: 409, body: { error: 'insufficient_points' } }, { status: 503, body: { error: 'codes_unavailable' } }];
    const api = backend((path) => (path.endsWith('/redeem') ? answers.shift()! : { body: view() }));
    extension.fetch = api.fetch;
    await renderTarget('customer-account.page.render');
    await vi.waitFor(() => expect(redeemButton('$5 off')).toBeDefined());
    const banner = () => text(page().querySelector('s-banner'));
    click(redeemButton('$5 off'));
    await vi.waitFor(() => expect(banner()).toBe('error'));
    click(redeemButton('$5 off'));
    await vi.waitFor(() => expect(banner()).toBe('insufficient'));
    click(redeemButton('$5 off'));
    await vi.waitFor(() => expect(banner()).toBe('unavailable'));
    expect(prop(page().querySelector('s-banner')!, 'tone')).toBe('critical');
    const keys = api.calls.filter((c) => c.method === 'POST').map((c) => c.body.idempotencyKey);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[1]);
    expect(page().querySelector('s-clipboard-item')).toBeNull();
  });

  test('earlier codes are listed with their reward', async () => {
    extension.fetch = backend(() => ({ body: view({ redemptions: [{ code: 'OLD-CODE', rewardId: 'r5', points: 500 }] }) })).fetch;
    await renderTarget('customer-account.page.render');
    await vi.waitFor(() => expect(page().querySelector('s-clipboard-item')).not.toBeNull());
    const row = page().querySelector('s-clipboard-item')!.parentElement!;
    expect(text(row)).toContain('$5 off');
    expect(text(row)).toContain('OLD-CODE');
    expect(prop(page().querySelector('s-clipboard-item')!, 'text')).toBe('OLD-CODE');
  });

  test('birthday: MM-DD checked before sending, then saved', async () => {
    const api = backend((path) => (path.endsWith('/birthday') ? { body: { ok: true } } : { body: view() }));
    extension.fetch = api.fetch;
    await renderTarget('customer-account.page.render');
    await vi.waitFor(() => expect(page().querySelector('s-text-field')).not.toBeNull());
    const field = page().querySelector('s-text-field')! as HTMLElement & { value: string };
    const save = () => buttons().find((b) => text(b) === 'birthdaySave')!;
    field.value = '02-31x';
    field.dispatchEvent(new Event('input', { bubbles: true }));
    await tick();
    click(save());
    await vi.waitFor(() => expect(prop(page().querySelector('s-text-field')!, 'error')).toBe('birthdayInvalid'));
    expect(api.calls.some((c) => c.url.endsWith('/birthday'))).toBe(false);
    field.value = '04-23';
    field.dispatchEvent(new Event('input', { bubbles: true }));
    await tick();
    click(save());
    await vi.waitFor(() => expect(text(page())).toContain('birthdaySet'));
    expect(api.calls.find((c) => c.url.endsWith('/birthday'))).toMatchObject({ method: 'POST', body: { birthday: '04-23' } });
    expect(page().querySelector('s-text-field')).toBeNull();
  });

  test('a disabled program says so and offers nothing; a failing backend shows an error', async () => {
    extension.fetch = backend(() => ({ body: { enabled: false } })).fetch;
    await renderTarget('customer-account.page.render');
    await vi.waitFor(() => expect(text(page())).toContain('disabled'));
    expect(page().querySelector('s-button')).toBeNull();
    extension.fetch = backend(() => ({ status: 500, body: { error: 'boom' } })).fetch;
    await renderTarget('customer-account.page.render');
    await vi.waitFor(() => expect(text(page().querySelector('s-banner'))).toBe('loadError'));
  });
});
