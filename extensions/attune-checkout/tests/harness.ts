import path from 'node:path';
import { testerExtension, unmount } from './tester';

export { adaptToml, apiVersionOf, EXTENSION_API_VERSION, extensionToml, TESTER_API_VERSION, testerExtension, unmount } from './tester';

type Target = 'purchase.checkout.block.render' | 'purchase.thank-you.block.render';

const EXTENSION_DIR = path.resolve(__dirname, '..');

/**
 * The tester's Extension for a target. The tester refuses any api_version but its own (2026-07),
 * while the extension targets 2026-10; the tester is then given a copy of shopify.extension.toml
 * that differs only in api_version (module paths made absolute). What that relies on, that the
 * APIs the extension uses are the same in both versions, is checked by `npm run typecheck:checkout`
 * (the source type-checks against both versions' declarations).
 */
export function checkoutExtension<T extends Target>(target: T) {
  return testerExtension(EXTENSION_DIR, target);
}

/**
 * `extension.render()` from @shopify/ui-extensions-tester does `import(<module from shopify.extension.toml>)`
 * from inside node_modules, which Node runs natively and cannot load `.tsx`. We import the same module
 * through vite (so it is transformed) and call its default export, exactly as `render()` would.
 * With `test.server.deps.inline: ['@shopify/ui-extensions-tester']` in vitest.config.ts, plain
 * `extension.render()` works too and this helper becomes a one-liner.
 */
const modules = {
  'purchase.checkout.block.render': () => import('../src/Checkout.tsx'),
  'purchase.thank-you.block.render': () => import('../src/ThankYou.tsx'),
} as const;

export async function renderTarget(target: keyof typeof modules): Promise<void> {
  unmount();
  const mod = await modules[target]();
  await mod.default();
}

