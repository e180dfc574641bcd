/** @jsxImportSource preact */
/**
 * The thank-you line "You earned N points" for the order just placed, from {APP_URL}/api/checkout/loyalty
 * (checkout session token). The order reaches Attune by webhook, usually a moment after this page
 * opens, so an answer of `order: null` is asked again a few times before the line gives up.
 * Renders nothing for guests, when the program is disabled, or when the order earned nothing.
 */
import { useEffect, useState } from 'preact/hooks';
import type { I18nTranslate, SessionToken } from '@shopify/ui-extensions/checkout';
import { appUrl } from './config';

export interface OrderPoints {
  earned: number;
  pending: boolean;
}

export interface PointsApi {
  sessionToken: Pick<SessionToken, 'get'>;
  i18n: { translate: I18nTranslate; formatNumber: (n: number) => string };
  orderConfirmation?: { readonly value: { order: { id: string } } | undefined };
}

/** Waits before each new ask while the order's webhook has not been processed (about 20 s in all). */
export const RETRY_DELAYS_MS = [1500, 3000, 5000, 10000];

type Answer = { state: 'hidden' } | { state: 'wait' } | { state: 'ready'; points: OrderPoints };

export function readAnswer(body: unknown): Answer {
  const b = body as { enabled?: unknown; signedIn?: unknown; order?: { earned?: unknown; pending?: unknown } | null } | null;
  if (!b || b.enabled !== true || b.signedIn !== true) return { state: 'hidden' };
  if (b.order === null || b.order === undefined) return { state: 'wait' };
  const earned = b.order.earned;
  if (typeof earned !== 'number' || !Number.isInteger(earned) || earned <= 0) return { state: 'hidden' };
  return { state: 'ready', points: { earned, pending: b.order.pending === true } };
}

/** GET {APP_URL}/api/checkout/loyalty?order=<gid> with `Authorization: Bearer <session token>`. */
export async function fetchOrderPoints(api: PointsApi, orderId: string): Promise<Answer> {
  const base = appUrl();
  if (!base) return { state: 'hidden' };
  const token = await api.sessionToken.get();
  const res = await fetch(`${base}/api/checkout/loyalty?order=${encodeURIComponent(orderId)}`, {
    headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
  });
  if (!res.ok) throw new Error(`Attune loyalty request failed: ${res.status}`);
  return readAnswer(await res.json());
}

export function ThankYouPoints({ api }: { api: PointsApi }) {
  const [points, setPoints] = useState<OrderPoints | null>(null);
  const orderId = api.orderConfirmation?.value?.order.id ?? '';

  useEffect(() => {
    if (!orderId) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ask = (attempt: number) => {
      fetchOrderPoints(api, orderId).then(
        (a) => {
          if (!live) return;
          if (a.state === 'ready') setPoints(a.points);
          else if (a.state === 'wait' && attempt < RETRY_DELAYS_MS.length) timer = setTimeout(() => ask(attempt + 1), RETRY_DELAYS_MS[attempt]);
        },
        // The buyer's order is placed; a failed points request must not disturb the page.
        (e: unknown) => console.warn('[attune] points unavailable:', e instanceof Error ? e.message : e),
      );
    };
    ask(0);
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
  }, [orderId]);

  if (!points) return null;
  const t = api.i18n.translate;
  const count = api.i18n.formatNumber(points.earned);
  return (
    <s-banner tone="success">
      <s-text>{t(points.pending ? 'pointsEarnedPending' : 'pointsEarned', { count: points.earned, points: count })}</s-text>
    </s-banner>
  );
}
