import "@shopify/shopify-app-remix/adapters/node";
import { ApiVersion, AppDistribution, LogSeverity, shopifyApp } from "@shopify/shopify-app-remix/server";
import { CachedSessionStorage } from "./shopify/session-storage.server";
import { db } from "./db.server";
import { env } from "./utils/env.server";
import { ADMIN_API_VERSION } from "./shopify/api-version";

const config = env();

/** What an install (or re-auth) starts: the shop's row and its history load. */
export type InstallHandler = (install: { shop: string; accessToken: string; scopes: string | null }) => Promise<void>;
let installHandler: InstallHandler | undefined;

/**
 * Called once by the composition root (entry.server.tsx). This module is loaded by every route that
 * authenticates, so it names no service itself: importing the install service here would load the
 * backfill, the Admin API client and the ingest path behind every admin page and webhook.
 */
export function handleInstalls(handler: InstallHandler) {
  installHandler = handler;
}

/** The registered install handler (entry.server.tsx's wiring, checked by its test). */
export function registeredInstallHandler(): InstallHandler | undefined {
  return installHandler;
}
const apiVersion = ApiVersion.October26;
if (apiVersion !== ADMIN_API_VERSION) throw new Error("ApiVersion and ADMIN_API_VERSION disagree");

const shopify = shopifyApp({
  apiKey: config.SHOPIFY_API_KEY,
  apiSecretKey: config.SHOPIFY_API_SECRET,
  apiVersion,
  scopes: config.SCOPES.split(","),
  appUrl: config.SHOPIFY_APP_URL,
  authPathPrefix: "/auth",
  sessionStorage: new CachedSessionStorage(db()),
  distribution: AppDistribution.AppStore,
  // The library logs every app-proxy and webhook authentication at info level: on the storefront
  // and ingest hot paths that was ~5% of a request. Warnings and errors still show.
  logger: { level: config.NODE_ENV === "development" ? LogSeverity.Info : LogSeverity.Warning },
  // Expiring offline tokens stay off for now: the library refreshes them inside webhook verification,
  // which would make ingest depend on a network call to Shopify (see docs/architecture.md).
  future: { unstable_newEmbeddedAuthStrategy: true },
  hooks: {
    // Runs after install and every re-auth: make sure the shop exists and its history is (being) loaded.
    afterAuth: async ({ session }) => {
      // Failing the OAuth callback beats an install that silently never loads the shop's history.
      if (!installHandler) throw new Error("attune: no install handler registered (entry.server.tsx calls handleInstalls)");
      await installHandler({ shop: session.shop, accessToken: session.accessToken ?? "", scopes: session.scope ?? null });
    },
  },
  ...(config.SHOP_CUSTOM_DOMAIN ? { customShopDomains: [config.SHOP_CUSTOM_DOMAIN] } : {}),
});

export default shopify;
export { apiVersion };
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const registerWebhooks = shopify.registerWebhooks;
export const sessionStorage = shopify.sessionStorage;
