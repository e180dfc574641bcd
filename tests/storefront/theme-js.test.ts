// Behaviour of the theme extension's JS (assets/attune.js, assets/attune-embed.js) in jsdom, on markup
// rendered from the real blocks: consent gating, escaping, add-to-cart payloads, once-per-session offers.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { afterEach, describe, expect, test, vi } from "vitest";
import { createLiquidEnv } from "../../scripts/preview/liquid-env";

// jsdom ships no types here (no @types/jsdom); it is only driven through `window`.
const { JSDOM } = createRequire(import.meta.url)("jsdom") as { JSDOM: new (html: string, options: Record<string, unknown>) => { window: any } };

const EXT = path.resolve(__dirname, "../../extensions/attune-theme");
const env = createLiquidEnv({ extensionDir: EXT });
const code = (f: string) => fs.readFileSync(path.join(EXT, "assets", f), "utf8");

type Call = { url: string; init?: { method?: string; body?: string; headers?: Record<string, string> } };
type Privacy = { analytics?: boolean; preferences?: boolean } | null;

const product = { id: "9007199254740993", title: "Linen shirt", selected_or_first_available_variant: { id: "9007199254740995" } };
const cart = { items: [{ variant_id: "42", quantity: 1 }], total_price: 3000, currency: { iso_code: "USD" } };

function recsResponse(over: Record<string, unknown> = {}) {
  return {
    placement: "home",
    strategy: "picked_for_you",
    rule: { id: "rule-7", name: "Returning visitors" },
    segments: ["returning_visitor"],
    content: { heading: "Welcome back!", message: "New arrivals picked for you", bannerImageUrl: "https://cdn.shopify.com/banner.jpg" },
    offer: null,
    customer: { loggedIn: true, firstOrder: false },
    lastPurchase: null,
    freeShipping: null,
    products: [
      { id: "9007199254740997", variantId: "9007199254740999", title: `<img src=x onerror="alert(1)">Scarf`, handle: "scarf", url: "/products/scarf", imageUrl: "https://cdn.shopify.com/scarf.jpg", priceCents: 2500, currency: "USD", reason: "Often bought with <b>Linen shirt</b>", strategy: "bought_together" },
      { id: "2", variantId: "22", title: "Belt", handle: "belt", url: "javascript:alert(1)", imageUrl: "javascript:alert(2)", priceCents: 4000, currency: "USD", reason: "", strategy: "also_bought" },
    ],
    ...over,
  };
}

function page(html: string, opts: { privacy?: Privacy; answers?: (c: Call) => unknown; url?: string; width?: number } = {}) {
  const dom = new JSDOM(`<!doctype html><html lang="en"><body>${html}</body></html>`, {
    url: opts.url ?? "https://shop.test/?utm_source=newsletter",
    referrer: "https://www.google.com/search?q=x",
    runScripts: "outside-only",
  });
  const w = dom.window;
  const calls: Call[] = [];
  w.fetch = vi.fn(async (url: string, init?: Call["init"]) => {
    const call = { url: String(url), init };
    calls.push(call);
    const body = opts.answers?.(call) ?? null;
    return { ok: true, status: body === null ? 204 : 200, json: async () => body };
  });
  w.matchMedia = () => ({ matches: false });
  Object.defineProperty(w, "innerWidth", { value: opts.width ?? 1280, configurable: true });
  const p = opts.privacy;
  w.Shopify = {
    routes: { root: "/" },
    ...(p === null || p === undefined
      ? {}
      : { customerPrivacy: { analyticsProcessingAllowed: () => !!p.analytics, preferencesProcessingAllowed: () => !!p.preferences } }),
  };
  const run = (f: string) => w.eval(code(f));
  return { w, doc: w.document, calls, run, dom };
}

const query = (c: Call) => new URL(c.url, "https://shop.test").searchParams;

afterEach(() => vi.useRealTimers());

describe("consent gating", () => {
  test("without the Customer Privacy API: no vid stored or sent, no product-view event", async () => {
    const html = (await env.renderBlock("home")) + (await env.renderBlock("embed", { product, template: { name: "product" } }));
    const { w, calls, run } = page(html, { privacy: null, answers: (c) => (c.url.includes("/recommendations") ? recsResponse() : { offer: null }) });
    run("attune.js");
    run("attune-embed.js");
    await vi.waitFor(() => expect(calls.some((c) => c.url.includes("/recommendations"))).toBe(true));
    const rec = calls.find((c) => c.url.includes("/recommendations"))!;
    expect(query(rec).get("vid")).toBeNull();
    expect(query(rec).get("placement")).toBe("home");
    expect(query(rec).get("utm_source")).toBe("newsletter");
    expect(query(rec).get("ref")).toBe("www.google.com");
    expect(query(rec).get("device")).toBe("desktop");
    expect(w.localStorage.getItem("attune_vid")).toBeNull();
    await new Promise((r) => setTimeout(r, 10));
    expect(calls.some((c) => c.url.includes("/events"))).toBe(false);
    expect([...query(rec).keys()]).not.toContain("customer_id");
  });

  test("with consent: a random vid is created once, sent with recommendations and the product-view event", async () => {
    const html = (await env.renderBlock("product", { product })) + (await env.renderBlock("embed", { product, template: { name: "product" } }));
    const { w, calls, run } = page(html, {
      privacy: { analytics: true, preferences: true },
      answers: (c) => (c.url.includes("/recommendations") ? recsResponse() : c.url.includes("/offer") ? { offer: null } : null),
    });
    run("attune-embed.js");
    run("attune.js");
    await vi.waitFor(() => expect(calls.some((c) => c.url.includes("/events"))).toBe(true));
    const vid = w.localStorage.getItem("attune_vid");
    expect(vid).toMatch(/^[0-9a-z-]{16,}$/);
    const ev = calls.find((c) => c.url.includes("/events"))!;
    expect(ev.url).toBe("/apps/attune/events");
    expect(ev.init!.method).toBe("POST");
    expect(JSON.parse(ev.init!.body!)).toEqual({ type: "product_view", productId: "9007199254740993", vid });
    await vi.waitFor(() => expect(calls.some((c) => c.url.includes("/recommendations"))).toBe(true));
    const rec = query(calls.find((c) => c.url.includes("/recommendations"))!);
    expect(rec.get("vid")).toBe(vid);
    expect(rec.get("product_id")).toBe("9007199254740993");
    expect(rec.get("viewed")).toBe("9007199254740993");
  });

  test("analytics allowed but preferences refused: event without vid; an old vid is deleted", async () => {
    const html = await env.renderBlock("embed", { product, template: { name: "product" } });
    const { w, calls, run } = page(html, { privacy: { analytics: true, preferences: false }, answers: () => ({ offer: null }) });
    w.localStorage.setItem("attune_vid", "old-id");
    run("attune-embed.js");
    await vi.waitFor(() => expect(calls.some((c) => c.url.includes("/events"))).toBe(true));
    expect(JSON.parse(calls.find((c) => c.url.includes("/events"))!.init!.body!)).toEqual({ type: "product_view", productId: "9007199254740993" });
    expect(w.localStorage.getItem("attune_vid")).toBeNull();
    expect(w.localStorage.getItem("attune_viewed")).toBeNull();
  });

  test("loads the Customer Privacy API with Shopify.loadFeatures when it is not there yet", async () => {
    const { w, calls, run } = page(await env.renderBlock("home"), { privacy: null, answers: () => recsResponse() });
    const loadFeatures = vi.fn((features: unknown, cb: () => void) => {
      w.Shopify.customerPrivacy = { analyticsProcessingAllowed: () => true, preferencesProcessingAllowed: () => true };
      cb();
    });
    w.Shopify.loadFeatures = loadFeatures;
    run("attune.js");
    expect(loadFeatures).toHaveBeenCalledWith([{ name: "consent-tracking-api", version: "0.1" }], expect.any(Function));
    await vi.waitFor(() => expect(calls.length).toBeGreaterThan(0));
    expect(query(calls[0]).get("vid")).toBe(w.localStorage.getItem("attune_vid"));
  });
});

describe("recommendation cards", () => {
  test("product text is escaped, unsafe links and images are dropped, images have alt and size", async () => {
    const { doc, run } = page(await env.renderBlock("home"), { answers: () => recsResponse() });
    run("attune.js");
    await vi.waitFor(() => expect(doc.querySelectorAll(".attune-card:not(.attune-card--skeleton)")).toHaveLength(2));
    const [scarf, belt] = [...doc.querySelectorAll(".attune-card")] as HTMLElement[];
    expect(scarf.querySelector(".attune-card__title")!.textContent).toBe(`<img src=x onerror="alert(1)">Scarf`);
    expect(doc.querySelector('img[src="x"]')).toBeNull();
    expect(doc.querySelector("b")).toBeNull();
    const img = scarf.querySelector("img")!;
    expect(img.getAttribute("src")).toBe("https://cdn.shopify.com/scarf.jpg?width=360");
    expect(img.alt).toBe(`<img src=x onerror="alert(1)">Scarf`);
    expect(img.getAttribute("width")).toBe("360");
    expect(img.getAttribute("height")).toBe("360");
    expect(img.getAttribute("loading")).toBe("lazy");
    expect((scarf.querySelector("a") as HTMLAnchorElement).getAttribute("href")).toBe("/products/scarf");
    expect(belt.querySelector("a")).toBeNull();
    expect(belt.querySelector("img")).toBeNull();
    expect(scarf.querySelector(".attune-card__price")!.textContent).toBe("$25.00");
    expect(scarf.querySelector("button")!.getAttribute("aria-label")).toBe(`Add to cart: <img src=x onerror="alert(1)">Scarf`);
    const box = doc.querySelector("[data-attune-recs]")!;
    expect(box.hasAttribute("aria-busy")).toBe(false);
    expect(box.querySelector("[data-attune-status]")!.textContent).toBe("Recommendations loaded");
  });

  test("the segment banner from the matching rule is filled with text, its image gets alt and size", async () => {
    const { doc, run } = page(await env.renderBlock("home"), { answers: () => recsResponse({ content: { heading: "<i>VIP</i>", message: "Hi", bannerImageUrl: "https://cdn.shopify.com/b.jpg" } }) });
    run("attune.js");
    await vi.waitFor(() => expect((doc.querySelector("[data-attune-banner]") as HTMLElement).hidden).toBe(false));
    expect(doc.querySelector("[data-attune-banner-heading]")!.textContent).toBe("<i>VIP</i>");
    expect(doc.querySelector("i")).toBeNull();
    const img = doc.querySelector("[data-attune-banner-media] img") as HTMLImageElement;
    expect(img.alt).toBe("<i>VIP</i>");
    expect(img.getAttribute("width")).toBe("1200");
  });

  test("the rule's banner link wraps the heading (else the message) as a real link; unsafe links are dropped", async () => {
    const banner = async (content: Record<string, unknown>) => {
      const { doc, run } = page(await env.renderBlock("home"), { answers: () => recsResponse({ content: { message: null, bannerImageUrl: null, ...content } }) });
      run("attune.js");
      await vi.waitFor(() => expect((doc.querySelector("[data-attune-banner]") as HTMLElement).hidden).toBe(false));
      return doc;
    };
    let doc = await banner({ heading: "<b>Sale</b>", message: "Up to 30% off", linkUrl: "/collections/sale" });
    const a = doc.querySelector("[data-attune-banner-heading] a") as HTMLAnchorElement;
    expect(a.getAttribute("href")).toBe("/collections/sale");
    expect(a.textContent).toBe("<b>Sale</b>");
    expect(doc.querySelector("b")).toBeNull();
    expect(doc.querySelector("[data-attune-banner-message]")!.textContent).toBe("Up to 30% off");
    expect(doc.querySelector("[data-attune-banner-message] a")).toBeNull();
    doc = await banner({ heading: "Lookbook", linkUrl: "https://lookbook.example.com/fall" });
    expect(doc.querySelector("[data-attune-banner-heading] a")!.getAttribute("href")).toBe("https://lookbook.example.com/fall");
    doc = await banner({ heading: null, message: "Free gift inside", linkUrl: "/pages/gift" });
    expect(doc.querySelector("[data-attune-banner-message] a")!.getAttribute("href")).toBe("/pages/gift");
    for (const linkUrl of ["javascript:alert(1)", "//evil.example", "/\\evil.example", "data:text/html,x", " /x", null]) {
      doc = await banner({ heading: "Plain", linkUrl });
      expect(doc.querySelector("[data-attune-banner] a")).toBeNull();
      expect(doc.querySelector("[data-attune-banner-heading]")!.textContent).toBe("Plain");
    }
  });

  test("an empty answer hides the block's recommendations instead of showing an empty row", async () => {
    const { doc, run } = page(await env.renderBlock("home"), { answers: () => recsResponse({ products: [], content: { heading: null, message: null, bannerImageUrl: null } }) });
    run("attune.js");
    await vi.waitFor(() => expect((doc.querySelector("[data-attune-recs]") as HTMLElement).hidden).toBe(true));
  });

  test("'you bought this on <date>' for the product a returning buyer purchased", async () => {
    const { doc, run } = page(await env.renderBlock("product", { product, customer: { first_name: "A" } }), {
      answers: () => recsResponse({ lastPurchase: { productId: "9007199254740993", orderedAt: "2026-01-31T10:00:00Z" } }),
    });
    run("attune.js");
    await vi.waitFor(() => expect((doc.querySelector("[data-attune-bought]") as HTMLElement).hidden).toBe(false));
    expect(doc.querySelector("[data-attune-bought]")!.textContent).toBe("You bought this on January 31, 2026");
  });
});

describe("add to cart", () => {
  const answers = (c: Call) =>
    c.url.includes("/recommendations") ? recsResponse() : c.url.endsWith("cart/update.js") ? { total_price: 5500, items: [] } : c.url.endsWith("cart/add.js") ? { items: [] } : null;

  test("Ajax Cart API payload with attribution properties, cart attribute, refresh event, shipping bar update", async () => {
    const html = await env.renderBlock("cart", { cart, app: { metafields: { attune: { free_shipping_threshold_cents: { value: 5000 } } } }, settings: { max_price: 0 } });
    const { doc, calls, run, w } = page(html, { answers });
    const events: unknown[] = [];
    doc.addEventListener("cart:refresh", (e: any) => events.push(e.detail));
    run("attune.js");
    await vi.waitFor(() => expect(doc.querySelectorAll(".attune-card button")).toHaveLength(2));
    (doc.querySelector(".attune-card button") as HTMLButtonElement).click();
    await vi.waitFor(() => expect(events).toHaveLength(1));
    const add = calls.find((c) => c.url.endsWith("cart/add.js"))!;
    expect(add.url).toBe("/cart/add.js");
    expect(add.init!.method).toBe("POST");
    expect(add.init!.headers!["Content-Type"]).toBe("application/json");
    expect(JSON.parse(add.init!.body!)).toEqual({
      items: [{ id: "9007199254740999", quantity: 1, properties: { _attune_placement: "cart", _attune_rule: "rule-7" } }],
    });
    const upd = calls.find((c) => c.url.endsWith("cart/update.js"))!;
    expect(JSON.parse(upd.init!.body!)).toEqual({ attributes: { _attune_last_placement: "cart" } });
    expect(calls.indexOf(upd)).toBeGreaterThan(calls.indexOf(add));
    expect(doc.querySelector("[data-attune-ship-text]")!.textContent).toBe("You've unlocked free shipping!");
    expect((doc.querySelector("progress") as HTMLProgressElement).value).toBe(5000);
    expect(doc.querySelector("[data-attune-status]")!.textContent).toBe("Added to cart");
    expect(query(calls[0]).get("cart")).toBe("42:1");
    void w;
  });

  test("add all (frequently bought together) sends the current variant plus the FBT products", async () => {
    const { doc, calls, run } = page(await env.renderBlock("product", { product }), { answers });
    run("attune.js");
    const addAll = () => doc.querySelector("[data-attune-add-all]") as HTMLButtonElement;
    await vi.waitFor(() => expect(addAll().disabled).toBe(false));
    addAll().click();
    await vi.waitFor(() => expect(calls.some((c) => c.url.endsWith("cart/add.js"))).toBe(true));
    const body = JSON.parse(calls.find((c) => c.url.endsWith("cart/add.js"))!.init!.body!);
    expect(body.items.map((i: { id: string }) => i.id)).toEqual(["9007199254740995", "9007199254740999"]);
    expect(body.items[0].properties._attune_placement).toBe("product");
  });

  test("a failed add announces an error and re-enables the button", async () => {
    const { doc, run, w } = page(await env.renderBlock("home"), { answers: () => recsResponse() });
    run("attune.js");
    await vi.waitFor(() => expect(doc.querySelectorAll(".attune-card button")).toHaveLength(2));
    w.fetch = vi.fn(async () => ({ ok: false, status: 422, json: async () => ({ description: "sold out" }) }));
    const b = doc.querySelector(".attune-card button") as HTMLButtonElement;
    b.click();
    await vi.waitFor(() => expect(doc.querySelector("[data-attune-status]")!.textContent).toBe("Sorry, that couldn't be added. Please try again."));
    expect(b.disabled).toBe(false);
  });
});

describe("quiz", () => {
  test("answers are POSTed as {quizId, answers: {key: [values]}}; empty submit is refused", async () => {
    const html = await env.renderBlock("quiz", { settings: { quiz_id: "skin", q1: "Type?", q1_key: "skin_type", q1_options: "Dry,Oily", q1_multiple: true, q2: "" } });
    const { doc, calls, run } = page(html, { privacy: { analytics: true, preferences: true }, answers: () => ({ ok: true }) });
    run("attune.js");
    const form = doc.querySelector("form") as HTMLFormElement;
    const status = form.querySelector("[data-attune-status]")!;
    form.requestSubmit();
    expect(status.textContent).toBe("Choose at least one answer.");
    for (const i of form.querySelectorAll("input")) (i as HTMLInputElement).checked = true;
    form.requestSubmit();
    await vi.waitFor(() => expect(status.textContent).toBe("Thanks! Your picks are updated below."));
    const post = calls.find((c) => c.url === "/apps/attune/quiz")!;
    expect(JSON.parse(post.init!.body!)).toEqual({ quizId: "skin", answers: { skin_type: ["Dry", "Oily"] }, vid: expect.any(String) });
  });
});

describe("offer embed", () => {
  const offer = (o: Record<string, unknown>) => (c: Call) => (c.url.includes("/offer") ? { offer: { type: "welcome", message: "<b>10% off</b> your first order", code: "WELCOME10", trigger: "delay", delaySeconds: 0.01, ...o } } : null);

  test("delay trigger opens an accessible dialog once per session; closing restores focus", async () => {
    const html = `<button id="before">x</button>` + (await env.renderBlock("embed", { cart }));
    const { doc, calls, run, w } = page(html, { answers: offer({}) });
    (doc.getElementById("before") as HTMLButtonElement).focus();
    run("attune-embed.js");
    const dlg = doc.querySelector("dialog")!;
    await vi.waitFor(() => expect(dlg.hasAttribute("open")).toBe(true));
    const q = query(calls.find((c) => c.url.includes("/offer"))!);
    expect(q.get("cart_total")).toBe("3000");
    expect(q.get("utm_source")).toBe("newsletter");
    expect(q.get("vid")).toBeNull();
    expect(doc.querySelector("[data-attune-offer-message]")!.textContent).toBe("<b>10% off</b> your first order");
    expect(dlg.querySelector("b")).toBeNull();
    expect(doc.querySelector("[data-attune-offer-code]")!.textContent).toBe("WELCOME10");
    expect((doc.querySelector("[data-attune-offer-code-wrap]") as HTMLElement).hidden).toBe(false);
    expect(doc.activeElement).toBe(dlg.querySelector("[data-attune-close]"));
    expect(w.sessionStorage.getItem("attune_offer_seen")).toBe("1");
    (dlg.querySelector("[data-attune-close]") as HTMLButtonElement).click();
    await vi.waitFor(() => expect(dlg.hasAttribute("open")).toBe(false));
    if (!("showModal" in dlg)) dlg.dispatchEvent(new w.Event("close"));
    expect(doc.activeElement!.id).toBe("before");
    w.Attune.show({ message: "again" });
    expect(dlg.hasAttribute("open")).toBe(false);
  });

  test("already shown this session: the offer is not even requested", async () => {
    const { calls, run, w } = page(await env.renderBlock("embed", { cart }), { answers: offer({}) });
    w.sessionStorage.setItem("attune_offer_seen", "1");
    run("attune-embed.js");
    await new Promise((r) => setTimeout(r, 20));
    expect(calls.some((c) => c.url.includes("/offer"))).toBe(false);
  });

  test("exit intent on desktop: opens when the mouse leaves through the top of the viewport", async () => {
    const { doc, calls, run, w } = page(await env.renderBlock("embed", { cart }), { answers: offer({ trigger: "exit_intent", delaySeconds: 0 }) });
    run("attune-embed.js");
    await vi.waitFor(() => expect(calls.some((c) => c.url.includes("/offer"))).toBe(true));
    await new Promise((r) => setTimeout(r, 10));
    const dlg = doc.querySelector("dialog")!;
    doc.dispatchEvent(new w.MouseEvent("mouseout", { clientY: 300, bubbles: true }));
    expect(dlg.hasAttribute("open")).toBe(false);
    doc.dispatchEvent(new w.MouseEvent("mouseout", { clientY: 0, relatedTarget: null, bubbles: true }));
    expect(dlg.hasAttribute("open")).toBe(true);
  });

  test("exit intent on mobile falls back to the delay", async () => {
    const { doc, run } = page(await env.renderBlock("embed", { cart }), { width: 390, answers: offer({ trigger: "exit_intent", delaySeconds: 0.01 }) });
    run("attune-embed.js");
    await vi.waitFor(() => expect(doc.querySelector("dialog")!.hasAttribute("open")).toBe(true));
  });

  test("no offer: nothing opens", async () => {
    const { doc, calls, run } = page(await env.renderBlock("embed", { cart }), { answers: () => ({ offer: null }) });
    run("attune-embed.js");
    await vi.waitFor(() => expect(calls.length).toBe(1));
    await new Promise((r) => setTimeout(r, 30));
    expect(doc.querySelector("dialog")!.hasAttribute("open")).toBe(false);
  });
});

describe("personalization opt-out (app embed)", () => {
  test("only a signed-in customer gets the control; opening reads the state, unticking POSTs {optOut: true}", async () => {
    expect(await env.renderBlock("embed", { cart })).not.toContain("data-attune-privacy");
    let optedOut = false;
    const html = await env.renderBlock("embed", { cart, customer: { id: 5, first_name: "Ann" } });
    const { doc, calls, run, w } = page(html, {
      answers: (c) => {
        if (!c.url.endsWith("/privacy")) return null;
        if (c.init?.method === "POST") optedOut = JSON.parse(c.init.body!).optOut;
        return { optedOut };
      },
    });
    run("attune-embed.js");
    const details = doc.querySelector("[data-attune-privacy]") as HTMLDetailsElement;
    const box = details.querySelector("input[type=checkbox]") as HTMLInputElement;
    expect(details.querySelector("summary")!.textContent).toBe("Personalization");
    expect(box.closest("label")!.textContent).toContain("Personalize recommendations and offers for me");
    expect(details.querySelector("[role=status]")).not.toBeNull();
    expect(calls.some((c) => c.url.endsWith("/privacy"))).toBe(false); // nothing asked until opened
    details.open = true;
    details.dispatchEvent(new w.Event("toggle"));
    await vi.waitFor(() => expect(box.disabled).toBe(false));
    expect(box.checked).toBe(true);
    box.checked = false;
    box.dispatchEvent(new w.Event("change"));
    await vi.waitFor(() => expect(doc.querySelector("[data-attune-privacy-status]")!.textContent).toMatch(/Personalization is off/));
    const post = calls.find((c) => c.url === "/apps/attune/privacy" && c.init?.method === "POST")!;
    expect(JSON.parse(post.init!.body!)).toEqual({ optOut: true });
    expect(box.checked).toBe(false);
  });
});
