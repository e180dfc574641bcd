/**
 * The theme app extension's real blocks in real Chromium, on the local storefront preview, talking
 * to the real app through a Shopify-style signed app proxy. Store, rules and settings: seed.ts.
 */
import Database from "better-sqlite3";
import { asPersona, cartJs, cls, exitIntent, expect, previewUrl, proxyAnswer, recsSettled, test } from "./fixtures";
import { CANADA_HEADING, PINTEREST_HEADING, WELCOME_CODE } from "./constants";

const home = (page: import("@playwright/test").Page) => page.locator('[data-attune-block="home"]');
const cards = (scope: import("@playwright/test").Locator) => scope.locator(".attune-card:not(.attune-card--skeleton)");

let productWithBundle: { handle: string; together: number } | null = null;

/** A product whose page has a "Frequently bought together" answer (asked through the preview's proxy). */
async function bundleProduct(request: import("@playwright/test").APIRequestContext) {
  if (productWithBundle) return productWithBundle;
  const personas = await (await request.get(`${previewUrl()}/preview/personas.json`)).json();
  expect(personas.length).toBe(7);
  const html = await (await request.get(`${previewUrl()}/`)).text();
  const handles = [...new Set([...html.matchAll(/href="\/products\/([^"?]+)"/g)].map((m) => m[1]))];
  for (const handle of handles) {
    const page = await (await request.get(`${previewUrl()}/products/${handle}`)).text();
    const id = /data-product-id="(\d+)"/.exec(page)?.[1];
    if (!id) continue;
    const r = await (await request.get(`${previewUrl()}/apps/attune/recommendations?placement=product&product_id=${id}&limit=6`)).json();
    const together = r.products.filter((p: { strategy: string }) => p.strategy === "bought_together").length;
    if (together > 0) return (productWithBundle = { handle, together });
  }
  throw new Error(`none of ${handles.length} featured products has bought-together recommendations`);
}

test.describe("personas on the home page", () => {
  test("new visitor: no greeting, picked-for-you row, welcome offer on exit intent", async ({ page }) => {
    const recs = proxyAnswer(page, "recommendations");
    const offer = proxyAnswer(page, "offer");
    await asPersona(page, "new");
    const r = await recs;
    expect(r.customer.loggedIn).toBe(false);
    expect(r.segments).toContain("new_visitor");
    await recsSettled(page);
    await expect(page.locator(".attune-greeting")).toHaveCount(0);
    await expect(cards(home(page)).first()).toBeVisible();
    expect((await offer).offer).toMatchObject({ type: "welcome", code: WELCOME_CODE, trigger: "exit_intent" });
    await exitIntent(page);
    const dialog = page.getByRole("dialog");
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText(WELCOME_CODE);
    await expect(dialog).toHaveAttribute("data-offer", "welcome");
  });

  test("returning customer: greeting by first name and picked-for-you with reasons", async ({ page }) => {
    const recs = proxyAnswer(page, "recommendations");
    await asPersona(page, "returning");
    const r = await recs;
    expect(r.customer).toEqual({ loggedIn: true, firstOrder: false });
    expect(r.segments).toContain("returning_visitor");
    await expect(page.locator(".attune-greeting")).toContainText(/Welcome back,\s+\w+/);
    await recsSettled(page);
    const c = cards(home(page));
    await expect(c.first()).toBeVisible();
    expect(await c.count()).toBeGreaterThanOrEqual(2);
    for (const reason of await c.locator(".attune-card__reason").allTextContents()) expect(reason.trim().length).toBeGreaterThan(3);
    expect(await c.locator(".attune-card__reason").count()).toBe(await c.count());
  });

  test("VIP: recognised as VIP and offered early access", async ({ page }) => {
    const recs = proxyAnswer(page, "recommendations");
    const offer = proxyAnswer(page, "offer");
    await asPersona(page, "vip");
    expect((await recs).segments).toContain("vip");
    expect((await offer).offer?.type).toBe("early_access");
    await expect(page.locator(".attune-greeting")).toBeVisible();
    await recsSettled(page);
    await expect(cards(home(page)).first()).toBeVisible();
  });

  test("lapsed customer: win-back offer with its code", async ({ page }) => {
    const recs = proxyAnswer(page, "recommendations");
    const offer = proxyAnswer(page, "offer");
    await asPersona(page, "lapsed");
    expect((await recs).segments).toContain("lapsed");
    expect((await offer).offer).toMatchObject({ type: "win_back", code: "COMEBACK15" });
    await exitIntent(page);
    await expect(page.getByRole("dialog")).toContainText("COMEBACK15");
  });

  test("Pinterest visitor: the Pinterest rule's variant", async ({ page }) => {
    const recs = proxyAnswer(page, "recommendations", (u) => u.searchParams.get("utm_source") === "pinterest");
    await asPersona(page, "pinterest");
    expect(new URL(page.url()).searchParams.get("utm_source")).toBe("pinterest");
    const r = await recs;
    expect(r.rule).toEqual({ id: "rule_pinterest", name: "Pinterest visitors" });
    expect(r.segments).toContain("source:pinterest");
    const banner = home(page).locator("[data-attune-banner]");
    await expect(banner).toBeVisible();
    await expect(banner).toContainText(PINTEREST_HEADING);
    await recsSettled(page);
    await expect(cards(home(page)).first()).toBeVisible();
    // The source is kept for the session: another page still sends it.
    const again = proxyAnswer(page, "recommendations");
    await page.goto(`${previewUrl()}/`);
    expect((await again).rule?.id).toBe("rule_pinterest");
  });

  test("Canada visitor: the Canada rule's variant and offer", async ({ page }) => {
    const recs = proxyAnswer(page, "recommendations");
    await asPersona(page, "canada");
    const r = await recs;
    expect(r.rule?.id).toBe("rule_canada");
    const banner = home(page).locator("[data-attune-banner]");
    await expect(banner).toContainText(CANADA_HEADING);
    await expect(home(page).locator("[data-attune-offer]")).toContainText("Free shipping to Canada");
  });
});

test.describe("product and cart blocks", () => {
  test("product page: bought together with add-all puts every item in the cart", async ({ page }) => {
    const bundle = await bundleProduct(page.request);
    await asPersona(page, "new", `/products/${bundle.handle}`);
    const block = page.locator('[data-attune-block="product"]');
    await block.scrollIntoViewIfNeeded();
    await recsSettled(page);
    const together = block.locator('[data-attune-list][data-strategy="bought_together"]');
    await expect(cards(together).first()).toBeVisible();
    const n = await cards(together).count();
    const addAll = block.getByRole("button", { name: "Add all to cart" });
    await expect(addAll).toBeEnabled();
    await addAll.click();
    await expect(page.locator("[data-cart-count]")).toHaveText(String(n + 1));
    const cart = await cartJs(page);
    expect(cart.item_count).toBe(n + 1);
    for (const item of cart.items) expect(item.properties._attune_placement).toBe("product");
    expect(cart.attributes._attune_last_placement).toBe("product");
    await expect(block.locator("[data-attune-status]")).toHaveText("Added to cart");
  });

  test("cart: complements, under-$X row and free-shipping progress; adding one updates the bar", async ({ page }) => {
    // A cart under the $50 threshold: the cheapest available product in the featured list, once.
    await asPersona(page, "new");
    const underRequests: URL[] = [];
    page.on("request", (r) => {
      const u = new URL(r.url());
      if (u.pathname.endsWith("/recommendations") && u.searchParams.has("max_price")) underRequests.push(u);
    });
    const personas = await (await page.request.get(`${previewUrl()}/preview/personas.json`)).json();
    const variant = personas.find((p: { id: string }) => p.id === "full_cart").cart[0].variantId;
    await page.request.post(`${previewUrl()}/cart/add.js`, { data: { items: [{ id: variant, quantity: 1 }] } });
    await page.goto(`${previewUrl()}/cart`);
    const before = await cartJs(page);
    expect(before.item_count).toBe(1);
    expect(before.total_price).toBeLessThan(5000);
    await expect(page.locator("[data-attune-ship-text]")).toHaveText(/away from free shipping/);
    const block = page.locator('[data-attune-block="cart"]');
    const ship = block.locator("[data-attune-ship]");
    await expect(ship).toBeVisible();
    const bar = ship.locator("progress");
    expect(Number(await bar.getAttribute("max"))).toBe(5000);
    await block.scrollIntoViewIfNeeded();
    await recsSettled(page);
    const rows = block.locator("[data-attune-recs]");
    await expect(rows).toHaveCount(2);
    const complements = rows.first();
    await expect(cards(complements).first()).toBeVisible();
    // Nothing already in the cart is recommended again.
    const inCart = new Set(before.items.map((i: { handle: string }) => `/products/${i.handle}`));
    const complementHrefs = await complements.locator(".attune-card__link").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    for (const href of complementHrefs) expect(inCart.has(href!)).toBe(false);
    // The under-$X row asked after the complements row rendered, excluding its products, and repeats none.
    const shown = await complements.evaluate((box) => (box as HTMLElement & { _shown?: string[] })._shown ?? []);
    expect(shown.length).toBeGreaterThan(0);
    expect(underRequests.length).toBe(1);
    expect(underRequests[0].searchParams.get("exclude")).toBe(shown.join(","));
    for (const href of await rows.nth(1).locator(".attune-card__link").evaluateAll((as) => as.map((a) => a.getAttribute("href")))) expect(complementHrefs).not.toContain(href);

    await cards(complements).first().getByRole("button").click();
    await expect(complements.locator("[data-attune-status]")).toHaveText("Added to cart");
    const after = await cartJs(page);
    expect(after.item_count).toBe(before.item_count + 1);
    const added = after.items.find((i: { properties: Record<string, string> }) => i.properties._attune_placement === "cart");
    expect(added).toBeTruthy();
    expect(after.attributes._attune_last_placement).toBe("cart");
    await expect(page.locator("[data-cart-count]")).toHaveText(String(after.item_count));
    expect(Number(await bar.evaluate((b: HTMLProgressElement) => b.value))).toBe(Math.min(after.total_price, 5000));
    await expect(ship.locator("[data-attune-ship-text]")).toHaveText(after.total_price >= 5000 ? /unlocked free shipping/ : /away from free shipping/);
  });

  test("add to cart from the home row records the placement, and the checked-out order stores it", async ({ page }) => {
    await asPersona(page, "returning");
    await recsSettled(page);
    const first = cards(home(page)).first();
    await first.getByRole("button", { name: /^Add to cart: / }).click();
    await expect(page.locator("[data-cart-count]")).toHaveText("1");
    const cart = await cartJs(page);
    expect(cart.items).toHaveLength(1);
    expect(cart.items[0].properties).toEqual({ _attune_placement: "home" });
    expect(cart.attributes._attune_last_placement).toBe("home");
    await page.goto(`${previewUrl()}/cart`);
    await expect(page.locator("table tbody tr")).toHaveCount(1);
    // Underscore properties are hidden from the shopper, as in Shopify's checkout.
    await expect(page.locator("table")).not.toContainText("_attune");
    await page.getByRole("button", { name: "Check out" }).click();
    const name = (await page.locator("[data-order-placed]").textContent())!.match(/Order (#\S+) was placed/)![1];
    // The preview sent the order to the app as a signed orders/create webhook; the app stored the attribution.
    const file = process.env.E2E_DATABASE_URL!.replace(/^file:/, "");
    const stored = async () => {
      const sqlite = new Database(file, { readonly: true });
      try {
        return sqlite
          .prepare(`SELECT o."lastPlacement", l."placement", l."variantId" FROM "Order" o JOIN "OrderLine" l ON l."shopId" = o."shopId" AND l."orderId" = o."id" WHERE o."name" = ?`)
          .all(name) as { lastPlacement: string; placement: string; variantId: string }[];
      } finally {
        sqlite.close();
      }
    };
    await expect.poll(stored, { timeout: 10_000 }).toEqual([{ lastPlacement: "home", placement: "home", variantId: String(cart.items[0].variant_id) }]);
  });
});

test.describe("offer dialog", () => {
  test("exit-intent offer shows once per session", async ({ page }) => {
    const offer = proxyAnswer(page, "offer");
    await asPersona(page, "new");
    expect((await offer).offer?.trigger).toBe("exit_intent");
    const dialog = page.getByRole("dialog");
    await expect(dialog).toBeHidden();
    await exitIntent(page);
    await expect(dialog).toBeVisible();
    await dialog.getByRole("button", { name: "Continue shopping" }).click();
    await expect(dialog).toBeHidden();
    await exitIntent(page);
    await page.waitForTimeout(300);
    await expect(dialog).toBeHidden();
    // Next page in the same session: the embed does not even ask again.
    let asked = false;
    page.on("request", (r) => r.url().includes("/apps/attune/offer") && (asked = true));
    await page.goto(`${previewUrl()}/`);
    await recsSettled(page);
    await exitIntent(page);
    await page.waitForTimeout(300);
    await expect(page.getByRole("dialog")).toBeHidden();
    expect(asked).toBe(false);
  });

  test("offer dialog is keyboard accessible", async ({ page }) => {
    const offer = proxyAnswer(page, "offer");
    await asPersona(page, "new");
    await offer;
    // Focus something on the page first: focus must come back to it.
    const cartLink = page.locator("[data-cart-link]");
    await cartLink.focus();
    await exitIntent(page);
    const dialog = page.getByRole("dialog", { name: "A little something for you" });
    await expect(dialog).toBeVisible();
    await expect(dialog).toHaveAttribute("aria-describedby", "attune-offer-message");
    const close = dialog.getByRole("button", { name: "Close offer" });
    await expect(close).toBeFocused();
    await page.keyboard.press("Tab");
    await expect(dialog.getByRole("button", { name: "Continue shopping" })).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();
    await expect(cartLink).toBeFocused();
  });
});

/** The blocks reserve their space: loading them must not move the page (CLS ≤ 0.1), at this width. */
function layoutShiftTests() {
  for (const [name, persona, to] of [
    ["home (Pinterest banner)", "pinterest", "/"],
    ["home (returning customer)", "returning", "/"],
    ["cart (full cart)", "full_cart", "/cart"],
  ] as const) {
    test(`no layout shift from the blocks: ${name}`, async ({ page }) => {
      await asPersona(page, persona, to);
      // Rows load as they near the viewport: bring each into view in turn, as a shopper scrolling
      // down would, so every row loads (and fills its reserved space) while it is on screen.
      const rows = page.locator("[data-attune-recs]");
      for (let i = 0; i < (await rows.count()); i++) {
        if ((await rows.nth(i).getAttribute("aria-busy")) === null) continue;
        await rows.nth(i).scrollIntoViewIfNeeded();
        await expect(rows.nth(i)).not.toHaveAttribute("aria-busy");
      }
      await recsSettled(page);
      await page.waitForLoadState("networkidle");
      const m = await cls(page);
      test.info().annotations.push({ type: "CLS", description: m.cls.toFixed(4) });
      expect(m.cls, `layout shifts: ${JSON.stringify(m.shifts)}`).toBeLessThanOrEqual(0.1);
    });
  }

  test("no layout shift from the blocks: product page", async ({ page }) => {
    const bundle = await bundleProduct(page.request);
    await asPersona(page, "returning", `/products/${bundle.handle}`);
    await page.mouse.wheel(0, 600);
    await recsSettled(page);
    await page.waitForLoadState("networkidle");
    const m = await cls(page);
    test.info().annotations.push({ type: "CLS", description: m.cls.toFixed(4) });
    expect(m.cls, `layout shifts: ${JSON.stringify(m.shifts)}`).toBeLessThanOrEqual(0.1);
  });
}

test.describe("page quality, phone width", () => {
  // A phone in portrait: the blocks switch to their one-column layout and send device=mobile.
  test.use({ viewport: { width: 390, height: 844 } });
  layoutShiftTests();
});

test.describe("page quality", () => {
  layoutShiftTests();

  test("proxy: identity comes from the persona, never from the browser", async ({ page }) => {
    await asPersona(page, "new");
    await recsSettled(page);
    const answer = await page.evaluate(async () => {
      const r = await fetch("/apps/attune/recommendations?placement=home&logged_in_customer_id=1234&shop=evil.myshopify.com&signature=forged&timestamp=1");
      return { status: r.status, cookie: r.headers.get("set-cookie"), body: await r.json() };
    });
    expect(answer.status).toBe(200);
    expect(answer.cookie).toBeNull();
    expect(answer.body.customer.loggedIn).toBe(false);
    const log = await (await page.request.get(`${previewUrl()}/preview/proxy-log.json`)).json();
    const last = log[log.length - 1];
    expect(last.params.logged_in_customer_id).toEqual([""]);
    expect(last.params.shop).toEqual(["attune-e2e.myshopify.com"]);
    expect(last.params.signature).toBeUndefined();
    expect(log.every((e: { status: number }) => e.status < 500)).toBe(true);
  });

  test("quiz answers are saved and the rows reload", async ({ page }) => {
    await asPersona(page, "new");
    await recsSettled(page);
    const quiz = page.locator('[data-attune-block="quiz"]');
    await quiz.scrollIntoViewIfNeeded();
    await quiz.getByLabel("Skincare").check();
    await quiz.getByLabel("Minimal").check();
    const saved = page.waitForResponse((r) => r.url().includes("/apps/attune/quiz"));
    const reload = page.waitForResponse((r) => r.url().includes("/apps/attune/recommendations"));
    await quiz.getByRole("button", { name: "Show my picks" }).click();
    expect((await saved).status()).toBe(200);
    await reload;
    await expect(quiz.locator("[data-attune-status]")).toHaveText(/Thanks!/);
  });
});
