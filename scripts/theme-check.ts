/**
 * Theme check for the Attune theme app extension (GUIDE §4): runs @shopify/theme-check-node with the
 * extension's own config target (theme-app-extension checks: schema rules, asset sizes, parser-blocking
 * scripts, translations...). Prints every offense; exits 1 when any has severity 0 (error).
 *
 *   npx tsx scripts/theme-check.ts [extensionDir]   (default extensions/attune-theme)
 *   --strict  also fail on warnings
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { themeCheckRun, type Offense } from "@shopify/theme-check-node";

const SEVERITY = ["error", "warning", "info"] as const;

export async function runThemeCheck(root: string, log: (m: string) => void = () => {}) {
  const { offenses } = await themeCheckRun(root, undefined, log);
  return offenses;
}

export function formatOffense(o: Offense, root: string): string {
  const file = o.uri.startsWith("file://") ? path.relative(root, fileURLToPath(o.uri)) : o.uri;
  return `${SEVERITY[o.severity] ?? o.severity} ${file}:${o.start.line}:${o.start.character + 1} ${o.check}: ${o.message}`;
}

async function main() {
  const args = process.argv.slice(2);
  const strict = args.includes("--strict");
  const here = path.dirname(fileURLToPath(import.meta.url));
  const root = path.resolve(args.find((a) => !a.startsWith("--")) ?? path.join(here, "..", "extensions", "attune-theme"));
  const offenses = await runThemeCheck(root, (m) => process.env.DEBUG && console.error(m));
  offenses.sort((a, b) => a.severity - b.severity || a.uri.localeCompare(b.uri) || a.start.index - b.start.index);
  for (const o of offenses) console.log(formatOffense(o, root));
  const count = (s: number) => offenses.filter((o) => o.severity === s).length;
  const errors = count(0);
  const warnings = count(1);
  console.log(`theme check ${path.relative(process.cwd(), root) || root}: ${errors} errors, ${warnings} warnings, ${count(2)} info`);
  if (errors > 0 || (strict && warnings > 0)) process.exit(1);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(e);
    process.exit(2);
  });
}
