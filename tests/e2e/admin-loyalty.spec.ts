/**
 * The loyalty admin in real Chromium, in demo mode, against the seeded e2e store: the program's
 * settings with the preview of a change before it applies, a validation error beside its field, a
 * manual adjustment with its reason in the customer's history, the opening-balance import (dry run,
 * then apply twice: imported once) and the ledger export. axe on every loyalty page. Screenshots go
 * to docs/screenshots/.
 */
import path from "node:path";
import type { Page } from "@playwright/test";
import { adminTest as test, appUrl, expect, expectNoSeriousAxeViolations } from "./fixtures";
import { e2eStore } from "./seed";

const shot = (page: Page, name: string) => page.screenshot({ path: path.resolve("docs/screenshots", `${name}.png`), fullPage: true });
const open = async (page: Page, p: string) => {
  await page.goto(`${appUrl()}${p}`);
  await expect(page.locator(".Polaris-Page").first()).toBeVisible();
};

// Each test walks several pages and saves on a shared, loaded machine: more than the default 30 s.
test.describe.configure({ timeout: 120_000 });

// Customers of the e2e store (deterministic); the last ones are the import's, the first the adjustment's.
const customers = e2eStore().customers.map((c) => c.id);
const ADJUSTED = customers[0];
const IMPORTED = customers.slice(-3);

test("program: a bad value is refused beside its field; a valid change shows its effect first, then saves as a new version", async ({ page }) => {
  await open(page, "/app/loyalty");
  const nav = page.getByRole("navigation");
  await expect(nav.getByRole("link", { name: "Loyalty" })).toBeVisible();
  const rate = page.getByLabel("Points per currency unit");
  await rate.fill("-3");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(rate).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByRole("region", { name: "Effect of this change" })).toHaveCount(0);

  await rate.fill("2");
  const on = page.getByLabel("Program is on");
  if (!(await on.isChecked())) await on.check();
  await page.getByRole("button", { name: "Save" }).click();
  const effect = page.getByRole("region", { name: "Effect of this change" });
  await expect(effect).toBeVisible();
  await expect(effect.getByText(/member|No member changes tier/).first()).toBeVisible();
  await expect(effect.getByRole("columnheader", { name: "After this change" })).toBeVisible();
  await shot(page, "loyalty-preview");
  const apply = effect.getByRole("button", { name: /^Apply as version \d+$/ });
  const version = Number(/\d+/.exec((await apply.textContent()) ?? "")?.[0]);
  await apply.click();
  await expect(page.getByText(`Loyalty program saved (version ${version})`)).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("Points per currency unit")).toHaveValue("2");
  await expect(page.getByText(new RegExp(`Program version ${version}, saved`))).toBeVisible();
  await shot(page, "loyalty");

  await open(page, "/app/activity");
  await expect(page.getByRole("cell", { name: new RegExp(`the loyalty program \\(version ${version}\\)`) }).first()).toBeVisible();
});

test("member: an adjustment needs a reason, then shows in the history with who made it", async ({ page }) => {
  await open(page, "/app/loyalty/members");
  await page.getByLabel("Look up a customer").fill(ADJUSTED);
  await page.getByRole("button", { name: "Open" }).click();
  await expect(page).toHaveURL(new RegExp(`/app/loyalty/members/${ADJUSTED}$`));
  const form = page.getByRole("form", { name: "Adjust points" });
  await form.getByLabel("Points").fill("125");
  await form.getByRole("button", { name: "Record adjustment" }).click();
  await expect(form.getByLabel("Reason")).toHaveAttribute("aria-invalid", "true");
  await expect(form.getByText(/A reason is required/)).toBeVisible();
  await form.getByLabel("Reason").fill("Goodwill: late delivery");
  await form.getByRole("button", { name: "Record adjustment" }).click();
  await expect(page.getByText(/Added 125 points: balance \d+/)).toBeVisible();
  const row = page.getByRole("row", { name: /Adjusted by staff/ }).first();
  await expect(row).toContainText("+125");
  await expect(row).toContainText("Goodwill: late delivery");
  await expect(row).toContainText("demo");
  await shot(page, "loyalty-member");

  await open(page, "/app/loyalty/members");
  await expect(page.getByRole("link", { name: ADJUSTED, exact: true })).toBeVisible();
  await shot(page, "loyalty-members");
});

test("import: the dry run reports by line and writes nothing; applying twice imports once; the export holds the entries", async ({ page }) => {
  const csv = ["customer_id,points", `${IMPORTED[0]},300`, `${IMPORTED[1]},"1,200"`, "not-an-id,5", `${IMPORTED[2]},-4`, `${IMPORTED[0]},10`].join("\n");
  await open(page, "/app/loyalty/import");
  await page.getByLabel(/CSV file/).setInputFiles({ name: "balances.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByRole("button", { name: "Check file (dry run)" }).click();
  await expect(page.getByText("Dry run: nothing was written")).toBeVisible();
  await expect(page.getByText("2 opening balances would be imported")).toBeVisible();
  await expect(page.getByRole("row", { name: /^4 .*not a Shopify customer id/ })).toBeVisible();
  await expect(page.getByRole("row", { name: /^5 .*whole number/ })).toBeVisible();
  await expect(page.getByRole("row", { name: /^6 .*already on line 2/ })).toBeVisible();
  await shot(page, "loyalty-import");

  await page.getByRole("button", { name: "Import balances" }).click();
  await expect(page.getByText("Import done")).toBeVisible();
  await expect(page.getByText("2 opening balances imported")).toBeVisible();
  await page.getByRole("button", { name: "Import balances" }).click();
  await expect(page.getByText("0 opening balances imported")).toBeVisible();
  await expect(page.getByText("2 customers already imported before (left as they are)")).toBeVisible();

  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export ledger (CSV)" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^loyalty-ledger-.+\.csv$/);
  const text = await (await import("node:fs/promises")).readFile((await file.path())!, "utf8");
  const lines = text.replace(/^\ufeff/, "").trim().split("\r\n");
  expect(lines[0]).toBe("entry_id,created_at,customer_id,kind,points,pending,owed,order_id,reason,actor,key");
  expect(lines.filter((l) => l.includes(`"${IMPORTED[0]}","import",300,`))).toHaveLength(1);
  expect(lines.filter((l) => l.includes(`"${IMPORTED[1]}","import",1200,`))).toHaveLength(1);
  expect(lines.some((l) => l.includes(`"${ADJUSTED}","adjust",125,`) && l.includes('"Goodwill: late delivery","demo"'))).toBe(true);
});

for (const p of ["/app/loyalty", "/app/loyalty/members", `/app/loyalty/members/${ADJUSTED}`, "/app/loyalty/import"]) {
  test(`accessibility: no serious or critical axe violation on ${p}`, async ({ page }) => {
    await open(page, p);
    await expectNoSeriousAxeViolations(page);
  });
}
