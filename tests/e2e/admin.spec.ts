/**
 * The admin in real Chromium, in demo mode (a normal tab, no Shopify login; the simulator flag is on
 * as under `npm run demo`), against the seeded e2e store (seed.ts: a failed history import to retry,
 * the example merchant's rules and offers). Screenshots of the main pages go to docs/screenshots/.
 */
import path from "node:path";
import type { Page } from "@playwright/test";
import { adminApiUrl, adminTest as test, appUrl, expect, expectNoSeriousAxeViolations } from "./fixtures";
import { E2E_IMPORT_ERROR, E2E_SHOP } from "./seed";

const shot = (page: Page, name: string) => page.screenshot({ path: path.resolve("docs/screenshots", `${name}.png`), fullPage: true });
const open = async (page: Page, p: string) => {
  await page.goto(`${appUrl()}${p}`);
  await expect(page.locator(".Polaris-Page").first()).toBeVisible();
};

// One worker runs these in order: the offers test's code is used by later pages' screenshots.
test("demo mode: /app opens as the demo shop with no Shopify login, with the navigation", async ({ page }) => {
  await open(page, "/app");
  await expect(page.getByText(E2E_SHOP).first()).toBeVisible();
  const nav = page.getByRole("navigation");
  for (const label of ["Home", "Segments", "Rules", "Offers", "Settings", "Customers", "Activity", "Privacy"]) await expect(nav.getByRole("link", { name: label })).toBeVisible();
});

test("/auth/login renders Shopify's login form", async ({ page }) => {
  const res = await page.goto(`${appUrl()}/auth/login`);
  expect(res?.status()).toBe(200);
  await expect(page.getByLabel("Shop domain")).toBeVisible();
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByText("Please enter your shop domain to log in")).toBeVisible();
});

test("home: the checklist shows the failed import with its reason; retry completes it", async ({ page }) => {
  await open(page, "/app");
  await expect(page.getByText("Import failed at the customers stage")).toBeVisible();
  await expect(page.getByText(E2E_IMPORT_ERROR)).toBeVisible();
  await expect(page.getByText("Loading customers")).toHaveCount(0);
  await expect(page.getByText("Products: 48")).toBeVisible();
  await page.getByRole("button", { name: "Retry import" }).click();
  await expect(page.getByText("Import restarted")).toBeVisible();
  await expect(async () => {
    await page.reload();
    await expect(page.getByText("Store history imported")).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await expect(page.getByRole("progressbar")).toHaveAttribute("value", "100");
  // The first rule exists (the seed's), so that step is done; the theme's status is unknown outside Shopify.
  await expect(page.getByRole("link", { name: "See rules" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Turn on in theme editor" })).toHaveAttribute("href", new RegExp(`^https://${E2E_SHOP.replace(/\./g, "\\.")}/admin/themes/current/editor\\?context=apps&activateAppId=`));
  await shot(page, "home");
});

test("settings: a validation error is shown beside its field, then a valid save is audited", async ({ page }) => {
  await open(page, "/app/settings");
  const vip = page.getByLabel("VIP threshold");
  await vip.fill("-5");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("VIP threshold cannot be negative")).toBeVisible();
  await expect(vip).toHaveAttribute("aria-invalid", "true");
  // The message is the field's own description (beside it, read out with it).
  const describedBy = (await vip.getAttribute("aria-describedby")) ?? "";
  expect(await page.locator(`[id="${describedBy.split(" ").find((id) => id.endsWith("Error"))}"]`).textContent()).toContain("VIP threshold cannot be negative");
  await shot(page, "settings-error");
  await vip.fill("750");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Settings saved")).toBeVisible();
  await open(page, "/app/activity");
  await expect(page.getByRole("cell", { name: /Updated settings/ }).first()).toBeVisible();
  await expect(page.getByRole("cell", { name: "Demo" }).first()).toBeVisible();
});

test("offers: an offer is created in Shopify (its code exists in the simulator) and listed", async ({ page, request }) => {
  await open(page, "/app/offers");
  await expect(page.getByRole("cell", { name: "WELCOME10", exact: true })).toBeVisible();
  const create = page.getByRole("form", { name: "Create an offer" });
  await create.getByLabel("Title").fill("Summer: 20% off");
  await create.getByLabel("Discount code").fill("summer20");
  await create.getByLabel("Percentage off").fill("20");
  await create.getByRole("button", { name: "Create in Shopify" }).click();
  await expect(page.getByText("Offer SUMMER20 created in Shopify")).toBeVisible();
  await expect(page.getByRole("cell", { name: "SUMMER20", exact: true })).toBeVisible();
  const discounts = (await (await request.get(`${adminApiUrl()}/simulator/discounts?shop=${E2E_SHOP}`)).json()) as { code: string; context: unknown; type: string }[];
  expect(discounts.find((d) => d.code === "SUMMER20")).toMatchObject({ type: "DiscountCodeBasic", context: { all: "ALL" } });
  // Shopify's own refusal comes back beside the field: the code is taken.
  await create.getByLabel("Title").fill("Again");
  await create.getByLabel("Discount code").fill("SUMMER20");
  await create.getByRole("button", { name: "Create in Shopify" }).click();
  await expect(create.getByText("Code SUMMER20 is already one of your offers")).toBeVisible();
  await expect(create.getByLabel("Discount code")).toHaveAttribute("aria-invalid", "true");
  // The returning-visitor offer now shows the new code (a real one: the list holds only Shopify's codes).
  const returning = page.getByRole("form", { name: "Returning visitors" });
  await returning.getByLabel("Discount code").selectOption("SUMMER20");
  await returning.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Visitor offer saved")).toBeVisible();
  await shot(page, "offers");
});

test("customers: the merchant turns personalization off for a customer", async ({ page }) => {
  await open(page, "/app/customers");
  const first = page.getByRole("button", { name: /Turn off personalization for customer/ }).first();
  const label = (await first.getAttribute("aria-label")) ?? "";
  const id = /customer (\d+)/.exec(label)?.[1];
  expect(id).toBeTruthy();
  await first.click();
  await expect(page.getByText(`Personalization off for ${id}`)).toBeVisible();
  await expect(page.getByRole("button", { name: `Turn on personalization for customer ${id}` })).toBeVisible();
  await open(page, "/app/activity");
  await expect(page.getByRole("cell", { name: `Turned off personalization for customer ${id}` })).toBeVisible();
  await shot(page, "activity");
});

for (const p of ["/app", "/app/offers", "/app/settings", "/app/customers", "/app/activity", "/app/privacy"]) {
  test(`accessibility: no serious or critical axe violation on ${p}`, async ({ page }) => {
    await open(page, p);
    await expectNoSeriousAxeViolations(page);
  });
}
