/**
 * The project's import graph, read with TypeScript's own parser: static imports, `export … from`,
 * dynamic `import("…")` and `require("…")`, with the `~/` alias resolved to `app/`. Used by
 * tests/architecture.test.ts to hold the layers apart and to find import circles.
 *
 * Edges keep whether they are type-only (`import type`, or every named binding marked `type`), for
 * messages. The checks count them like any other import: a type import is erased at build time,
 * but it still ties one module's design to another's, which is what layers and circles are about.
 */
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";

export interface ImportEdge {
  /** Importing file, relative to the root, with forward slashes. */
  from: string;
  /** The specifier as written. */
  specifier: string;
  /** The project file it resolves to (relative), or null for a package, a builtin or an unresolved path. */
  to: string | null;
  /** Erased at build time: `import type`, `export type … from`, or only `type` bindings. */
  typeOnly: boolean;
  kind: "import" | "export" | "dynamic" | "require";
  line: number;
}

export interface ImportGraph {
  root: string;
  files: string[];
  edges: ImportEdge[];
  /** Outgoing edges per file. */
  out: Map<string, ImportEdge[]>;
}

const SOURCE = /\.(ts|tsx|mts|mjs|js|jsx)$/;
const TRY_EXTENSIONS = [".ts", ".tsx", ".mts", ".mjs", ".js", ".jsx"];

function walk(dir: string, out: string[]) {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else if (SOURCE.test(entry.name) && !entry.name.endsWith(".d.ts")) out.push(full);
  }
}

const rel = (root: string, file: string) => path.relative(root, file).split(path.sep).join("/");

function resolveFile(root: string, base: string): string | null {
  const candidates = [base, ...TRY_EXTENSIONS.map((e) => base + e), ...TRY_EXTENSIONS.map((e) => path.join(base, "index" + e))];
  // TypeScript's ESM style: "./x.js" names the file x.ts.
  if (/\.(m?js|jsx)$/.test(base)) candidates.push(...[".ts", ".tsx", ".mts"].map((e) => base.replace(/\.(m?js|jsx)$/, e)));
  for (const c of candidates) if (fs.existsSync(c) && fs.statSync(c).isFile()) return rel(root, c);
  return null;
}

/** The project file a specifier names, or null when it names a package or builtin. */
export function resolveSpecifier(root: string, fromFile: string, specifier: string): string | null {
  if (specifier.startsWith("~/")) return resolveFile(root, path.join(root, "app", specifier.slice(2)));
  if (specifier.startsWith("./") || specifier.startsWith("../") || specifier === "." || specifier === "..") {
    return resolveFile(root, path.resolve(path.dirname(path.join(root, fromFile)), specifier));
  }
  return null;
}

function importIsTypeOnly(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause;
  if (!clause) return false; // side-effect import
  if (clause.isTypeOnly) return true;
  if (clause.name) return false;
  const bindings = clause.namedBindings;
  if (!bindings || !ts.isNamedImports(bindings)) return false;
  return bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
}

function exportIsTypeOnly(node: ts.ExportDeclaration): boolean {
  if (node.isTypeOnly) return true;
  const clause = node.exportClause;
  return !!clause && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly);
}

/** Every import of one source text. */
export function importsOf(fileName: string, text: string): Omit<ImportEdge, "from" | "to">[] {
  const kind = fileName.endsWith(".tsx") || fileName.endsWith(".jsx") ? ts.ScriptKind.TSX : fileName.endsWith(".ts") || fileName.endsWith(".mts") ? ts.ScriptKind.TS : ts.ScriptKind.JS;
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, kind);
  const out: Omit<ImportEdge, "from" | "to">[] = [];
  const lineOf = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      out.push({ specifier: node.moduleSpecifier.text, typeOnly: importIsTypeOnly(node), kind: "import", line: lineOf(node) });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      out.push({ specifier: node.moduleSpecifier.text, typeOnly: exportIsTypeOnly(node), kind: "export", line: lineOf(node) });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      out.push({ specifier: node.moduleReference.expression.text, typeOnly: node.isTypeOnly, kind: "require", line: lineOf(node) });
    } else if (ts.isCallExpression(node) && node.arguments.length >= 1 && ts.isStringLiteralLike(node.arguments[0])) {
      const specifier = node.arguments[0].text;
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword) out.push({ specifier, typeOnly: false, kind: "dynamic", line: lineOf(node) });
      else if (ts.isIdentifier(node.expression) && node.expression.text === "require") out.push({ specifier, typeOnly: false, kind: "require", line: lineOf(node) });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      // `typeof import("…")` in a type position.
      out.push({ specifier: node.argument.literal.text, typeOnly: true, kind: "import", line: lineOf(node) });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** Reads every source file under `dirs` plus the listed root files (all relative to root). */
export function buildImportGraph(root: string, opts: { dirs: string[]; files?: string[] }): ImportGraph {
  const absolute: string[] = [];
  for (const d of opts.dirs) walk(path.join(root, d), absolute);
  for (const f of opts.files ?? []) if (fs.existsSync(path.join(root, f))) absolute.push(path.join(root, f));
  const files = [...new Set(absolute.map((f) => rel(root, f)))].sort();
  const edges: ImportEdge[] = [];
  const out = new Map<string, ImportEdge[]>();
  for (const file of files) {
    const list: ImportEdge[] = [];
    for (const i of importsOf(file, fs.readFileSync(path.join(root, file), "utf8"))) {
      list.push({ ...i, from: file, to: resolveSpecifier(root, file, i.specifier) });
    }
    out.set(file, list);
    edges.push(...list);
  }
  return { root, files, edges, out };
}

/**
 * Import circles: the strongly connected components of the graph (every kind of import, type-only
 * ones included) with more than one file, or a file that imports itself. Each component is sorted,
 * and so is the list.
 */
export function importCircles(graph: ImportGraph): string[][] {
  const next = new Map<string, string[]>();
  for (const f of graph.files) next.set(f, []);
  for (const e of graph.edges) if (e.to && next.has(e.to)) next.get(e.from)!.push(e.to);

  // Tarjan's algorithm, iterative (deep graphs would overflow a recursive one).
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const circles: string[][] = [];
  for (const start of graph.files) {
    if (indices.has(start)) continue;
    const work: { node: string; i: number }[] = [{ node: start, i: 0 }];
    indices.set(start, index);
    low.set(start, index++);
    stack.push(start);
    onStack.add(start);
    while (work.length) {
      const frame = work[work.length - 1];
      const targets = next.get(frame.node)!;
      if (frame.i < targets.length) {
        const to = targets[frame.i++];
        if (!indices.has(to)) {
          indices.set(to, index);
          low.set(to, index++);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, i: 0 });
        } else if (onStack.has(to)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, indices.get(to)!));
        }
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.node)!));
      }
      if (low.get(frame.node) === indices.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        const selfLoop = component.length === 1 && next.get(component[0])!.includes(component[0]);
        if (component.length > 1 || selfLoop) circles.push(component.sort());
      }
    }
  }
  return circles.sort((a, b) => a.join("\n").localeCompare(b.join("\n")));
}

/** A shortest import path from one file to another, for messages. */
export function importPath(graph: ImportGraph, from: string, to: string): string[] | null {
  const prev = new Map<string, string>([[from, from]]);
  const queue = [from];
  while (queue.length) {
    const f = queue.shift()!;
    if (f === to) {
      const chain = [to];
      while (chain[0] !== from) chain.unshift(prev.get(chain[0])!);
      return chain;
    }
    for (const e of graph.out.get(f) ?? []) if (e.to && !prev.has(e.to)) (prev.set(e.to, f), queue.push(e.to));
  }
  return null;
}
