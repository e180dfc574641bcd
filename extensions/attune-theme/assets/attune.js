/* Attune blocks: recs, add to cart, shipping bar, quiz. Proxy data only via textContent. <10 KB raw. */
(() => {
const w = window, d = document, A = (w.Attune = w.Attune || {});
if (A.blocks) return;
A.blocks = 1;
const P = '/apps/attune', VK = 'attune_vid', $$ = (s, r = d) => [...r.querySelectorAll(s)], q = (r, s) => r.querySelector(s), da = (s) => '[data-attune-' + s + ']';

// Customer Privacy API: no API or no consent => no vid stored or sent.
const cp = () => w.Shopify && w.Shopify.customerPrivacy;
const ok = (k) => { try { return !!cp()[k + 'ProcessingAllowed'](); } catch (e) { return false; } };
const ls = (k, v) => { try { if (v === undefined) return localStorage.getItem(k); v === null ? localStorage.removeItem(k) : localStorage.setItem(k, v); } catch (e) {} return null; };
const ss = (k, v) => { try { return v === undefined ? sessionStorage.getItem(k) : sessionStorage.setItem(k, v); } catch (e) { return null; } };
const vid = () => {
  if (!ok('preferences')) return ls(VK, null), '';
  let v = ls(VK);
  if (!v) ls(VK, (v = w.crypto && crypto.randomUUID ? crypto.randomUUID() : Math.random().toString(36).slice(2) + Date.now().toString(36)));
  return v;
};
const privacy = (cb) => {
  let done = 0;
  const go = () => done++ || cb();
  if (cp() || !(w.Shopify && w.Shopify.loadFeatures)) return go();
  try { w.Shopify.loadFeatures([{ name: 'consent-tracking-api', version: '0.1' }], go); } catch (e) {}
  setTimeout(go, 1500);
};
d.addEventListener('visitorConsentCollected', () => vid());

// Traffic source + device; identity comes from the proxy (logged_in_customer_id).
const device = () => (innerWidth < 768 ? 'mobile' : innerWidth < 1100 && matchMedia('(pointer:coarse)').matches ? 'tablet' : 'desktop');
const ctx = (q) => {
  const u = new URLSearchParams(location.search).get('utm_source');
  if (u) ss('attune_utm', u.slice(0, 64));
  let r = '';
  try { r = d.referrer && new URL(d.referrer).hostname; } catch (e) {}
  if (r && r !== location.hostname) ss('attune_ref', r);
  const o = { utm_source: ss('attune_utm'), ref: ss('attune_ref'), device: device(), country: w.Shopify && w.Shopify.country, vid: vid() };
  for (const k in o) if (o[k]) q.set(k, o[k]);
  return q;
};

const json = (r) => { if (!r.ok) throw new Error(r.status); return r.status == 204 ? null : r.json(); };
const get = (u) => fetch(u, { headers: { Accept: 'application/json' } }).then(json);
const post = (u, b) =>
  fetch(u, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(b) }).then(json);
const el = (t, c, x) => { const e = d.createElement(t); if (c) e.className = c; if (x != null) e.textContent = x; return e; };
const lang = () => d.documentElement.lang || undefined;
const money = (c, cur) => {
  try { return new Intl.NumberFormat(lang(), { style: 'currency', currency: cur || 'USD' }).format(c / 100); } catch (e) { return (c / 100).toFixed(2); }
};
// Links: relative (h: or http(s)), set as properties; images: https.
const href = (u, h) => (typeof u == 'string' && (h ? /^(https?:\/\/|\/(?![\/\\]))/i : /^\/(?![\/\\])/).test(u) ? u : null);
const img = (u) => (typeof u == 'string' && /^(https:)?\/\//.test(u) ? u : null);
const say = (box, m) => { const s = q(box, da('status')); if (s && m) s.textContent = m; };
const root = () => (w.Shopify && w.Shopify.routes && w.Shopify.routes.root) || '/';

// Ajax Cart API; attribution in hidden (_-prefixed) line properties + cart attribute.
const add = async (items, box, btn) => {
  const t = box.dataset, props = { _attune_placement: t.placement };
  if (t.rule) props._attune_rule = t.rule;
  items = items.map((i) => ({ id: String(i.id), quantity: i.quantity || 1, properties: props }));
  if (btn) btn.disabled = true;
  try {
    await post(root() + 'cart/add.js', { items });
    const cart = await post(root() + 'cart/update.js', { attributes: { _attune_last_placement: t.placement } });
    for (const n of ['cart:refresh', 'attune:cart']) d.dispatchEvent(new CustomEvent(n, { bubbles: true, detail: { cart, source: 'attune' } }));
    say(box, t.tAdded);
    if (btn) btn.dataset.added = '';
    return cart;
  } catch (e) {
    say(box, t.tError);
  } finally {
    if (btn) btn.disabled = false;
  }
};

const card = (p, box) => {
  const li = el('li', 'attune-card'), u = href(p.url), a = el(u ? 'a' : 'div', 'attune-card__link'), m = el('div', 'attune-media'), s = img(p.imageUrl);
  if (u) a.href = u;
  if (s) {
    const i = el('img');
    Object.assign(i, { src: s + (s.includes('?') ? '&' : '?') + 'width=360', alt: p.title || '', width: 360, height: 360, decoding: 'async' });
    i.setAttribute('loading', 'lazy');
    m.append(i);
  }
  a.append(m, el('span', 'attune-card__title', p.title || ''));
  li.append(a, el('span', 'attune-card__price', money(p.priceCents, p.currency)));
  if (p.reason) li.append(el('span', 'attune-card__reason', p.reason));
  if (p.variantId) {
    const b = el('button', 'attune-btn', box.dataset.tAdd);
    b.type = 'button';
    b.setAttribute('aria-label', box.dataset.tAdd + ': ' + (p.title || ''));
    b.onclick = () => add([{ id: p.variantId }], box, b);
    li.append(b);
  }
  return li;
};

const render = (box, data) => {
  data = data || {};
  const t = box.dataset, all = data.products || [], block = box.closest(da('block')) || box;
  let rest = all.slice();
  t.rule = (data.rule && data.rule.id) || '';
  box._lists = {};
  for (const ul of $$(da('list'), box)) {
    const s = ul.dataset.strategy, n = (ul.dataset.n = ul.dataset.n || ul.children.length || 8), mine = rest.filter((p) => !s || p.strategy === s).slice(0, n);
    rest = rest.filter((p) => !mine.includes(p));
    box._lists[s || '*'] = mine;
    ul.replaceChildren(...mine.map((p) => card(p, box)));
    (ul.closest(da('section')) || ul).hidden = !mine.length;
  }
  for (const b of $$(da('add-all'), box)) {
    b.hidden = !(box._lists[b.dataset.attuneAddAll] || []).length;
    b.disabled = b.hidden;
    b.onclick = () => {
      const f = q(d, 'form[action*="/cart/add"] [name="id"]'), cur = (f && f.value) || t.variantId;
      add([cur, ...box._lists[b.dataset.attuneAddAll].map((p) => p.variantId)].filter(Boolean).map((id) => ({ id })), box, b);
    };
  }
  const c = data.content || {}, bn = q(block, da('banner'));
  if (bn && (c.heading || c.message)) {
    const u = href(c.linkUrl, 1), k = c.heading ? 'heading' : 'message';
    for (const j of ['heading', 'message']) {
      const a = u && j == k && el('a', 0, c[j]);
      if (a) a.href = u;
      q(bn, da('banner-' + j)).replaceChildren(a || c[j] || '');
    }
    const bm = q(bn, da('banner-media')), s = img(c.bannerImageUrl);
    if (bm && s) {
      bm.replaceChildren(Object.assign(el('img'), { src: s, alt: c.heading || '', width: 1200, height: 400 }));
      bm.hidden = false;
    }
    bn.hidden = false;
  }
  const of = q(box, da('offer')), o = data.offer;
  if (of && o && o.title) {
    of.textContent = o.title + (o.code ? ' — ' + o.code : '');
    of.hidden = false;
  }
  const bo = q(block, da('bought')), lp = data.lastPurchase;
  if (bo && lp && String(lp.productId) === t.productId) {
    const dt = new Date(lp.orderedAt);
    if (!isNaN(dt)) {
      bo.textContent = bo.dataset.template.replace('[date]', dt.toLocaleDateString(lang(), { dateStyle: 'long' }));
      bo.hidden = false;
    }
  }
  box._shown = Object.values(box._lists).flat().map((p) => p.id);
  box.removeAttribute('aria-busy');
  box.hidden = !all.length;
  if (all.length) say(box, t.tLoaded);
};

// data-exclude-from: wait for that row, skip its products.
const load = (box) => {
  const t = box.dataset, src = t.excludeFrom && d.getElementById(t.excludeFrom);
  return (box._loaded = Promise.resolve(src && src._loaded).then(() => {
    const q = new URLSearchParams({ placement: t.placement || 'home' });
    const o = { product_id: t.productId, limit: t.limit, max_price: t.maxPrice, cart: t.cart, exclude: src && src._shown, viewed: ok('preferences') && ls('attune_viewed') };
    for (const k in o) if (o[k] && o[k].length) q.set(k, o[k]);
    return get(P + '/recommendations?' + ctx(q)).then((r) => render(box, r), () => render(box, null));
  }));
};

const ship = (total) => {
  for (const s of $$(da('ship'))) {
    const th = +s.dataset.threshold, left = th - total, bar = q(s, 'progress'), tx = q(s, da('ship-text'));
    if (bar) bar.value = Math.min(total, th);
    if (tx) tx.textContent = left > 0 ? s.dataset.tAway.replace('[amount]', money(left, s.dataset.currency)) : s.dataset.tDone;
  }
};
d.addEventListener('attune:cart', (e) => e.detail && e.detail.cart && ship(e.detail.cart.total_price));

const quiz = (f) => {
  if (f._attune) return;
  f._attune = 1;
  f.addEventListener('submit', async (e) => {
    e.preventDefault();
    const answers = {}, st = q(f, da('status')), b = q(f, '[type=submit]');
    new FormData(f).forEach((v, k) => (answers[k] = answers[k] || []).push(String(v)));
    if (!Object.keys(answers).length) return (st.textContent = f.dataset.tEmpty);
    const body = { quizId: f.dataset.quizId, answers }, v = vid();
    if (v) body.vid = v;
    b.disabled = true;
    try {
      await post(P + '/quiz', body);
      st.textContent = f.dataset.tDone;
      $$(da('recs')).forEach(load);
    } catch (x) {
      st.textContent = f.dataset.tError;
    }
    b.disabled = false;
  });
};

// Fetch when near the viewport: nothing competes with LCP.
const init = () =>
  privacy(() => {
    const io = w.IntersectionObserver && new IntersectionObserver((es) => es.forEach((e) => e.isIntersecting && (io.unobserve(e.target), load(e.target))), { rootMargin: '300px' });
    for (const b of $$(da('recs'))) if (!b._attune) (b._attune = 1), io ? io.observe(b) : load(b);
    $$(da('quiz')).forEach(quiz);
  });
Object.assign(A, { ctx, vid, add, card, render, load, ship, init });
d.readyState == 'loading' ? d.addEventListener('DOMContentLoaded', init) : init();
d.addEventListener('shopify:section:load', init);
})();
