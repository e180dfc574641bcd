/** The one place the Admin API version is pinned. Webhook subscriptions in shopify.app.toml match it. */
export const ADMIN_API_VERSION = "2026-10" as const;
