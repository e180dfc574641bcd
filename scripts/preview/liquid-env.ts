/**
 * Render the Attune theme app extension's blocks and snippets outside Shopify, with liquidjs.
 * Used by the markup tests (tests/storefront/*.test.ts) and by the local storefront preview.
 *
 *   const env = createLiquidEnv({ extensionDir: "extensions/attune-theme", locale: "fr" });
 *   const html = await env.renderBlock("product", { settings: { limit: 4 }, product, customer, cart, shop });
 *   env.blockSchema("product").javascript  // "attune.js" (Shopify loads it with defer; the preview must add it)
 *   env.blockAssets("product")             // { scripts: ["/assets/attune.js"], stylesheets: ["/assets/attune.css"] }
 *
 * Shopify-only tags and filters are stand-ins that behave like Shopify's for what our Liquid uses:
 * tag `schema` (renders nothing); filters `t` (locales/<locale>.json, falling back to en.default.json,
 * `{{ var }}` interpolation, count pluralisation), `asset_url`, `money`, `money_with_currency`,
 * `money_without_trailing_zeros`, `image_url`, `json`, `escape`, `url_encode`... `strictFilters: true`, so
 * any other unknown filter throws instead of silently rendering nothing.
 */
import fs from "node:fs";
import path from "node:path";
import { Liquid, Tag, type Context, type Emitter, type TagToken, type TopLevelToken } from "liquidjs";

export interface LiquidEnvOptions {
  /** Theme app extension folder (holds blocks/, snippets/, locales/). Relative paths resolve from cwd. */
  extensionDir?: string;
  /** Storefront locale, e.g. "en" or "fr". Missing keys fall back to en.default.json. */
  locale?: string;
  /** Prefix for asset_url (the preview serves extensions/attune-theme/assets/ here). */
  assetBase?: string;
  /** ISO currency for money filters when the shop/cart do not say. */
  currency?: string;
}

export interface BlockContext {
  /** Block settings; schema defaults fill in whatever is not given. */
  settings?: Record<string, unknown>;
  /** Block id (Shopify gives a unique string per block instance). */
  id?: string;
  customer?: Record<string, unknown> | null;
  product?: Record<string, unknown> | null;
  cart?: Record<string, unknown> | null;
  shop?: Record<string, unknown>;
  /** e.g. { name: "product" } — defaults from the block kind. */
  template?: Record<string, unknown>;
  request?: Record<string, unknown>;
  /** Shopify's `app` object: app-data metafields, e.g. { metafields: { attune: { free_shipping_threshold_cents: { value: 5000 } } } }. */
  app?: { metafields: Record<string, Record<string, { value: unknown }>> };
  /** Anything else to expose as a Liquid global. */
  globals?: Record<string, unknown>;
}

export interface BlockSchema {
  name: string;
  target: "section" | "body" | "head" | "compliance_head";
  javascript?: string;
  stylesheet?: string;
  enabled_on?: { templates?: string[] };
  settings?: Array<{ id?: string; type: string; default?: unknown; [k: string]: unknown }>;
  [k: string]: unknown;
}

export interface LiquidEnv {
  engine: Liquid;
  extensionDir: string;
  locale: string;
  /** Block names (file names in blocks/ without .liquid). */
  blocks(): string[];
  /** Snippet names (file names in snippets/ without .liquid). */
  snippets(): string[];
  blockSchema(name: string): BlockSchema;
  blockAssets(name: string): { scripts: string[]; stylesheets: string[] };
  renderBlock(name: string, ctx?: BlockContext): Promise<string>;
  renderSnippet(name: string, vars?: Record<string, unknown>): Promise<string>;
  /** Render any Liquid source in this environment (globals as given). */
  renderString(source: string, vars?: Record<string, unknown>): Promise<string>;
  translate(key: string, vars?: Record<string, unknown>): string;
}

const SCHEMA_RE = /{%-?\s*schema\s*-?%}([\s\S]*?){%-?\s*endschema\s*-?%}/;

const DEFAULT_TEMPLATE: Record<string, string> = { home: "index", product: "product", cart: "cart", quiz: "page", loyalty: "page" };

function readJson(file: string): Record<string, unknown> {
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>) : {};
}

function lookup(tree: unknown, key: string): unknown {
  return key.split(".").reduce<unknown>((node, part) => (node && typeof node === "object" ? (node as Record<string, unknown>)[part] : undefined), tree);
}

function htmlEscape(v: unknown): string {
  return String(v ?? "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** `{% schema %}…{% endschema %}`: Shopify reads it at upload time; it renders nothing. */
class SchemaTag extends Tag {
  constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid) {
    super(token, remainTokens, liquid);
    while (remainTokens.length) {
      const t = remainTokens.shift() as TopLevelToken & { name?: string };
      if (t.name === "endschema") return;
    }
    throw new Error(`tag ${token.getText()} not closed`);
  }
  *render(_ctx: Context, _emitter: Emitter): Generator<unknown, void, unknown> {}
}

export function createLiquidEnv(options: LiquidEnvOptions = {}): LiquidEnv {
  const extensionDir = path.resolve(options.extensionDir ?? "extensions/attune-theme");
  const locale = options.locale ?? "en";
  const assetBase = (options.assetBase ?? "/assets").replace(/\/$/, "");
  const fallbackCurrency = options.currency ?? "USD";
  const dir = (sub: string) => path.join(extensionDir, sub);

  const defaults = readJson(dir("locales/en.default.json"));
  const localeFile = fs.existsSync(dir(`locales/${locale}.json`)) ? dir(`locales/${locale}.json`) : dir(`locales/${locale}.default.json`);
  const strings = locale === "en" ? defaults : readJson(localeFile);

  const translate = (key: string, vars: Record<string, unknown> = {}): string => {
    let value = lookup(strings, key) ?? lookup(defaults, key);
    if (value && typeof value === "object" && "count" in vars) {
      const forms = value as Record<string, unknown>;
      value = Number(vars.count) === 1 ? (forms.one ?? forms.other) : (forms.other ?? forms.one);
    }
    if (typeof value !== "string") return `translation missing: ${locale}.${key}`;
    return value.replace(/{{\s*(\w+)\s*}}/g, (_m, name: string) => String(vars[name] ?? ""));
  };

  const engine = new Liquid({
    root: [dir("blocks"), dir("snippets")],
    partials: [dir("snippets")],
    layouts: [dir("snippets")],
    extname: ".liquid",
    strictFilters: true,
    strictVariables: false,
    jsTruthy: false,
    cache: false,
  });

  engine.registerTag("schema", SchemaTag);

  const moneyFormat = (cents: unknown, currency: string, opts: { code?: boolean; trim?: boolean } = {}) => {
    const amount = Number(cents ?? 0) / 100;
    const trim = opts.trim && Number.isInteger(amount);
    const text = new Intl.NumberFormat(locale === "en" ? "en-US" : locale, {
      style: "currency",
      currency,
      minimumFractionDigits: trim ? 0 : 2,
      maximumFractionDigits: trim ? 0 : 2,
    }).format(amount);
    return opts.code ? `${text} ${currency}` : text;
  };
  function currencyOf(ctx: Context | undefined): string {
    const shop = ctx?.getSync(["shop"]) as Record<string, unknown> | undefined;
    const cart = ctx?.getSync(["cart"]) as Record<string, unknown> | undefined;
    const cartCurrency = (cart?.currency as Record<string, unknown> | undefined)?.iso_code;
    return String(cartCurrency ?? shop?.currency ?? fallbackCurrency);
  }

  engine.registerFilter("t", (key: unknown, ...args: unknown[]) => {
    const vars: Record<string, unknown> = {};
    for (const a of args) if (Array.isArray(a) && a.length === 2) vars[String(a[0])] = a[1];
    return translate(String(key), vars);
  });
  engine.registerFilter("asset_url", (name: unknown) => `${assetBase}/${String(name)}`);
  engine.registerFilter("money", function (this: { context: Context }, cents: unknown) {
    return moneyFormat(cents, currencyOf(this.context));
  });
  engine.registerFilter("money_with_currency", function (this: { context: Context }, cents: unknown) {
    return moneyFormat(cents, currencyOf(this.context), { code: true });
  });
  engine.registerFilter("money_without_trailing_zeros", function (this: { context: Context }, cents: unknown) {
    return moneyFormat(cents, currencyOf(this.context), { trim: true });
  });
  engine.registerFilter("image_url", (image: unknown, ...args: unknown[]) => {
    const src = typeof image === "string" ? image : String((image as Record<string, unknown> | null)?.src ?? "");
    const params = new URLSearchParams();
    for (const a of args) if (Array.isArray(a) && a.length === 2) params.set(String(a[0]), String(a[1]));
    const qs = params.toString();
    return qs ? `${src}${src.includes("?") ? "&" : "?"}${qs}` : src;
  });
  engine.registerFilter("json", (v: unknown) => JSON.stringify(v ?? null).replace(/</g, "\\u003c").replace(/>/g, "\\u003e"));
  engine.registerFilter("escape", htmlEscape);
  engine.registerFilter("escape_once", (v: unknown) => htmlEscape(String(v ?? "").replace(/&(amp|lt|gt|quot|#39);/g, (m) => ({ "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'" })[m]!)));
  engine.registerFilter("handleize", (v: unknown) => String(v ?? "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, ""));

  const list = (sub: string) =>
    fs.existsSync(dir(sub)) ? fs.readdirSync(dir(sub)).filter((f) => f.endsWith(".liquid")).map((f) => f.slice(0, -7)).sort() : [];

  const source = (name: string) => fs.readFileSync(dir(`blocks/${name}.liquid`), "utf8");

  const blockSchema = (name: string): BlockSchema => {
    const m = SCHEMA_RE.exec(source(name));
    if (!m) throw new Error(`blocks/${name}.liquid has no {% schema %}`);
    return JSON.parse(m[1]) as BlockSchema;
  };

  const globalsFor = (name: string, ctx: BlockContext): Record<string, unknown> => {
    const schema = blockSchema(name);
    const settings: Record<string, unknown> = {};
    for (const s of schema.settings ?? []) if (s.id && "default" in s) settings[s.id] = s.default;
    for (const s of schema.settings ?? []) if (s.id && !(s.id in settings)) settings[s.id] = s.type === "checkbox" ? false : "";
    Object.assign(settings, ctx.settings ?? {});
    const id = ctx.id ?? `attune-${name}-1`;
    const shop = { name: "Attune Demo", currency: fallbackCurrency, money_format: "${{amount}}", ...(ctx.shop ?? {}) };
    return {
      block: {
        id,
        type: `shopify://apps/attune/blocks/${name}`,
        settings,
        shopify_attributes: `data-shopify-editor-block="${htmlEscape(JSON.stringify({ id, type: name }))}"`,
      },
      customer: ctx.customer ?? null,
      product: ctx.product ?? null,
      cart: ctx.cart ?? { items: [], item_count: 0, total_price: 0, currency: { iso_code: shop.currency } },
      shop,
      template: ctx.template ?? { name: schema.target === "body" ? "index" : (DEFAULT_TEMPLATE[name] ?? "index") },
      request: { locale: { iso_code: locale }, design_mode: false, ...(ctx.request ?? {}) },
      app: ctx.app ?? { metafields: {} },
      routes: { root_url: "/", cart_url: "/cart", cart_add_url: "/cart/add", cart_change_url: "/cart/change", cart_update_url: "/cart/update", account_login_url: "/account/login", account_register_url: "/account/register" },
      ...(ctx.globals ?? {}),
    };
  };

  return {
    engine,
    extensionDir,
    locale,
    blocks: () => list("blocks"),
    snippets: () => list("snippets"),
    blockSchema,
    blockAssets(name) {
      const s = blockSchema(name);
      return {
        scripts: s.javascript ? [`${assetBase}/${s.javascript}`] : [],
        stylesheets: s.stylesheet ? [`${assetBase}/${s.stylesheet}`] : [],
      };
    },
    renderBlock: (name, ctx = {}) => engine.parseAndRender(source(name), globalsFor(name, ctx)),
    renderSnippet: (name, vars = {}) => engine.parseAndRender(fs.readFileSync(dir(`snippets/${name}.liquid`), "utf8"), vars),
    renderString: (src, vars = {}) => engine.parseAndRender(src, vars),
    translate,
  };
}

let defaultEnv: LiquidEnv | undefined;

/** Render one block with the default environment (extensions/attune-theme, English). */
export function renderBlock(name: string, ctx: BlockContext = {}): Promise<string> {
  defaultEnv ??= createLiquidEnv();
  return defaultEnv.renderBlock(name, ctx);
}
