// Markup tests: every block and snippet of the theme app extension rendered with liquidjs (strictFilters).
// @vitest-environment jsdom
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { createLiquidEnv, renderBlock, type LiquidEnv } from "../../scripts/preview/liquid-env";

const EXT = path.resolve(__dirname, "../../extensions/attune-theme");
const XSS = `"><img src=x onerror=alert(1)><script>alert(2)</script>`;

const product = {
  id: "9007199254740993",
  title: "Linen shirt",
  handle: "linen-shirt",
  selected_or_first_available_variant: { id: "9007199254740995" },
};
const cart = {
  items: [
    { variant_id: "9007199254740995", quantity: 2 },
    { variant_id: "42", quantity: 1 },
  ],
  item_count: 3,
  total_price: 3150,
  currency: { iso_code: "USD" },
};
const customer = { id: "7", first_name: "Zoë" };

let env: LiquidEnv;
const dom = (html: string) => {
  const root = document.createElement("div");
  root.innerHTML = html;
  return root;
};

beforeAll(() => {
  env = createLiquidEnv({ extensionDir: EXT, locale: "en" });
});

describe("extension inventory and limits", () => {
  test("one theme extension with ≤ 30 blocks, exactly one app embed, ≤ 100 KB of Liquid", () => {
    expect(fs.readFileSync(path.join(EXT, "shopify.extension.toml"), "utf8")).toMatch(/^type = "theme"$/m);
    const blocks = env.blocks();
    expect(blocks).toEqual(["cart", "embed", "home", "loyalty", "product", "quiz"]);
    expect(blocks.length).toBeLessThanOrEqual(30);
    expect(blocks.filter((b) => env.blockSchema(b).target === "body")).toEqual(["embed"]);
    const liquid = ["blocks", "snippets"].flatMap((d) =>
      fs.readdirSync(path.join(EXT, d)).map((f) => fs.statSync(path.join(EXT, d, f)).size),
    );
    expect(liquid.reduce((a, b) => a + b, 0)).toBeLessThan(100 * 1024);
  });

  test("every schema names an existing deferred asset and only known setting types", () => {
    const types = new Set(["text", "textarea", "range", "checkbox", "number", "header", "select", "color", "url"]);
    for (const b of env.blocks()) {
      const s = env.blockSchema(b);
      expect(s.name.length).toBeLessThanOrEqual(25);
      for (const asset of [s.javascript, s.stylesheet]) expect(fs.existsSync(path.join(EXT, "assets", String(asset)))).toBe(true);
      for (const setting of s.settings ?? []) expect(types.has(setting.type)).toBe(true);
      expect(env.blockAssets(b).scripts).toEqual([`/assets/${s.javascript}`]);
    }
  });

  test("every t: label in schemas and every | t key in Liquid exists in the default locales", () => {
    const schemaLocale = JSON.parse(fs.readFileSync(path.join(EXT, "locales/en.default.schema.json"), "utf8"));
    const storefront = JSON.parse(fs.readFileSync(path.join(EXT, "locales/en.default.json"), "utf8"));
    const get = (o: any, k: string) => k.split(".").reduce((n, p) => n?.[p], o);
    for (const dir of ["blocks", "snippets"]) {
      for (const f of fs.readdirSync(path.join(EXT, dir))) {
        const src = fs.readFileSync(path.join(EXT, dir, f), "utf8");
        for (const m of src.matchAll(/"t:([\w.]+)"/g)) expect(get(schemaLocale, m[1]), `${f} ${m[1]}`).toBeTypeOf("string");
        for (const m of src.matchAll(/'([\w.]+)' \| t\b/g)) expect(get(storefront, m[1]), `${f} ${m[1]}`).toBeTypeOf("string");
      }
    }
  });

  test("the French locale translates every storefront key", () => {
    const flat = (o: any, p = ""): string[] =>
      Object.entries(o).flatMap(([k, v]) => (typeof v === "object" ? flat(v, `${p}${k}.`) : [`${p}${k}`]));
    const en = flat(JSON.parse(fs.readFileSync(path.join(EXT, "locales/en.default.json"), "utf8")));
    const fr = flat(JSON.parse(fs.readFileSync(path.join(EXT, "locales/fr.json"), "utf8")));
    expect(fr.sort()).toEqual(en.sort());
  });
});

describe("home block", () => {
  test("greets a returning customer by Liquid first name, escaped", async () => {
    const root = dom(await env.renderBlock("home", { customer: { first_name: XSS } }));
    expect(root.querySelector(".attune-greeting")!.textContent).toContain(XSS);
    expect(root.querySelector("script, img")).toBeNull();
    const guest = dom(await env.renderBlock("home", { customer: null }));
    expect(guest.querySelector(".attune-greeting")).toBeNull();
  });

  test("renders the recommendations container, reserved skeletons, banner slot and status region", async () => {
    const root = dom(await renderBlock("home", { customer, settings: { limit: 6, heading: "Just for you" } }));
    const box = root.querySelector("[data-attune-recs]") as HTMLElement;
    expect(box.dataset.placement).toBe("home");
    expect(box.dataset.limit).toBe("6");
    expect(box.getAttribute("aria-busy")).toBe("true");
    expect(box.dataset.tAdd).toBe("Add to cart");
    expect(root.querySelectorAll("[data-attune-list] .attune-card--skeleton")).toHaveLength(6);
    expect(root.querySelector("h2")!.textContent).toBe("Just for you");
    expect(root.querySelector("[data-attune-list]")!.getAttribute("aria-labelledby")).toBe(root.querySelector("h2")!.id);
    expect(root.querySelector("[data-attune-banner]")!.hasAttribute("hidden")).toBe(true);
    expect(root.querySelector('[role="status"][data-attune-status]')).not.toBeNull();
    expect(root.querySelector("section")!.hasAttribute("data-shopify-editor-block")).toBe(true);
  });

  test("merchant settings flow into markup; the default heading is localized", async () => {
    const noBanner = dom(await env.renderBlock("home", { settings: { show_banner: false, show_greeting: false }, customer }));
    expect(noBanner.querySelector("[data-attune-banner]")).toBeNull();
    expect(noBanner.querySelector(".attune-greeting")).toBeNull();
    const fr = createLiquidEnv({ extensionDir: EXT, locale: "fr" });
    const root = dom(await fr.renderBlock("home", { customer }));
    expect(root.querySelector("h2")!.textContent).toBe("Sélectionné pour vous");
    expect(root.querySelector(".attune-greeting")!.textContent).toContain("Bon retour,");
  });

  test("a merchant heading is escaped", async () => {
    const html = await env.renderBlock("home", { settings: { heading: XSS } });
    expect(html).not.toContain("<script>");
    expect(dom(html).querySelector("h2")!.textContent).toBe(XSS);
  });
});

describe("product block", () => {
  test("frequently bought together + also bought rows with add-all and ids as strings", async () => {
    const root = dom(await env.renderBlock("product", { product, customer, settings: { limit: 3 } }));
    const box = root.querySelector("[data-attune-recs]") as HTMLElement;
    expect(box.dataset.placement).toBe("product");
    expect(box.dataset.productId).toBe("9007199254740993");
    expect(box.dataset.variantId).toBe("9007199254740995");
    expect(box.dataset.limit).toBe("6");
    const lists = [...root.querySelectorAll("[data-attune-list]")] as HTMLElement[];
    expect(lists.map((l) => l.dataset.strategy ?? "")).toEqual(["bought_together", ""]);
    expect(lists[0].querySelectorAll("li")).toHaveLength(3);
    const addAll = root.querySelector("[data-attune-add-all]") as HTMLButtonElement;
    expect(addAll.type).toBe("button");
    expect(addAll.disabled).toBe(true);
    expect(addAll.textContent).toBe("Add all to cart");
    const bought = root.querySelector("[data-attune-bought]") as HTMLElement;
    expect(bought.hidden).toBe(true);
    expect(bought.dataset.template).toBe("You bought this on [date]");
  });

  test("no bought-on reminder for guests; rows follow settings; nothing without a product", async () => {
    const guest = dom(await env.renderBlock("product", { product, customer: null, settings: { show_also: false } }));
    expect(guest.querySelector("[data-attune-bought]")).toBeNull();
    expect(guest.querySelectorAll("[data-attune-list]")).toHaveLength(1);
    expect((await env.renderBlock("product", { product: null })).trim()).toBe("");
  });
});

describe("cart block", () => {
  test("complements for the whole cart and an under-$X row from the block setting", async () => {
    const root = dom(await env.renderBlock("cart", { cart, settings: { max_price: 15 } }));
    const boxes = [...root.querySelectorAll("[data-attune-recs]")] as HTMLElement[];
    expect(boxes).toHaveLength(2);
    expect(boxes[0].dataset.cart).toBe("9007199254740995:2,42:1");
    expect(boxes[0].dataset.maxPrice).toBeUndefined();
    expect(boxes[1].dataset.maxPrice).toBe("1500");
    expect(boxes[1].querySelector("h2")!.textContent).toBe("Add this for under $15");
    // The under-$X row waits for the complements row and excludes its products (attune.js load()).
    expect(boxes[0].id).toMatch(/^attune-recs-./);
    expect(boxes[1].dataset.excludeFrom).toBe(boxes[0].id);
    const alone = dom(await env.renderBlock("cart", { cart, settings: { max_price: 15, show_complements: false } }));
    const only = [...alone.querySelectorAll("[data-attune-recs]")] as HTMLElement[];
    expect(only).toHaveLength(1);
    expect(only[0].dataset.excludeFrom).toBeUndefined();
  });

  /** The app-data metafield the admin's Settings write (the one free-shipping threshold). */
  const threshold = (cents: number | null): { metafields: Record<string, Record<string, { value: unknown }>> } => ({ metafields: { attune: cents == null ? {} : { free_shipping_threshold_cents: { value: cents } } } });

  test("free-shipping progress toward the merchant's threshold (the admin's setting, from the app metafield)", async () => {
    const root = dom(await env.renderBlock("cart", { cart, app: threshold(5000) }));
    const ship = root.querySelector("[data-attune-ship]") as HTMLElement;
    expect(ship.dataset.threshold).toBe("5000");
    const bar = ship.querySelector("progress")!;
    expect(bar.getAttribute("max")).toBe("5000");
    expect(bar.getAttribute("value")).toBe("3150");
    expect(bar.getAttribute("aria-label")).toBe("Progress toward free shipping");
    expect(ship.querySelector("[data-attune-ship-text]")!.textContent).toBe("You're $18.50 away from free shipping");
    const done = dom(await env.renderBlock("cart", { cart: { ...cart, total_price: 9000 }, app: threshold(5000) }));
    expect(done.querySelector("[data-attune-ship-text]")!.textContent).toBe("You've unlocked free shipping!");
    expect(done.querySelector("progress")!.getAttribute("value")).toBe("5000");
    const off = dom(await env.renderBlock("cart", { cart, app: threshold(null), settings: { max_price: 0 } }));
    expect(off.querySelector("[data-attune-ship]")).toBeNull();
    expect(off.querySelectorAll("[data-attune-recs]")).toHaveLength(1);
  });
});

describe("quiz block", () => {
  test("questions and options come from block settings, with labels and fieldsets", async () => {
    const root = dom(
      await env.renderBlock("quiz", {
        settings: { quiz_id: "skin", q1: "Skin type?", q1_key: "skin_type", q1_options: "Dry, Oily ,Combination", q1_multiple: false, q2: "", q3: "Budget?", q3_key: "budget", q3_options: "Low,High", q3_multiple: true },
      }),
    );
    const form = root.querySelector("form[data-attune-quiz]") as HTMLFormElement;
    expect(form.dataset.quizId).toBe("skin");
    const sets = [...root.querySelectorAll("fieldset")];
    expect(sets.map((f) => f.querySelector("legend")!.textContent)).toEqual(["Skin type?", "Budget?"]);
    const radios = [...sets[0].querySelectorAll("input")] as HTMLInputElement[];
    expect(radios.map((i) => [i.type, i.name, i.value])).toEqual([
      ["radio", "skin_type", "Dry"],
      ["radio", "skin_type", "Oily"],
      ["radio", "skin_type", "Combination"],
    ]);
    for (const i of radios) expect(root.querySelector(`label[for="${i.id}"]`)!.textContent).toBe(i.value);
    expect([...sets[1].querySelectorAll("input")].every((i) => (i as HTMLInputElement).type === "checkbox")).toBe(true);
    expect(root.querySelector('[role="status"][aria-live="polite"]')).not.toBeNull();
  });

  test("merchant-entered quiz text is escaped", async () => {
    const html = await env.renderBlock("quiz", { settings: { q1: XSS, q1_options: `a,${XSS}` } });
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<img");
  });
});

describe("app embed", () => {
  test("an accessible, initially closed dialog and the data the embed script needs", async () => {
    const root = dom(await env.renderBlock("embed", { cart, product, template: { name: "product" } }));
    const data = root.querySelector("[data-attune-embed]") as HTMLElement;
    expect(data.dataset.proxy).toBe("/apps/attune");
    expect(data.dataset.cartTotal).toBe("3150");
    expect(data.dataset.productId).toBe("9007199254740993");
    expect(data.dataset.exitIntent).toBe("true");
    expect(data.dataset.delay).toBe("12");
    const dialog = root.querySelector("dialog[data-attune-dialog]")!;
    expect(dialog.hasAttribute("open")).toBe(false);
    expect(root.querySelector(`#${dialog.getAttribute("aria-labelledby")}`)!.textContent).toBe("A little something for you");
    expect(root.querySelector(`#${dialog.getAttribute("aria-describedby")}`)).not.toBeNull();
    expect(dialog.querySelector(".attune-dialog__close")!.getAttribute("aria-label")).toBe("Close offer");
    expect(dialog.querySelectorAll("[data-attune-close]")).toHaveLength(2);
  });

  test("no product id off product pages or when view tracking is off", async () => {
    const home = dom(await env.renderBlock("embed", { product, template: { name: "index" } }));
    expect((home.querySelector("[data-attune-embed]") as HTMLElement).dataset.productId).toBeUndefined();
    const off = dom(await env.renderBlock("embed", { product, template: { name: "product" }, settings: { track_views: false } }));
    expect((off.querySelector("[data-attune-embed]") as HTMLElement).dataset.productId).toBeUndefined();
  });

  test("the merchant's dialog title is escaped", async () => {
    const html = await env.renderBlock("embed", { settings: { title: XSS } });
    expect(html).not.toContain("<script>");
    expect(dom(html).querySelector("#attune-offer-title")!.textContent).toBe(XSS);
  });
});

describe("snippets", () => {
  test("attune-list reserves space with skeleton cards and escapes its heading", async () => {
    const root = dom(await env.renderSnippet("attune-list", { heading: XSS, limit: 2, list_id: "x1", strategy: "bought_together" }));
    const ul = root.querySelector("ul[data-attune-list]") as HTMLElement;
    expect(ul.getAttribute("role")).toBe("list");
    expect(ul.dataset.strategy).toBe("bought_together");
    expect(ul.getAttribute("style")).toContain("--attune-cols: 2");
    expect(ul.querySelectorAll('li[aria-hidden="true"] .attune-media')).toHaveLength(2);
    expect(root.querySelector("h2")!.textContent).toBe(XSS);
    expect(root.querySelector("script")).toBeNull();
  });

  test("attune-data emits escaped localized strings as data attributes", async () => {
    const html = await env.renderSnippet("attune-data");
    const el = dom(`<div ${html}></div>`).firstElementChild as HTMLElement;
    expect(el.dataset.tError).toBe("Sorry, that couldn't be added. Please try again.");
    expect(html).toContain("couldn&#39;t");
  });

  test("strictFilters: an unknown filter fails loudly", async () => {
    await expect(env.renderString("{{ 'x' | not_a_shopify_filter }}")).rejects.toThrow(/undefined filter/);
  });
});

describe("assets", () => {
  test("CSS reserves image space (aspect-ratio) and styles focus; no @import", () => {
    const css = fs.readFileSync(path.join(EXT, "assets/attune.css"), "utf8");
    expect(css).toMatch(/\.attune-media\s*{[^}]*aspect-ratio:\s*1 \/ 1/);
    expect(css).toMatch(/min-height/);
    expect(css).toMatch(/:focus-visible/);
    expect(css).not.toMatch(/@import/);
  });

  test("theme JS never writes proxy data with innerHTML/insertAdjacentHTML/document.write", () => {
    for (const f of ["attune.js", "attune-embed.js", "attune-loyalty.js"]) {
      const js = fs.readFileSync(path.join(EXT, "assets", f), "utf8");
      expect(js).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/);
      expect(js).not.toMatch(/Number\(\s*\w*\.?(variantId|productId|id)\b/);
    }
  });
});
