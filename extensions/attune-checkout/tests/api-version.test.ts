// @vitest-environment jsdom
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { ADMIN_API_VERSION } from '../../../app/shopify/api-version';
import { adaptToml, apiVersionOf, checkoutExtension, EXTENSION_API_VERSION, extensionToml } from './harness';

const versionIn = (toml: string) => /^api_version = "([^"]+)"/m.exec(toml)?.[1];

describe('checkout extension API version', () => {
  test('targets the same Shopify API version as the app (2026-10)', () => {
    expect(versionIn(extensionToml())).toBe(ADMIN_API_VERSION);
  });

  test('is built against the @shopify/ui-extensions of that version', () => {
    // Shopify CLI bundles the installed package: a toml saying one version over another version's
    // types would ship code checked against the wrong API.
    expect(apiVersionOf('2026.10.0-rc.13')).toBe('2026-10');
    expect(apiVersionOf('2026.7.0')).toBe('2026-07');
    expect(EXTENSION_API_VERSION).toBe(versionIn(extensionToml()));
  });

  test('the toml the tester reads differs only in api_version and absolute module paths', () => {
    const dir = path.resolve(__dirname, '..');
    const original = extensionToml().split('\n');
    const adapted = adaptToml(extensionToml(), '2026-07').split('\n');
    expect(adapted).toHaveLength(original.length);
    adapted.forEach((line, i) => {
      if (original[i].startsWith('api_version')) expect(line).toBe('api_version = "2026-07"');
      else if (original[i].startsWith('module')) {
        const abs = JSON.parse(line.split(' = ')[1]) as string;
        expect(abs).toBe(path.resolve(dir, JSON.parse(original[i].split(' = ')[1]) as string));
      } else expect(line).toBe(original[i]);
    });
  });

  test('the adapted extension keeps its capabilities: checkout fetch is allowed (network_access)', async () => {
    const ext = checkoutExtension('purchase.checkout.block.render');
    ext.setUp();
    try {
      await expect(fetch('https://attune.test/api/checkout/upsell')).resolves.toBeInstanceOf(Response);
    } finally {
      ext.tearDown();
    }
  });
});
