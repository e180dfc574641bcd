/**
 * The tester adapter without any extension's modules: shared by the checkout and customer account
 * extensions' tests (harness.ts here, ../../attune-account/tests/harness.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { render } from 'preact';
import { getExtension, type AnyExtensionTarget } from '@shopify/ui-extensions-tester';

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

export function extensionToml(dir = EXTENSION_DIR): string {
  return fs.readFileSync(path.join(dir, 'shopify.extension.toml'), 'utf8');
}

/** The toml as the tester must see it: another api_version, module paths absolute. Nothing else. */
export function adaptToml(toml: string, apiVersion: string, dir = EXTENSION_DIR): string {
  return toml
    .replace(/^api_version = "[^"]+"/m, `api_version = "${apiVersion}"`)
    .replace(/^module = "\.\/(.+)"$/gm, (_, rel: string) => `module = ${JSON.stringify(path.join(dir, rel))}`);
}

/** The same for any extension folder (extensions/attune-account's tests use it too). */
export function testerExtension<T extends AnyExtensionTarget>(extensionDir: string, target: T) {
  const toml = extensionToml(extensionDir);
  if (!toml.includes(`api_version = "${TESTER_API_VERSION}"`)) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${path.basename(extensionDir)}-${TESTER_API_VERSION}-`));
    fs.writeFileSync(path.join(dir, 'shopify.extension.toml'), adaptToml(toml, TESTER_API_VERSION, extensionDir));
    return getExtension(target, { configSearchDir: dir });
  }
  return getExtension(target, { configSearchDir: extensionDir });
}
/**
 * The tester's tearDown() falls back to `document.body.innerHTML = ''` under ESM (its `require('preact')`
 * fails), which leaves Preact's previous tree attached to <body>; unmount it properly before each render.
 */
export function unmount(): void {
  render(null, document.body);
}
