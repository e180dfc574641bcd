/* Attune app embed: one visitor-type offer per session (exit intent on desktop, else delay) and
   consent-gated product-view events. Text goes in with textContent only. */
(() => {
  const w = window, d = document, A = (w.Attune = w.Attune || {});
  const root = d.querySelector('[data-attune-embed]');
  if (A.embed || !root) return;
  A.embed = 1;
  const P = root.dataset.proxy || '/apps/attune', SEEN = 'attune_offer_seen', VK = 'attune_vid';
  const cp = () => w.Shopify && w.Shopify.customerPrivacy;
  const ok = (k) => { try { return !!cp()[k + 'ProcessingAllowed'](); } catch (e) { return false; } };
  const ls = (k, v) => {
    try {
      if (v === undefined) return localStorage.getItem(k);
      v === null ? localStorage.removeItem(k) : localStorage.setItem(k, v);
    } catch (e) {}
    return null;
  };
  const ss = (k, v) => { try { return v === undefined ? sessionStorage.getItem(k) : sessionStorage.setItem(k, v); } catch (e) { return null; } };
  const vid = () => {
    if (!ok('preferences')) return ls(VK, null), '';
    let v = ls(VK);
    if (!v) ls(VK, (v = w.crypto && crypto.randomUUID ? crypto.randomUUID() : Math.random().toString(36).slice(2) + Date.now().toString(36)));
    return v;
  };
  const mobile = () => innerWidth < 768 || matchMedia('(pointer:coarse)').matches;
  const ctx = (q) => {
    if (A.ctx) return A.ctx(q); // attune.js present: same rules, one implementation
    const u = new URLSearchParams(location.search).get('utm_source');
    let r = '';
    try { r = d.referrer && new URL(d.referrer).hostname; } catch (e) {}
    if (u) q.set('utm_source', u.slice(0, 64));
    if (r && r !== location.hostname) q.set('ref', r);
    q.set('device', mobile() ? 'mobile' : 'desktop');
    if (window.Shopify && window.Shopify.country) q.set('country', window.Shopify.country);
    const v = vid();
    if (v) q.set('vid', v);
    return q;
  };

  // Product views: remembered locally only with preferences consent; sent only with analytics consent.
  let sent = 0;
  const view = () => {
    const id = root.dataset.productId;
    if (!id || sent) return;
    if (ok('preferences')) ls('attune_viewed', [id, ...(ls('attune_viewed') || '').split(',').filter((x) => x && x !== id)].slice(0, 10).join(','));
    if (!ok('analytics')) return;
    sent = 1;
    const body = { type: 'product_view', productId: id }, v = vid();
    if (v) body.vid = v;
    fetch(P + '/events', { method: 'POST', credentials: 'same-origin', keepalive: true, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }).catch(() => {});
  };
  d.addEventListener('visitorConsentCollected', () => { vid(); view(); });

  const dlg = d.querySelector('[data-attune-dialog]');
  let last = null;
  const close = () => {
    if (dlg.close) dlg.close();
    else dlg.removeAttribute('open');
  };
  const closed = () => last && last.focus && last.focus();
  const show = (o) => {
    if (!dlg || ss(SEEN)) return;
    ss(SEEN, '1');
    dlg.querySelector('[data-attune-offer-message]').textContent = o.message;
    const cw = dlg.querySelector('[data-attune-offer-code-wrap]');
    cw.hidden = !o.code;
    if (o.code) cw.querySelector('[data-attune-offer-code]').textContent = o.code;
    dlg.dataset.offer = o.type || '';
    last = d.activeElement;
    if (dlg.showModal) dlg.showModal();
    else dlg.setAttribute('open', '');
    dlg.querySelector('[data-attune-close]').focus();
  };
  A.show = show;
  if (dlg) {
    dlg.addEventListener('close', closed);
    dlg.addEventListener('click', (e) => (e.target === dlg || e.target.closest('[data-attune-close]')) && close());
    dlg.addEventListener('keydown', (e) => {
      if (e.key == 'Escape' && !dlg.showModal) close(), closed();
    });
  }

  const offer = async () => {
    if (ss(SEEN) || !dlg) return;
    const q = ctx(new URLSearchParams());
    q.set('cart_total', root.dataset.cartTotal || '0');
    let o;
    try {
      const r = await fetch(P + '/offer?' + q, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
      o = r.ok && (await r.json()).offer;
    } catch (e) {}
    if (!o || !o.message) return;
    if (o.trigger == 'exit_intent' && !mobile() && root.dataset.exitIntent != 'false') {
      const h = (e) => {
        if (e.clientY <= 0 && !e.relatedTarget) d.removeEventListener('mouseout', h), show(o);
      };
      d.addEventListener('mouseout', h);
    } else setTimeout(() => show(o), (o.delaySeconds > 0 ? o.delaySeconds : +root.dataset.delay || 12) * 1000);
  };

  const start = () => {
    const go = () => { view(); offer(); };
    if (cp() || !(w.Shopify && w.Shopify.loadFeatures)) return go();
    let done = 0;
    const once = () => done++ || go();
    try { w.Shopify.loadFeatures([{ name: 'consent-tracking-api', version: '0.1' }], once); } catch (e) {}
    setTimeout(once, 1500);
  };
  // Personalization opt-out (signed-in customers only; the proxy answers 401 to guests).
  const pv = d.querySelector('[data-attune-privacy]');
  if (pv) {
    const box = pv.querySelector('input'), st = pv.querySelector('[data-attune-privacy-status]');
    const set = (j) => { box.checked = !j.optedOut; st.textContent = pv.dataset[j.optedOut ? 'tOff' : 'tOn']; box.disabled = false; };
    const call = (o) => fetch(P + '/privacy', o).then((r) => r.ok && r.json()).then((j) => j && set(j)).catch(() => {});
    pv.addEventListener('toggle', () => pv.open && !pv.dataset.l && (pv.dataset.l = 1, call({ credentials: 'same-origin' })));
    box.addEventListener('change', () => {
      box.disabled = true;
      call({ method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ optOut: !box.checked }) });
    });
  }
  A.startEmbed = start;
  d.readyState == 'loading' ? d.addEventListener('DOMContentLoaded', start) : start();
})();
