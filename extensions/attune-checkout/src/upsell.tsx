/** @jsxImportSource preact */
/**
 * Shared upsell logic for the checkout and thank-you targets: fetch offers from the Attune backend with
 * the checkout session token, render them with Polaris web components, add with applyCartLinesChange.
 */
import { useEffect, useState } from 'preact/hooks';
import type { CartLineChange, CartLineChangeResult, I18nTranslate, SessionToken } from '@shopify/ui-extensions/checkout';
import { appUrl } from './config';

export type Placement = 'checkout' | 'thank_you';

export interface UpsellProduct {
  id: string;
  /** Numeric variant id as a string (ids exceed 2^53: never Number() them). */
  variantId: string;
  title: string;
  imageUrl: string | null;
  priceCents: number;
  currency: string;
  reason?: string | null;
}

/** The slice of the `shopify` global this module uses (both targets provide it). */
export interface UpsellApi {
  sessionToken: Pick<SessionToken, 'get'>;
  i18n: {
    translate: I18nTranslate;
    formatCurrency: (amount: number, options?: Intl.NumberFormatOptions) => string;
  };
  settings: { readonly value: Readonly<Record<string, unknown>> };
  shop?: { storefrontUrl?: string };
  lines?: { readonly value: ReadonlyArray<{ merchandise: { id: string } }> };
  instructions?: { readonly value: { lines: { canAddCartLine: boolean } } };
  applyCartLinesChange?: (change: CartLineChange) => Promise<CartLineChangeResult>;
}

const DIGITS = /^\d+$/;

export function variantGid(variantId: string): string {
  return variantId.startsWith('gid://') ? variantId : `gid://shopify/ProductVariant/${variantId}`;
}

export function numericId(id: string): string {
  return id.slice(id.lastIndexOf('/') + 1);
}

function isProduct(p: unknown): p is UpsellProduct {
  const o = p as Partial<UpsellProduct> | null;
  return (
    !!o &&
    typeof o.variantId === 'string' &&
    DIGITS.test(numericId(o.variantId)) &&
    typeof o.title === 'string' &&
    typeof o.priceCents === 'number' &&
    typeof o.currency === 'string'
  );
}

/** Merchant setting from shopify.extension.toml, or undefined when unset. */
export function setting(api: Pick<UpsellApi, 'settings'>, key: string): unknown {
  const values = api.settings.value;
  return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : undefined;
}

export function upsellLimit(api: Pick<UpsellApi, 'settings'>): number {
  const n = Number(setting(api, 'limit'));
  return Number.isInteger(n) && n >= 1 ? Math.min(n, 4) : 2;
}

/** GET {APP_URL}/api/checkout/upsell?placement=… with `Authorization: Bearer <session token>`. */
export async function fetchUpsell(api: UpsellApi, placement: Placement): Promise<UpsellProduct[]> {
  const base = appUrl();
  if (!base) throw new Error('ATTUNE_APP_URL was not set when this extension was built');
  const token = await api.sessionToken.get();
  const res = await fetch(`${base}/api/checkout/upsell?placement=${placement}`, {
    headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
  });
  if (!res.ok) throw new Error(`Attune upsell request failed: ${res.status}`);
  const body = (await res.json()) as { products?: unknown };
  return Array.isArray(body?.products) ? body.products.filter(isProduct) : [];
}

type State = { status: 'loading' } | { status: 'hidden' } | { status: 'ready'; products: UpsellProduct[] };

export function Upsell({ api, placement }: { api: UpsellApi; placement: Placement }) {
  const [state, setState] = useState<State>({ status: 'loading' });
  const [busy, setBusy] = useState<string | null>(null);
  const [added, setAdded] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const t = api.i18n.translate;

  const atCheckout = placement === 'checkout';
  // Checkout: only when lines can be added (not e.g. during accelerated checkout / draft orders).
  const blocked = atCheckout && (!api.applyCartLinesChange || api.instructions?.value.lines.canAddCartLine === false);

  useEffect(() => {
    let live = true;
    if (blocked) return;
    fetchUpsell(api, placement).then(
      (products) => live && setState(products.length ? { status: 'ready', products } : { status: 'hidden' }),
      (e: unknown) => {
        // A failed recommendation request must not disturb the buyer: log it and render nothing.
        console.warn('[attune] upsell unavailable:', e instanceof Error ? e.message : e);
        if (live) setState({ status: 'hidden' });
      },
    );
    return () => {
      live = false;
    };
  }, [placement, blocked]);

  if (blocked || state.status === 'hidden') return null;

  const custom = setting(api, 'heading');
  const heading = (typeof custom === 'string' && custom.trim()) || t(atCheckout ? 'heading' : 'thankYouHeading');

  if (state.status === 'loading') {
    return (
      <s-stack gap="base" accessibilityLabel={t('loading')}>
        <s-heading>{heading}</s-heading>
        <s-skeleton-paragraph />
      </s-stack>
    );
  }

  const inCart = new Set((api.lines?.value ?? []).map((l) => l.merchandise.id));
  const products = state.products
    .filter((p) => !atCheckout || added.includes(p.variantId) || !inCart.has(variantGid(p.variantId)))
    .slice(0, upsellLimit(api));
  if (!products.length) return null;

  const add = async (p: UpsellProduct) => {
    if (!api.applyCartLinesChange) return;
    setBusy(p.variantId);
    setError(null);
    try {
      const result = await api.applyCartLinesChange({
        type: 'addCartLine',
        merchandiseId: variantGid(p.variantId),
        quantity: 1,
        attributes: [{ key: '_attune_placement', value: placement }],
      });
      if (result.type === 'error') setError(t('addError', { message: result.message }));
      else setAdded((a) => [...a, p.variantId]);
    } catch (e) {
      setError(t('addError', { message: e instanceof Error ? e.message : '' }));
    } finally {
      setBusy(null);
    }
  };

  const storefront = (api.shop?.storefrontUrl ?? '').replace(/\/+$/, '');

  return (
    <s-stack gap="base">
      <s-heading>{heading}</s-heading>
      {error ? (
        <s-banner tone="critical" dismissible onDismiss={() => setError(null)}>
          <s-text>{error}</s-text>
        </s-banner>
      ) : null}
      {products.map((p) => (
        <s-stack key={p.variantId} direction="inline" gap="base" alignItems="center">
          <s-product-thumbnail src={p.imageUrl ?? undefined} alt={p.title} />
          <s-stack gap="none" inlineSize="100%">
            <s-text type="strong">{p.title}</s-text>
            <s-text>{api.i18n.formatCurrency(p.priceCents / 100, { currency: p.currency })}</s-text>
            {p.reason ? <s-text color="subdued">{p.reason}</s-text> : null}
          </s-stack>
          {atCheckout ? (
            added.includes(p.variantId) ? (
              <s-text tone="success">{t('added')}</s-text>
            ) : (
              <s-button
                variant="secondary"
                loading={busy === p.variantId}
                disabled={busy !== null}
                accessibilityLabel={t('addLabel', { title: p.title })}
                onClick={() => add(p)}
              >
                {t('add')}
              </s-button>
            )
          ) : storefront ? (
            <s-button
              variant="secondary"
              href={`${storefront}/cart/${numericId(p.variantId)}:1`}
              target="_blank"
              accessibilityLabel={t('buyLabel', { title: p.title })}
            >
              {t('buy')}
            </s-button>
          ) : null}
        </s-stack>
      ))}
    </s-stack>
  );
}
