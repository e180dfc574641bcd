/**
 * Shared Playwright fixtures for the storefront e2e tests: the preview's URL, an offline browser
 * (Shopify CDN images answered locally, every other outside request refused), a screenshot of the
 * final state at test-results/<test>.png, and small helpers for personas, proxy answers and CLS.
 */
import fs from "node:fs";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { test as base, expect, type Page, type Response } from "@playwright/test";

export { expect };

const PLACEHOLDER = `<svg xmlns="http://www.w3.org/2000/svg" width="360" height="360"><rect width="360" height="360" fill="#dde3ea"/></svg>`;

export const previewUrl = () => {
  const u = process.env.E2E_PREVIEW_URL;
  if (!u) throw new Error("E2E_PREVIEW_URL is not set: run through playwright.config.ts (global setup)");
  return u.replace(/\/$/, "");
};

export const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 80);

export const test = base.extend<{ preview: string }>({
  preview: async ({}, use) => use(previewUrl()),
  page: async ({ page }, use, testInfo) => {
    const origin = new URL(previewUrl()).origin;
    await page.route("**/*", (route) => {
      const u = route.request().url();
      if (u.startsWith(origin)) return route.continue();
      if (u.startsWith("https://cdn.shopify.com/")) return route.fulfill({ status: 200, contentType: "image/svg+xml", body: PLACEHOLDER });
      return route.abort("blockedbyclient");
    });
    // Layout shifts, counted from the first paint (buffered), as the CLS metric does (no session windows: stricter).
    await page.addInitScript(() => {
      const w = window as unknown as { __cls: number; __shifts: { value: number; sources: string[] }[] };
      w.__cls = 0;
      w.__shifts = [];
      try {
        new PerformanceObserver((list) => {
          for (const e of list.getEntries() as unknown as { value: number; hadRecentInput: boolean; sources?: { node?: Element }[] }[]) {
            if (e.hadRecentInput) continue;
            w.__cls += e.value;
            w.__shifts.push({ value: e.value, sources: (e.sources ?? []).map((s) => (s.node && s.node.nodeType === 1 ? (s.node as Element).className || s.node.nodeName : String(s.node?.nodeName))) });
          }
        }).observe({ type: "layout-shift", buffered: true });
      } catch {
        /* not supported */
      }
    });
    await use(page);
    const dir = path.resolve("test-results");
    fs.mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: path.join(dir, `${slug(testInfo.title)}.png`), fullPage: true }).catch(() => undefined);
  },
});

/** Switches the preview session to a persona (resets its cart and the browser's attune_* storage) and lands on `to`. */
export async function asPersona(page: Page, persona: string, to = "/") {
  await page.goto(`${previewUrl()}${to}?persona=${persona}`);
}

/** Resolves with the JSON of the next proxied answer whose URL matches. */
export function proxyAnswer(page: Page, endpoint: string, match: (u: URL) => boolean = () => true): Promise<any> {
  return page
    .waitForResponse((r: Response) => {
      const u = new URL(r.url());
      return u.pathname === `/apps/attune/${endpoint}` && match(u);
    })
    .then(async (r) => {
      expect(r.status(), `${endpoint} answered ${r.status()}: ${await r.text()}`).toBe(200);
      return r.json();
    });
}

/** Every [data-attune-recs] container that is in the page has finished loading (aria-busy removed). */
export async function recsSettled(page: Page) {
  await expect(page.locator("[data-attune-recs][aria-busy]")).toHaveCount(0);
}

export async function cls(page: Page): Promise<{ cls: number; shifts: { value: number; sources: string[] }[] }> {
  await page.waitForTimeout(300);
  return page.evaluate(() => {
    const w = window as unknown as { __cls: number; __shifts: { value: number; sources: string[] }[] };
    return { cls: w.__cls, shifts: w.__shifts };
  });
}

/** The pointer leaves the page through the top edge (what the embed reads as exit intent). */
export async function exitIntent(page: Page) {
  await page.mouse.move(640, 200);
  await page.mouse.move(640, 2, { steps: 4 });
  // A real pointer leaving the window: mouseout with no relatedTarget, clientY at or above 0.
  await page.evaluate(() => document.documentElement.dispatchEvent(new MouseEvent("mouseout", { bubbles: true, cancelable: true, clientX: 640, clientY: -1, relatedTarget: null })));
}

export async function cartJs(page: Page): Promise<any> {
  const r = await page.request.get(`${previewUrl()}/cart.js`);
  expect(r.ok()).toBe(true);
  return r.json();
}

/* ---------------------------------------------------------------- the admin, in demo mode */

export const appUrl = () => {
  const u = process.env.E2E_APP_URL;
  if (!u) throw new Error("E2E_APP_URL is not set: run through playwright.config.ts (global setup)");
  return u.replace(/\/$/, "");
};
export const adminApiUrl = () => process.env.E2E_ADMIN_API_URL ?? "";

/** The admin pages (the app's own origin, demo mode): every outside request refused (offline). */
export const adminTest = base.extend({
  page: async ({ page }, use) => {
    const origin = new URL(appUrl()).origin;
    await page.route("**/*", (route) => (route.request().url().startsWith(origin) ? route.continue() : route.abort("blockedbyclient")));
    await use(page);
  },
});

/** axe on the page once its requests have settled: no serious or critical violation (each listed with where). */
export async function expectNoSeriousAxeViolations(page: Page) {
  await page.waitForLoadState("networkidle");
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`)).toEqual([]);
}
