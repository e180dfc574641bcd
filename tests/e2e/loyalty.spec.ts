/**
 * Loyalty on the storefront (issue #13): a signed-in member sees points and tier in the theme's
 * loyalty block, redeems a reward with one click, and the code applies in the preview cart. The
 * program and the member's balance are written through the ledger's own model functions (as the admin
 * does); the reward's codes come from the app's background pool, filled through the Admin API
 * stand-in's asynchronous bulk add, and the cart looks the code up there as Shopify would.
 */
import Database from "better-sqlite3";
import { EXAMPLE_PROGRAM } from "../../app/engine/loyalty/program";
import { createDb } from "../../app/db.server";
import { adjustPoints, saveProgram } from "../../app/models/loyalty.server";
import { asPersona, expect, previewUrl, test } from "./fixtures";
import { E2E_SHOP } from "./seed";

const REWARD = EXAMPLE_PROGRAM.rewards.find((r) => r.kind === "amount" && !r.minOrderCents)!;

function availableCodes(rewardId: string): number {
  const file = process.env.E2E_DATABASE_URL!.replace(/^file:/, "");
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare(`SELECT COUNT(*) AS n FROM "RewardCode" WHERE "shopId" = ? AND "rewardId" = ? AND "status" = 'available'`).get(E2E_SHOP, rewardId) as { n: number };
    return Number(row.n);
  } finally {
    db.close();
  }
}

test.describe("loyalty block", () => {
  test.setTimeout(150_000);

  test("a member sees points and tier, redeems a reward, and the code applies in the cart", async ({ page, request }) => {
    const personas = (await (await request.get(`${previewUrl()}/preview/personas.json`)).json()) as { id: string; customerId: string | null }[];
    const vip = personas.find((p) => p.id === "vip" && p.customerId)!;
    expect(vip, "the preview has a signed-in VIP persona").toBeTruthy();

    const db = createDb(process.env.E2E_DATABASE_URL!);
    try {
      const saved = await saveProgram(db, E2E_SHOP, "e2e", { ...EXAMPLE_PROGRAM, enabled: true });
      expect(saved.ok).toBe(true);
      const adjusted = await adjustPoints(db, E2E_SHOP, "e2e", vip.customerId!, REWARD.cost * 3, "e2e: opening balance");
      expect(adjusted.ok).toBe(true);
    } finally {
      await db.$disconnect();
    }
    // The pool fills in the background (discount created, codes bulk-added, the job polled to done).
    await expect.poll(() => availableCodes(REWARD.id), { timeout: 90_000, intervals: [1000] }).toBeGreaterThan(0);

    // Something in the cart first (an available variant of a product page), as the persona.
    await asPersona(page, "vip", "/");
    const home = await page.content();
    const handle = /href="\/products\/([^"?]+)"/.exec(home)![1];
    await page.goto(`${previewUrl()}/products/${handle}`);
    const variantId = await page.locator("select#variant option:not([disabled])").first().getAttribute("value");
    expect((await page.request.post(`${previewUrl()}/cart/add.js`, { data: { id: variantId, quantity: 1 } })).status()).toBe(200);

    await page.goto(`${previewUrl()}/pages/rewards`);
    const block = page.locator("[data-attune-loyalty]");
    const points = block.locator("[data-l-points]");
    await expect(points).toHaveText(/\d/);
    const before = Number((await points.textContent())!.replace(/\D/g, ""));
    expect(before).toBeGreaterThanOrEqual(REWARD.cost * 3);
    await expect(block.locator("[data-l-tier]")).not.toHaveText("");
    await expect(block.locator("[data-l-tier]")).not.toHaveText("—");

    const redeem = block.getByRole("button", { name: new RegExp(`Redeem ${REWARD.title.replace("$", "\\$")}`) });
    await expect(redeem).toBeEnabled();
    const answer = page.waitForResponse((r) => new URL(r.url()).pathname === "/apps/attune/loyalty/redeem");
    await redeem.click();
    const res = await answer;
    expect(res.status()).toBe(200);
    const { code, points: after } = (await res.json()) as { code: string; points: number };
    expect(code).toMatch(/\S{6,}/);
    expect(after).toBe(before - REWARD.cost);
    await expect(block.locator("[data-l-status]")).toContainText(code);
    await expect(points).toHaveText(new RegExp(String(after).replace(/\B(?=(\d{3})+(?!\d))/g, "[,. ]?")));

    // Shopify's shareable discount link, from the block's "Apply to cart".
    await block.getByRole("link", { name: `Apply code ${code} to your cart` }).click();
    await expect(page).toHaveURL(/\/cart$/);
    await expect(page.locator("[data-cart-discount]")).toContainText(code);
    await expect(page.locator("[data-cart-discount]")).toContainText(`-$${(REWARD.value / 100).toFixed(2)}`);
  });
});
