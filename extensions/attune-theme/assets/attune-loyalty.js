/* Attune loyalty block: reads GET <proxy>/loyalty and fills the block's markup (textContent only);
   one-click redeem with an idempotency key kept until the server answers, code copy and apply. */
(() => {
  const d = document, w = window;
  const lang = d.documentElement.lang || undefined;
  const root = (w.Shopify && Shopify.routes && Shopify.routes.root) || '/';
  const fill = (s, o) => String(s || '').replace(/\[(\w+)\]/g, (m, k) => (k in o ? o[k] : m));
  const num = (n) => (+n || 0).toLocaleString(lang);
  const el = (tag, cls, text) => {
    const e = d.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  };
  const key = () => (w.crypto && crypto.randomUUID ? crypto.randomUUID() : Date.now().toString(36) + Math.random().toString(36).slice(2));

  const start = (box) => {
    if (box.dataset.ready) return;
    box.dataset.ready = 1;
    const t = box.dataset, P = (t.proxy || '/apps/attune') + '/loyalty';
    const q = (n) => box.querySelector('[data-l-' + n + ']');
    const money = (c) => {
      try { return new Intl.NumberFormat(lang, { style: 'currency', currency: t.currency }).format(c / 100); } catch (e) { return (c / 100).toFixed(2); }
    };
    const pts = (n) => fill(t.tPts, { n: num(n) });
    const say = (node, msg, bad) => {
      if (!node) return;
      node.textContent = msg;
      node.classList.toggle('attune-loy__msg--bad', !!bad);
    };
    const call = (path, body) =>
      fetch(P + path, {
        method: body ? 'POST' : 'GET',
        credentials: 'same-origin',
        headers: body ? { Accept: 'application/json', 'Content-Type': 'application/json' } : { Accept: 'application/json' },
        body: body ? JSON.stringify(body) : undefined,
      }).then((r) => r.json().catch(() => ({})).then((j) => ({ s: r.status, j })));
    const status = q('status'), keys = {};
    let v;

    const codeRow = (c) => {
      const li = el('li', 'attune-loy__code'), code = el('code', '', c.code);
      const copy = el('button', 'attune-loy__btn', t.tCopy), apply = el('a', 'attune-loy__btn attune-loy__btn--primary', t.tApply);
      copy.type = 'button';
      copy.setAttribute('aria-label', fill(t.tCopyLabel, { code: c.code }));
      copy.onclick = () => {
        const done = () => say(status, fill(t.tCopied, { code: c.code }));
        const pick = () => { const r = d.createRange(); r.selectNodeContents(code); const s = getSelection(); s.removeAllRanges(); s.addRange(r); };
        navigator.clipboard ? navigator.clipboard.writeText(c.code).then(done, pick) : pick();
      };
      // Shopify's shareable discount link: applies the code to the cart session, then shows the cart.
      apply.href = root + 'discount/' + encodeURIComponent(c.code) + '?redirect=' + encodeURIComponent(root + 'cart');
      apply.setAttribute('aria-label', fill(t.tApplyLabel, { code: c.code }));
      if (c.title) li.append(el('span', '', c.title + ': '));
      li.append(code, copy, apply);
      return li;
    };

    const redeem = async (r, btn) => {
      btn.disabled = true;
      say(status, t.tBusy);
      // One key per reward until the server answers: a retry after a lost response gets the same code.
      const k = keys[r.id] || (keys[r.id] = key());
      try {
        const { s, j } = await call('/redeem', { rewardId: r.id, idempotencyKey: k });
        delete keys[r.id];
        if (s === 200 && j.code) {
          v.points = j.points;
          (v.redemptions = v.redemptions || []).unshift({ code: j.code, rewardId: r.id, title: r.title });
          paint();
          say(status, fill(t.tDone, { code: j.code }));
          return;
        }
        say(status, s === 409 ? t.tShort : s === 503 ? t.tNone : j.message || t.tErr, 1);
      } catch (e) {
        say(status, t.tErr, 1);
      }
      btn.disabled = false;
    };

    const paint = () => {
      const member = v.signedIn && q('member');
      const part = member || q('guest');
      if (!part) return;
      part.hidden = false;
      const list = part.querySelector('[data-l-rewards]');
      list.replaceChildren();
      for (const r of v.rewards || []) {
        const li = el('li', 'attune-loy__reward');
        li.append(el('span', 'attune-loy__title', r.title), el('span', 'attune-loy__muted', pts(r.cost)));
        if (member) {
          const ok = r.redeemable && r.cost <= v.points;
          const b = el('button', 'attune-loy__btn attune-loy__btn--primary', t.tRedeem);
          b.type = 'button';
          b.disabled = !ok;
          b.setAttribute('aria-label', fill(t.tRedeemLabel, { title: r.title, n: num(r.cost) }));
          b.onclick = () => redeem(r, b);
          li.append(b);
          if (r.cost > v.points) li.append(el('span', 'attune-loy__muted', fill(t.tNeed, { n: num(r.cost - v.points) })));
        }
        list.append(li);
      }
      if (!member) return;
      q('points').textContent = num(v.points);
      q('pending').textContent = num(v.pending);
      q('tier').textContent = v.tier ? v.tier.name : '—';
      const n = v.nextTier, tiers = v.tiers || [], bar = q('bar');
      const at = (id) => (tiers.find((x) => x.id === id) || { threshold: 0 }).threshold;
      q('next').hidden = !n && !v.tier;
      bar.hidden = !n;
      if (n) {
        const span = Math.max(1, at(n.id) - (v.tier ? at(v.tier.id) : 0));
        bar.max = span;
        bar.value = Math.max(0, span - n.remaining);
        q('next-text').textContent = fill(t.tNext, { amount: n.basis === 'spend' ? money(n.remaining) : pts(n.remaining), tier: n.name });
      } else q('next-text').textContent = t.tTop;
      const x = v.nextExpiry, ex = q('expiry');
      ex.hidden = !x;
      if (x) ex.textContent = fill(t.tExpiry, { n: num(x.points), date: new Date(x.at).toLocaleDateString(lang) });
      const codes = (v.redemptions || []).filter((c) => c && c.code);
      q('codes-wrap').hidden = !codes.length;
      q('codes').replaceChildren(...codes.map((c) => codeRow({ code: c.code, title: c.title || ((v.rewards || []).find((r) => r.id === c.rewardId) || {}).title })));
      const h = q('history');
      if (h) {
        const lines = (v.history || []).slice(0, +t.history || 5);
        h.replaceChildren(
          ...lines.map((l) => {
            const li = el('li'), p = l.points + l.pending;
            li.append(el('span', 'attune-loy__muted', new Date(l.createdAt).toLocaleDateString(lang)), el('span', '', t['t' + (l.kind === 'redeem' ? 'RedeemKind' : l.kind[0].toUpperCase() + l.kind.slice(1))] || l.kind), el('span', 'attune-loy__delta', (p > 0 ? '+' : '') + num(p)));
            return li;
          }),
        );
        q('history-empty').hidden = lines.length > 0;
      }
      const f = q('bday');
      if (f) {
        f.hidden = !!v.birthdaySet;
        q('bday-set').hidden = !v.birthdaySet;
      }
    };

    const f = q('bday');
    if (f) {
      f.onsubmit = async (e) => {
        e.preventDefault();
        const input = f.elements.birthday, msg = q('bday-msg'), b = input.value.trim();
        const bad = (m) => (input.setAttribute('aria-invalid', 'true'), say(msg, m, 1), input.focus());
        if (!/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/.test(b)) return bad(t.tInvalid);
        input.removeAttribute('aria-invalid');
        try {
          const { s, j } = await call('/birthday', { birthday: b });
          if (s !== 200) return bad(s === 422 ? j.message || t.tInvalid : t.tErr);
          v.birthdaySet = true;
          paint();
          say(msg, t.tSaved);
        } catch (e) {
          bad(t.tErr);
        }
      };
    }

    call('')
      .then(({ s, j }) => {
        if (s !== 200 || !j.enabled) throw 0;
        v = j;
        paint();
      })
      .catch(() => (box.hidden = true))
      .finally(() => {
        box.removeAttribute('aria-busy');
        for (const n of ['skel', 'loading']) q(n) && q(n).remove();
      });
  };

  const go = () => d.querySelectorAll('[data-attune-loyalty]').forEach(start);
  d.readyState === 'loading' ? d.addEventListener('DOMContentLoaded', go) : go();
  d.addEventListener('shopify:section:load', go);
})();
