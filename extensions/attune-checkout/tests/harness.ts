import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { render } from 'preact';
import { getExtension } from '@shopify/ui-extensions-tester';

type Target = 'purchase.checkout.block.render' | 'purchase.thank-you.block.render';

const EXTENSION_DIR = path.resolve(__dirname, '..');
const require = createRequire(import.meta.url);

/** "2026.10.0-rc.13" -> "2026-10", as Shopify maps package versions to API versions. */
export function apiVersionOf(npmVersion: string): string {
  const [year, minor] = npmVersion.split('.');
  return `${year}-${minor.padStart(2, '0')}`;
}

/** The installed version of a package, from the package.json above its resolved entry point. */
function packageVersion(pkg: string): string {
  for (let dir = path.dirname(require.resolve(pkg)); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (!fs.existsSync(file)) continue;
    const json = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version: string };
    if (json.name === pkg) return json.version;
  }
  throw new Error(`package.json of ${pkg} not found`);
}

/** The API version of the @shopify/ui-extensions the extension is built and type-checked with. */
export const EXTENSION_API_VERSION = apiVersionOf(packageVersion('@shopify/ui-extensions'));
/** The only API version the installed @shopify/ui-extensions-tester accepts. */
export const TESTER_API_VERSION = apiVersionOf(packageVersion('@shopify/ui-extensions-tester'));

export function extensionToml(): string {
  return fs.readFileSync(path.join(EXTENSION_DIR, 'shopify.extension.toml'), 'utf8');
}

/** The toml as the tester must see it: another api_version, module paths absolute. Nothing else. */
export function adaptToml(toml: string, apiVersion: string): string {
  return toml
    .replace(/^api_version = "[^"]+"/m, `api_version = "${apiVersion}"`)
    .replace(/^module = "\.\/(.+)"$/gm, (_, rel: string) => `module = ${JSON.stringify(path.join(EXTENSION_DIR, rel))}`);
}

/**
 * The tester's Extension for a target. The tester refuses any api_version but its own (2026-07),
 * while the extension targets 2026-10; the tester is then given a copy of shopify.extension.toml
 * that differs only in api_version (module paths made absolute). What that relies on, that the
 * APIs the extension uses are the same in both versions, is checked by `npm run typecheck:checkout`
 * (the source type-checks against both versions' declarations).
 */
export function checkoutExtension<T extends Target>(target: T) {
  const toml = extensionToml();
  if (!toml.includes(`api_version = "${TESTER_API_VERSION}"`)) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `attune-checkout-${TESTER_API_VERSION}-`));
    fs.writeFileSync(path.join(dir, 'shopify.extension.toml'), adaptToml(toml, TESTER_API_VERSION));
    return getExtension(target, { configSearchDir: dir });
  }
  return getExtension(target, { configSearchDir: EXTENSION_DIR });
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

/**
 * The tester's tearDown() falls back to `document.body.innerHTML = ''` under ESM (its `require('preact')`
 * fails), which leaves Preact's previous tree attached to <body>; unmount it properly before each render.
 */
export function unmount(): void {
  render(null, document.body);
}
