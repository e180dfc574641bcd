/**
 * The preview's plain theme: a layout, home / product / cart templates, and the extension's REAL
 * blocks rendered with liquidjs (scripts/preview/liquid-env.ts) where a merchant would place them.
 * Block assets are included the way Shopify includes them: each block's stylesheet in <head>, its
 * javascript with `defer`, once per page.
 */
import type { LiquidEnv } from "./liquid-env";
import type { Cart } from "./cart";
import { cartJson, cartLiquid } from "./cart";
import { PERSONA_ORDER, type Persona, type PreviewData, type PreviewProduct } from "./data";

export interface PageInput {
  env: LiquidEnv;
  data: PreviewData;
  persona: Persona;
  cart: Cart;
  /** Clear the browser's attune_* storage first (the persona just changed). */
  resetClient: boolean;
  /** Block settings overrides per block name (tests and the demo may tweak them). */
  blockSettings?: Record<string, Record<string, unknown>>;
  /** "granted" (default) or "denied": what the Customer Privacy API stub answers. */
  consent: "granted" | "denied";
  /** The name of the order this session just placed (shown once on the cart page). */
  placed?: string | null;
}

const esc = (v: unknown) =>
  String(v ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

export function money(cents: number, currency: string) {
  return new Intl.NumberFormat("en-US", { style: "currency", currency }).format(cents / 100);
}

export function liquidProduct(p: PreviewProduct) {
  const variants = p.variants.map((v) => ({ id: v.id, title: v.title, price: v.priceCents, available: v.available, product_id: p.id }));
  const first = variants.find((v) => v.available) ?? variants[0] ?? null;
  return {
    id: p.id,
    title: p.title,
    handle: p.handle,
    url: `/products/${p.handle}`,
    type: p.productType,
    vendor: p.vendor,
    price: first?.price ?? p.priceCents,
    available: p.available,
    variants,
    selected_or_first_available_variant: first,
    first_available_variant: first,
    featured_image: null,
  };
}

function globals(i: PageInput, template: string, product?: PreviewProduct) {
  const { persona, data } = i;
  return {
    customer: persona.customerId ? { id: persona.customerId, first_name: persona.firstName ?? "" } : null,
    cart: cartLiquid(data, i.cart),
    shop: { name: "Attune Demo Store", currency: data.currency, permanent_domain: data.shop },
    app: { metafields: data.appMetafields },
    template: { name: template },
    product: product ? liquidProduct(product) : null,
    globals: {
      localization: { country: { iso_code: persona.country, name: persona.country === "CA" ? "Canada" : "United States" }, language: { iso_code: "en" } },
    },
  };
}

const THEME_CSS = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#fff}
a{color:#1a1a1a}
.pv-bar{background:#fff7d6;border-bottom:1px solid #e5d68a;font-size:14px;padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:.25rem .75rem;align-items:center}
.pv-bar strong{margin-right:.25rem}
.pv-bar a{padding:.15rem .5rem;border-radius:999px;text-decoration:none;border:1px solid transparent}
.pv-bar a[aria-current="true"]{border-color:#1a1a1a;background:#fff;font-weight:600}
.pv-why{flex-basis:100%;color:#595959}
.site-header{display:flex;align-items:center;justify-content:space-between;padding:1rem 2rem;border-bottom:1px solid #eee}
.site-header nav{display:flex;gap:1.25rem;align-items:center}
.site-title{font-weight:700;font-size:1.25rem;text-decoration:none}
.page{max-width:72rem;margin:0 auto;padding:1.5rem 2rem 4rem}
.hero{height:16rem;border-radius:8px;background:linear-gradient(120deg,#2f3e46,#84a98c);color:#fff;display:flex;flex-direction:column;justify-content:center;padding:2rem;margin-bottom:1rem}
.hero h1{margin:0 0 .5rem;font-size:2rem}
.grid{display:grid;grid-template-columns:repeat(4,minmax(0,1fr));gap:1rem;list-style:none;padding:0;margin:0}
.card{display:flex;flex-direction:column;gap:.35rem}
.ph{aspect-ratio:1/1;width:100%;border-radius:6px;background:#e9ecef;display:block}
.product{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:2rem;margin-bottom:1rem}
.product form{display:flex;flex-direction:column;gap:.75rem;max-width:22rem}
.btn{font:inherit;min-height:44px;padding:.5rem 1rem;border:1px solid #1a1a1a;border-radius:6px;background:#1a1a1a;color:#fff;cursor:pointer}
table{width:100%;border-collapse:collapse}th,td{text-align:left;padding:.5rem;border-bottom:1px solid #eee}
.props{font-size:.8em;color:#595959}
footer{border-top:1px solid #eee;padding:1rem 2rem;color:#595959;font-size:14px}
`;

// The theme's own cart count: refreshed on the events Attune (and themes) dispatch.
const THEME_JS = `
(function(){
  var root = (window.Shopify && Shopify.routes && Shopify.routes.root) || '/';
  function paint(c){ var n=document.querySelector('[data-cart-count]'); if(n&&c) n.textContent=String(c.item_count); }
  document.addEventListener('cart:refresh', function(e){
    if (e.detail && e.detail.cart) return paint(e.detail.cart);
    fetch(root+'cart.js',{credentials:'same-origin'}).then(function(r){return r.json()}).then(paint);
  });
  // Offline previews cannot reach cdn.shopify.com: show a neutral placeholder instead of a broken image.
  document.addEventListener('error', function(e){
    var t=e.target; if(t && t.tagName==='IMG' && !t.dataset.pv){ t.dataset.pv='1'; t.src='/preview/placeholder.svg'; }
  }, true);
})();`;

function personaBar(i: PageInput, path: string) {
  const links = PERSONA_ORDER.map((id) => {
    const p = i.data.personas.get(id)!;
    return `<a href="${esc(path)}?persona=${id}" data-persona="${id}"${p.id === i.persona.id ? ' aria-current="true"' : ""}>${esc(p.label)}</a>`;
  }).join("");
  const who = i.persona.customerId ? `signed in as customer ${esc(i.persona.customerId)} (${esc(i.persona.firstName)})` : "guest";
  return `<div class="pv-bar" role="region" aria-label="Preview persona"><strong>Attune preview</strong>${links}<span class="pv-why" data-persona-why>${esc(i.persona.label)}: ${esc(i.persona.why)}; ${who}; country ${esc(i.persona.country)}. Shopify plays no part here: this page is the local preview.</span></div>`;
}

async function layout(i: PageInput, o: { title: string; path: string; template: string; main: string; blocks: string[]; product?: PreviewProduct }) {
  const assets = { scripts: new Set<string>(), stylesheets: new Set<string>() };
  for (const b of [...o.blocks, "embed"]) {
    const a = i.env.blockAssets(b);
    a.scripts.forEach((s) => assets.scripts.add(s));
    a.stylesheets.forEach((s) => assets.stylesheets.add(s));
  }
  const embed = await i.env.renderBlock("embed", { ...globals(i, o.template, o.product), settings: i.blockSettings?.embed, id: "attune-embed" });
  const cart = cartJson(i.data, i.cart);
  const shopify = {
    shop: i.data.shop,
    country: i.persona.country,
    locale: "en",
    currency: { active: i.data.currency, rate: "1.0" },
    routes: { root: "/" },
    designMode: false,
  };
  const consent = i.consent === "granted";
  const head = `<script>
window.Shopify = ${JSON.stringify(shopify).replace(/</g, "\\u003c")};
// Customer Privacy API stand-in (preview: ${consent ? "consent granted" : "consent denied"}).
Shopify.customerPrivacy = { preferencesProcessingAllowed: function(){return ${consent}}, analyticsProcessingAllowed: function(){return ${consent}}, marketingAllowed: function(){return ${consent}}, saleOfDataAllowed: function(){return ${consent}} };
${i.resetClient ? "try{['attune_vid','attune_viewed'].forEach(function(k){localStorage.removeItem(k)});['attune_utm','attune_ref','attune_offer_seen'].forEach(function(k){sessionStorage.removeItem(k)})}catch(e){}" : ""}
</script>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(o.title)} - Attune Demo Store</title>
${[...assets.stylesheets].map((s) => `<link rel="stylesheet" href="${esc(s)}">`).join("\n")}
<style>${THEME_CSS}</style>
${head}
${[...assets.scripts].map((s) => `<script src="${esc(s)}" defer></script>`).join("\n")}
<script src="/preview/theme.js" defer></script>
</head>
<body class="template-${esc(o.template)}">
${personaBar(i, o.path)}
<header class="site-header">
  <a class="site-title" href="/">Attune Demo Store</a>
  <nav aria-label="Main">
    <a href="/">Home</a>
    ${i.data.products.slice(0, 3).map((p) => `<a href="/products/${esc(p.handle)}">${esc(p.productType || p.title)}</a>`).join("\n    ")}
    <a href="/pages/rewards">Rewards</a>
    <a href="/cart" data-cart-link>Cart (<span data-cart-count>${cart.item_count}</span>)</a>
  </nav>
</header>
<main class="page" id="main">
${o.main}
</main>
<footer>Local storefront preview for Attune. Blocks are the theme app extension's real Liquid; /apps/attune/* is proxied to the app, signed like Shopify's app proxy.</footer>
${embed}
</body>
</html>`;
}

function productCard(p: PreviewProduct, currency: string) {
  return `<li class="card"><a href="/products/${esc(p.handle)}"><span class="ph" role="img" aria-label="${esc(p.title)}"></span></a><a href="/products/${esc(p.handle)}">${esc(p.title)}</a><span>${esc(money(p.priceCents, currency))}</span></li>`;
}

export async function homePage(i: PageInput) {
  const ctx = globals(i, "index");
  const home = await i.env.renderBlock("home", { ...ctx, settings: i.blockSettings?.home, id: "attune-home" });
  const quiz = await i.env.renderBlock("quiz", { ...ctx, template: { name: "index" }, settings: i.blockSettings?.quiz, id: "attune-quiz" });
  const featured = i.data.products.filter((p) => p.available).slice(0, 8);
  const main = `
<section class="hero"><h1>Good things for everyday rituals</h1><p>Coffee, tea, candles and more, picked for you.</p></section>
${home}
<section aria-labelledby="featured-heading"><h2 id="featured-heading">Featured products</h2><ul class="grid" role="list">${featured.map((p) => productCard(p, i.data.currency)).join("")}</ul></section>
${quiz}`;
  return layout(i, { title: "Home", path: "/", template: "index", main, blocks: ["home", "quiz"] });
}

export async function productPage(i: PageInput, p: PreviewProduct) {
  const ctx = globals(i, "product", p);
  const block = await i.env.renderBlock("product", { ...ctx, settings: i.blockSettings?.product, id: "attune-product" });
  const lp = liquidProduct(p);
  const options = p.variants
    .map((v) => `<option value="${esc(v.id)}"${v.id === lp.selected_or_first_available_variant?.id ? " selected" : ""}${v.available ? "" : " disabled"}>${esc(v.title === "Default Title" ? p.title : v.title)} - ${esc(money(v.priceCents, i.data.currency))}${v.available ? "" : " (sold out)"}</option>`)
    .join("");
  const main = `
<div class="product">
  <span class="ph" role="img" aria-label="${esc(p.title)}"></span>
  <div>
    <p>${esc(p.vendor)}</p>
    <h1>${esc(p.title)}</h1>
    <p data-product-price>${esc(money(lp.price, i.data.currency))}</p>
    <form method="post" action="/cart/add" class="product-form">
      <label for="variant">Variant</label>
      <select id="variant" name="id">${options}</select>
      <label for="qty">Quantity</label>
      <input id="qty" name="quantity" type="number" min="1" value="1">
      <button class="btn" type="submit"${p.available ? "" : " disabled"}>${p.available ? "Add to cart" : "Sold out"}</button>
    </form>
  </div>
</div>
${block}`;
  return layout(i, { title: p.title, path: `/products/${p.handle}`, template: "product", main, blocks: ["product"], product: p });
}

export async function cartPage(i: PageInput) {
  const ctx = globals(i, "cart");
  const block = await i.env.renderBlock("cart", { ...ctx, settings: i.blockSettings?.cart, id: "attune-cart" });
  const c = cartJson(i.data, i.cart);
  const rows = c.items
    .map((it, n) => {
      // Like Shopify's themes and checkout: properties whose name starts with "_" are hidden from the shopper.
      const props = Object.entries(it.properties).filter(([k]) => !k.startsWith("_")).map(([k, v]) => `${esc(k)}: ${esc(v)}`).join(", ");
      return `<tr data-line="${n + 1}"><td><a href="${esc(it.url)}">${esc(it.title)}</a>${props ? `<div class="props">${props}</div>` : ""}</td><td>${it.quantity}</td><td>${esc(money(it.final_line_price, i.data.currency))}</td><td><a href="/cart/change?line=${n + 1}&amp;quantity=0">Remove</a></td></tr>`;
    })
    .join("");
  const code = c.discount_codes[0];
  const discountLine = code
    ? code.applicable
      ? `<p data-cart-discount>Discount code <strong>${esc(code.code)}</strong> applied${c.total_discount ? `: -${esc(money(c.total_discount, i.data.currency))}` : " (free shipping)"}</p>`
      : `<p data-cart-discount-invalid>Discount code <strong>${esc(code.code)}</strong> isn't valid for this cart.</p>`
    : "";
  const main = `
<h1>Your cart</h1>${discountLine}
${c.items.length ? `<table><thead><tr><th>Item</th><th>Qty</th><th>Total</th><th><span class="attune-visually-hidden">Remove</span></th></tr></thead><tbody>${rows}</tbody></table><p>Subtotal: <strong data-cart-total>${esc(money(c.total_price, i.data.currency))}</strong></p><form method="post" action="/cart/checkout"><button class="btn" type="submit" data-checkout>Check out</button></form>` : `<p data-cart-empty>Your cart is empty.</p>`}${i.placed ? `<p data-order-placed>Thank you! Order ${esc(i.placed)} was placed.</p>` : ""}
${block}`;
  return layout(i, { title: "Cart", path: "/cart", template: "cart", main, blocks: ["cart"] });
}

/** `/pages/rewards`: a theme page with the loyalty block, where a merchant would place it. */
export async function loyaltyPage(i: PageInput) {
  const ctx = globals(i, "page");
  const block = await i.env.renderBlock("loyalty", { ...ctx, settings: i.blockSettings?.loyalty, id: "attune-loyalty" });
  return layout(i, { title: "Rewards", path: "/pages/rewards", template: "page", main: `<h1>Rewards</h1>\n${block}`, blocks: ["loyalty"] });
}

export async function liquidPage(i: PageInput, source: string, path: string) {
  // An application/liquid proxy answer is rendered inside the theme (Shopify does the same).
  const main = await i.env.renderString(source, { ...globals(i, "page"), ...globals(i, "page").globals });
  return layout(i, { title: "App page", path, template: "page", main, blocks: [] });
}

export const THEME_SCRIPT = THEME_JS;

export function placeholderSvg() {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="360" height="360" viewBox="0 0 360 360"><rect width="360" height="360" fill="#e9ecef"/><path d="M110 240l50-60 40 45 30-30 40 45z" fill="#ced4da"/><circle cx="235" cy="130" r="22" fill="#ced4da"/></svg>`;
}
