/**
 * Storefront weight budget (GUIDE §3 and §5). Prints raw and gzip size of every theme-extension asset and
 * of the checkout extension bundle, and exits 1 when anything is over budget:
 *
 *   - each theme JS file ≤ 10,000 B raw (theme check's AssetSizeAppBlockJavaScript threshold)
 *   - ALL theme JS together ≤ 10 KB gzip (our storefront target; Shopify's is 10 KB per file)
 *   - each theme CSS file ≤ 100 KB gzip
 *   - Liquid (blocks + snippets) ≤ 100 KB raw in total
 *   - checkout UI extension ≤ 64 KB gzip, estimated like Shopify CLI builds it: esbuild bundle of every
 *     target module (preact + @shopify/ui-extensions/preact included), minified, NODE_ENV=production.
 *
 *   npx tsx scripts/asset-sizes.ts [--json]
 */
import fs from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const KB = 1024;
export const BUDGET = {
  themeJsRawPerFile: 10_000,
  themeJsGzipTotal: 10 * KB,
  themeCssGzipPerFile: 100 * KB,
  liquidRawTotal: 100 * KB,
  checkoutGzip: 64 * KB,
};

export interface SizeRow {
  name: string;
  kind: "js" | "css" | "liquid" | "checkout";
  raw: number;
  gzip: number;
}

const gz = (buf: Buffer | string) => gzipSync(buf, { level: 9 }).length;

export function themeSizes(extensionDir: string): SizeRow[] {
  const rows: SizeRow[] = [];
  const assets = path.join(extensionDir, "assets");
  for (const f of fs.readdirSync(assets).sort()) {
    const kind = f.endsWith(".js") ? "js" : f.endsWith(".css") ? "css" : null;
    if (!kind) continue;
    const buf = fs.readFileSync(path.join(assets, f));
    rows.push({ name: `assets/${f}`, kind, raw: buf.length, gzip: gz(buf) });
  }
  for (const d of ["blocks", "snippets"]) {
    for (const f of fs.readdirSync(path.join(extensionDir, d)).sort()) {
      const buf = fs.readFileSync(path.join(extensionDir, d, f));
      rows.push({ name: `${d}/${f}`, kind: "liquid", raw: buf.length, gzip: gz(buf) });
    }
  }
  return rows;
}

/** Targets' modules from shopify.extension.toml, bundled together (Shopify CLI ships one script per extension). */
export async function checkoutSize(extensionDir: string): Promise<SizeRow> {
  const toml = fs.readFileSync(path.join(extensionDir, "shopify.extension.toml"), "utf8");
  const modules = [...toml.matchAll(/^\s*module\s*=\s*"([^"]+)"/gm)].map((m) => m[1]);
  if (!modules.length) throw new Error("no target modules in shopify.extension.toml");
  const stdin = modules.map((m, i) => `export { default as target${i} } from ${JSON.stringify(m)};`).join("\n");
  const out = await build({
    stdin: { contents: stdin, resolveDir: extensionDir, loader: "ts" },
    bundle: true,
    minify: true,
    write: false,
    format: "esm",
    target: "es2020",
    jsx: "automatic",
    jsxImportSource: "preact",
    legalComments: "none",
    define: {
      "process.env.NODE_ENV": JSON.stringify("production"),
      "process.env.ATTUNE_APP_URL": JSON.stringify(process.env.ATTUNE_APP_URL ?? "https://attune.example.com"),
    },
    logLevel: "silent",
  });
  const code = Buffer.from(out.outputFiles[0].contents);
  return { name: `${path.basename(extensionDir)} (${modules.length} targets, esbuild --minify)`, kind: "checkout", raw: code.length, gzip: gz(code) };
}

export function overBudget(rows: SizeRow[]): string[] {
  const problems: string[] = [];
  const js = rows.filter((r) => r.kind === "js");
  for (const r of js) if (r.raw > BUDGET.themeJsRawPerFile) problems.push(`${r.name}: ${r.raw} B raw > ${BUDGET.themeJsRawPerFile} B`);
  const jsGzip = js.reduce((a, r) => a + r.gzip, 0);
  if (jsGzip > BUDGET.themeJsGzipTotal) problems.push(`theme JS total ${jsGzip} B gzip > ${BUDGET.themeJsGzipTotal} B`);
  for (const r of rows.filter((r) => r.kind === "css"))
    if (r.gzip > BUDGET.themeCssGzipPerFile) problems.push(`${r.name}: ${r.gzip} B gzip > ${BUDGET.themeCssGzipPerFile} B`);
  const liquid = rows.filter((r) => r.kind === "liquid").reduce((a, r) => a + r.raw, 0);
  if (liquid > BUDGET.liquidRawTotal) problems.push(`Liquid total ${liquid} B > ${BUDGET.liquidRawTotal} B`);
  for (const r of rows.filter((r) => r.kind === "checkout"))
    if (r.gzip > BUDGET.checkoutGzip) problems.push(`${r.name}: ${r.gzip} B gzip > ${BUDGET.checkoutGzip} B`);
  return problems;
}

async function main() {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const root = path.resolve(here, "..");
  const rows = [
    ...themeSizes(path.join(root, "extensions/attune-theme")),
    await checkoutSize(path.join(root, "extensions/attune-checkout")),
  ];
  const problems = overBudget(rows);
  const sum = (k: SizeRow["kind"], f: "raw" | "gzip") => rows.filter((r) => r.kind === k).reduce((a, r) => a + r[f], 0);
  const totals = {
    themeJsRaw: sum("js", "raw"),
    themeJsGzip: sum("js", "gzip"),
    liquidRaw: sum("liquid", "raw"),
    checkoutGzip: sum("checkout", "gzip"),
  };
  if (process.argv.includes("--json")) {
    console.log(JSON.stringify({ rows, totals, budget: BUDGET, problems }, null, 2));
  } else {
    const pad = (s: string | number, n: number) => String(s).padStart(n);
    console.log(`${"file".padEnd(58)}${pad("raw B", 9)}${pad("gzip B", 9)}`);
    for (const r of rows) if (r.kind !== "liquid") console.log(`${r.name.padEnd(58)}${pad(r.raw, 9)}${pad(r.gzip, 9)}`);
    console.log(`${"theme JS total".padEnd(58)}${pad(totals.themeJsRaw, 9)}${pad(totals.themeJsGzip, 9)}   budget ${BUDGET.themeJsGzipTotal} B gzip`);
    console.log(`${`Liquid total (${rows.filter((r) => r.kind === "liquid").length} files)`.padEnd(58)}${pad(totals.liquidRaw, 9)}${pad("", 9)}   budget ${BUDGET.liquidRawTotal} B`);
    console.log(`${"checkout bundle".padEnd(58)}${pad("", 9)}${pad(totals.checkoutGzip, 9)}   budget ${BUDGET.checkoutGzip} B gzip`);
    console.log(problems.length ? `OVER BUDGET:\n  ${problems.join("\n  ")}` : "all within budget");
  }
  if (problems.length) process.exit(1);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(e);
    process.exit(2);
  });
}
