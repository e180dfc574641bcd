/** @jsxImportSource preact */
/** The points of one order on its order status page, from /api/account/loyalty/order?order=<gid>. */
import { useEffect, useState } from 'preact/hooks';
import type { I18nTranslate } from '@shopify/ui-extensions/customer-account';
import { call, type OrderPoints, type TokenApi } from './api';

export interface OrderApi extends TokenApi {
  i18n: { translate: I18nTranslate; formatNumber: (n: number) => string };
  order: { readonly value: { id: string } | undefined };
}

export function OrderPointsBlock({ api }: { api: OrderApi }) {
  const [points, setPoints] = useState<OrderPoints | null>(null);
  const orderId = api.order.value?.id ?? '';
  const num = api.i18n.formatNumber;
  const t = (key: string, options?: Record<string, unknown>) => String(api.i18n.translate(key, options));

  useEffect(() => {
    if (!orderId) return;
    let live = true;
    call<{ enabled: boolean; order: OrderPoints | null }>(api, `/order?order=${encodeURIComponent(orderId)}`).then(
      (b) => live && b.enabled && b.order && setPoints(b.order),
      (e: unknown) => console.warn('[attune] order points unavailable:', e instanceof Error ? e.message : e),
    );
    return () => {
      live = false;
    };
  }, [orderId]);

  if (!points || (points.earned <= 0 && points.reversed <= 0)) return null;
  return (
    <s-section heading={t('orderHeading')}>
      <s-stack gap="small-200">
        {points.earned > 0 ? <s-text>{t(points.pending ? 'orderEarnedPending' : 'orderEarned', { count: points.earned, points: num(points.earned) })}</s-text> : null}
        {points.reversed > 0 ? <s-text color="subdued">{t('orderReversed', { count: points.reversed, points: num(points.reversed) })}</s-text> : null}
      </s-stack>
    </s-section>
  );
}
