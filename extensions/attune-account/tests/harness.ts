import path from 'node:path';
import { afterEach, beforeEach, vi } from 'vitest';
import { testerExtension, unmount } from '../../attune-checkout/tests/tester';

export { unmount };

type Target = 'customer-account.page.render' | 'customer-account.order-status.block.render';

/** The tester's Extension for this extension's targets (the 2026-07 adapter of the checkout harness). */
export function accountExtension<T extends Target>(target: T) {
  return testerExtension(path.resolve(__dirname, '..'), target);
}

/** Imports the target's module through vite and runs it, as `extension.render()` would (see the checkout harness). */
const modules = {
  'customer-account.page.render': () => import('../src/LoyaltyPage.tsx'),
  'customer-account.order-status.block.render': () => import('../src/OrderPoints.tsx'),
} as const;

export async function renderTarget(target: Target): Promise<void> {
  unmount();
  await (await modules[target]()).default();
}

/** fetch stand-in answering by path; records every call with its parsed JSON body. */
export function backend(answer: (path: string, body: any) => { status?: number; body: unknown } | Error) {
  const calls: { url: string; method: string; auth: string | undefined; body: any }[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    const headers = (init?.headers ?? {}) as Record<string, string>;
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ url, method: init?.method ?? 'GET', auth: headers.Authorization, body });
    const a = answer(new URL(url).pathname + new URL(url).search, body);
    if (a instanceof Error) throw a;
    return new Response(JSON.stringify(a.body), { status: a.status ?? 200, headers: { 'Content-Type': 'application/json' } });
  };
  return { fetch, calls };
}

export const click = (el: { dispatchEvent(e: Event): boolean }) => el.dispatchEvent(new Event('click', { bubbles: true }));
export const text = (el: { textContent: string | null } | null | undefined) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
export const prop = (el: { getAttribute(name: string): string | null }, name: string) => el.getAttribute(name) ?? (el as any)[name];

/**
 * Each test: a fresh mock `shopify` global, the build-time app URL, console warnings silenced, then
 * `setup` (the test file's own mock values); afterwards the tree unmounted and the global removed.
 */
export function useExtension(extension: { setUp(): void; tearDown(): void }, setup: () => void) {
  beforeEach(() => {
    process.env.ATTUNE_APP_URL = 'https://attune.test';
    extension.setUp();
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    setup();
  });
  afterEach(() => {
    unmount();
    extension.tearDown();
    vi.restoreAllMocks();
    delete process.env.ATTUNE_APP_URL;
  });
}
