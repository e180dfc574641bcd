/** @jsxImportSource preact */
/**
 * The full loyalty page of the customer account: balance, tier progress, rewards redeemed with one click
 * (the code shown, with copy), earlier codes, history and birthday. Everything from /api/account/loyalty.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { I18nTranslate } from '@shopify/ui-extensions/customer-account';
import { ApiError, BIRTHDAY, call, idempotencyKey, type LoyaltyView, type TokenApi, type ViewReward } from './api';

export interface PageApi extends TokenApi {
  i18n: {
    translate: I18nTranslate;
    formatNumber: (n: number) => string;
    formatCurrency: (amount: number) => string;
    formatDate: (date: Date) => string;
  };
}

type State = { status: 'loading' } | { status: 'hidden' } | { status: 'error' } | { status: 'ready'; view: LoyaltyView };
type Notice = { tone: 'success' | 'critical'; message: string } | null;

const KINDS = new Set(['earn', 'release', 'reverse', 'redeem', 'expire', 'adjust', 'import', 'bonus']);

export function LoyaltyPage({ api }: { api: PageApi }) {
  const [state, setState] = useState<State>({ status: 'loading' });
  const [notice, setNotice] = useState<Notice>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [birthday, setBirthday] = useState('');
  const [birthdayError, setBirthdayError] = useState<string | null>(null);
  // One key per reward until the server answers: a retry after a lost answer gets the same code.
  const keys = useRef<Record<string, string>>({});
  const num = api.i18n.formatNumber;
  const t = (key: string, options?: Record<string, unknown>) => String(api.i18n.translate(key, options));

  useEffect(() => {
    let live = true;
    call<LoyaltyView>(api, '').then(
      (view) => live && setState(view.enabled && view.signedIn ? { status: 'ready', view } : { status: 'hidden' }),
      (e: unknown) => {
        console.warn('[attune] loyalty unavailable:', e instanceof Error ? e.message : e);
        if (live) setState({ status: 'error' });
      },
    );
    return () => {
      live = false;
    };
  }, []);

  if (state.status === 'hidden') {
    return (
      <s-page heading={t('heading')}>
        <s-section>
          <s-text>{t('disabled')}</s-text>
        </s-section>
      </s-page>
    );
  }
  if (state.status === 'loading') {
    return (
      <s-page heading={t('heading')}>
        <s-section accessibilityLabel={t('loading')}>
          <s-skeleton-paragraph />
        </s-section>
      </s-page>
    );
  }
  if (state.status === 'error') {
    return (
      <s-page heading={t('heading')}>
        <s-banner tone="critical">
          <s-text>{t('loadError')}</s-text>
        </s-banner>
      </s-page>
    );
  }

  const view = state.view;
  const points = view.points ?? 0;
  const update = (v: Partial<LoyaltyView>) => setState({ status: 'ready', view: { ...view, ...v } });

  const redeem = async (r: ViewReward) => {
    setBusy(r.id);
    setNotice(null);
    const key = (keys.current[r.id] ??= idempotencyKey());
    try {
      const res = await call<{ code: string; rewardId: string; points: number }>(api, '/redeem', { rewardId: r.id, idempotencyKey: key });
      delete keys.current[r.id];
      update({ points: res.points, redemptions: [{ code: res.code, rewardId: r.id, title: r.title }, ...(view.redemptions ?? [])] });
      setNotice({ tone: 'success', message: t('redeemed', { code: res.code }) });
    } catch (e) {
      if (e instanceof ApiError) delete keys.current[r.id];
      const status = e instanceof ApiError ? e.status : 0;
      setNotice({ tone: 'critical', message: status === 409 ? t('insufficient') : status === 503 ? t('unavailable') : t('error') });
    } finally {
      setBusy(null);
    }
  };

  const saveBirthday = async () => {
    const value = birthday.trim();
    if (!BIRTHDAY.test(value)) return setBirthdayError(t('birthdayInvalid'));
    setBirthdayError(null);
    try {
      await call(api, '/birthday', { birthday: value });
      update({ birthdaySet: true });
      setNotice({ tone: 'success', message: t('birthdaySaved') });
    } catch (e) {
      setBirthdayError(e instanceof ApiError && e.status === 422 ? t('birthdayInvalid') : t('error'));
    }
  };

  const threshold = (id: string) => view.tiers.find((x) => x.id === id)?.threshold ?? 0;
  const next = view.nextTier;
  const span = next ? Math.max(1, threshold(next.id) - (view.tier ? threshold(view.tier.id) : 0)) : 0;
  const remaining = next ? (next.basis === 'spend' ? api.i18n.formatCurrency(next.remaining / 100) : t('pointsCount', { count: next.remaining, points: num(next.remaining) })) : '';
  const codes = (view.redemptions ?? []).filter((c) => c && c.code);
  const titleOf = (id: string) => view.rewards.find((r) => r.id === id)?.title ?? '';

  return (
    <s-page heading={t('heading')}>
      {notice ? (
        <s-banner tone={notice.tone} dismissible onDismiss={() => setNotice(null)}>
          <s-text>{notice.message}</s-text>
        </s-banner>
      ) : null}
      <s-section heading={t('balanceHeading')}>
        <s-stack gap="base">
          <s-grid gridTemplateColumns="1fr 1fr 1fr" gap="base">
            <s-stack gap="none">
              <s-text color="subdued">{t('points')}</s-text>
              <s-heading>{num(points)}</s-heading>
            </s-stack>
            <s-stack gap="none">
              <s-text color="subdued">{t('pending')}</s-text>
              <s-heading>{num(view.pending ?? 0)}</s-heading>
            </s-stack>
            <s-stack gap="none">
              <s-text color="subdued">{t('tier')}</s-text>
              <s-heading>{view.tier?.name ?? t('noTier')}</s-heading>
            </s-stack>
          </s-grid>
          {next ? (
            <s-stack gap="small-200">
              <s-progress max={span} value={Math.max(0, span - next.remaining)} accessibilityLabel={t('progressLabel', { tier: next.name })} />
              <s-text>{t('nextTier', { amount: remaining, tier: next.name })}</s-text>
            </s-stack>
          ) : view.tier ? (
            <s-text>{t('topTier')}</s-text>
          ) : null}
          {view.nextExpiry ? <s-text color="subdued">{t('expiry', { points: num(view.nextExpiry.points), date: api.i18n.formatDate(new Date(view.nextExpiry.at)) })}</s-text> : null}
        </s-stack>
      </s-section>

      <s-section heading={t('rewardsHeading')}>
        <s-stack gap="base">
          {view.rewards.length ? null : <s-text>{t('noRewards')}</s-text>}
          {view.rewards.map((r) => {
            const ok = r.redeemable && r.cost <= points;
            return (
              <s-stack key={r.id} direction="inline" gap="base" alignItems="center">
                <s-stack gap="none" inlineSize="100%">
                  <s-text type="strong">{r.title}</s-text>
                  <s-text color="subdued">{t('pointsCount', { count: r.cost, points: num(r.cost) })}</s-text>
                  {r.cost > points ? <s-text color="subdued">{t('needMore', { points: num(r.cost - points) })}</s-text> : null}
                </s-stack>
                <s-button
                  variant="primary"
                  disabled={!ok || busy !== null}
                  loading={busy === r.id}
                  accessibilityLabel={t('redeemLabel', { title: r.title, points: num(r.cost) })}
                  onClick={() => redeem(r)}
                >
                  {t('redeem')}
                </s-button>
              </s-stack>
            );
          })}
        </s-stack>
      </s-section>

      {codes.length ? (
        <s-section heading={t('codesHeading')}>
          <s-stack gap="base">
            {codes.map((c, i) => (
              <s-stack key={c.code} direction="inline" gap="base" alignItems="center">
                <s-stack gap="none" inlineSize="100%">
                  <s-text color="subdued">{c.title || titleOf(c.rewardId)}</s-text>
                  <s-text type="strong">{c.code}</s-text>
                </s-stack>
                <s-clipboard-item id={`attune-code-${i}`} text={c.code} onCopy={() => setNotice({ tone: 'success', message: t('copied', { code: c.code }) })} />
                <s-button variant="secondary" commandFor={`attune-code-${i}`} command="--copy" accessibilityLabel={t('copyLabel', { code: c.code })}>
                  {t('copy')}
                </s-button>
              </s-stack>
            ))}
          </s-stack>
        </s-section>
      ) : null}

      <s-section heading={t('historyHeading')}>
        {view.history?.length ? (
          <s-stack gap="small-200">
            {view.history.map((l) => {
              const change = l.points + l.pending;
              return (
                <s-stack key={l.id} direction="inline" gap="base" justifyContent="space-between">
                  <s-text>
                    {api.i18n.formatDate(new Date(l.createdAt))} · {t(KINDS.has(l.kind) ? `kind.${l.kind}` : 'kind.adjust')}
                  </s-text>
                  <s-text type="strong">{`${change > 0 ? '+' : ''}${num(change)}`}</s-text>
                </s-stack>
              );
            })}
          </s-stack>
        ) : (
          <s-text>{t('historyEmpty')}</s-text>
        )}
      </s-section>

      <s-section heading={t('birthdayHeading')}>
        {view.birthdaySet ? (
          <s-text>{t('birthdaySet')}</s-text>
        ) : (
          <s-stack gap="base">
            <s-text-field
              label={t('birthdayLabel')}
              name="birthday"
              maxLength={5}
              value={birthday}
              error={birthdayError ?? undefined}
              onInput={(e: Event) => setBirthday((e.currentTarget as HTMLInputElement).value)}
              onChange={(e: Event) => setBirthday((e.currentTarget as HTMLInputElement).value)}
            />
            <s-button variant="secondary" onClick={saveBirthday}>
              {t('birthdaySave')}
            </s-button>
          </s-stack>
        )}
      </s-section>
    </s-page>
  );
}
