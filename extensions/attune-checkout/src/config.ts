/**
 * Where the Attune app server lives, for `fetch(`${appUrl()}/api/checkout/upsell`)`.
 *
 * UI extensions run in Shopify's sandbox and have no access to the app's environment at runtime, so the
 * URL is a BUILD-TIME constant: Shopify CLI bundles extensions with esbuild and replaces every
 * `process.env.<NAME>` with the value from the app's `.env` file or the CLI's own environment
 * (Shopify/cli packages/app/src/cli/services/extensions/bundle.ts, `define`). Set it when building/deploying:
 *
 *   ATTUNE_APP_URL=https://attune.example.com shopify app deploy      (or ATTUNE_APP_URL=... in .env)
 *
 * scripts/asset-sizes.ts defines it the same way for its size estimate; tests set process.env directly.
 * Without it the extension renders nothing (it never guesses an origin).
 */
export function appUrl(): string {
  let url: string | undefined;
  try {
    // @ts-ignore -- `process` does not exist in the sandbox; esbuild replaces this whole expression.
    url = process.env.ATTUNE_APP_URL;
  } catch {
    url = undefined;
  }
  return typeof url === 'string' && /^https?:\/\//.test(url) ? url.replace(/\/+$/, '') : '';
}
