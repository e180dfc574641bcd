import { render } from 'preact';
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

/**
 * The tester's tearDown() falls back to `document.body.innerHTML = ''` under ESM (its `require('preact')`
 * fails), which leaves Preact's previous tree attached to <body>; unmount it properly before each render.
 */
export function unmount(): void {
  render(null, document.body);
}
