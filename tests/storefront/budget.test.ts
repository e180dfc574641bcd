// CI gates for the storefront extensions: theme check has zero errors; every asset is within budget.
import path from "node:path";
import { describe, expect, test } from "vitest";
import { formatOffense, runThemeCheck } from "../../scripts/theme-check";
import { checkoutSize, overBudget, themeSizes } from "../../scripts/asset-sizes";

const ROOT = path.resolve(__dirname, "../..");
const THEME = path.join(ROOT, "extensions/attune-theme");

describe("storefront budgets", () => {
  test("theme check reports zero errors for the theme app extension", async () => {
    const offenses = await runThemeCheck(THEME);
    const errors = offenses.filter((o) => o.severity === 0).map((o) => formatOffense(o, THEME));
    expect(errors).toEqual([]);
  });

  test("theme JS ≤ 10 KB gzip in total, ≤ 10,000 B raw per file; CSS and Liquid within limits; checkout ≤ 64 KB gzip", async () => {
    const rows = [...themeSizes(THEME), await checkoutSize(path.join(ROOT, "extensions/attune-checkout"))];
    expect(rows.filter((r) => r.kind === "js").map((r) => r.name)).toEqual(["assets/attune-embed.js", "assets/attune-loyalty.js", "assets/attune.js"]);
    expect(overBudget(rows)).toEqual([]);
  });

  test("the budget check catches an oversized file", () => {
    expect(overBudget([{ name: "assets/big.js", kind: "js", raw: 12_000, gzip: 11_000 }])).toHaveLength(2);
  });
});
