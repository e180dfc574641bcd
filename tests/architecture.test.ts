/**
 * The layers of docs/architecture.md and GUIDE §1, checked on every import of the project:
 *
 * - the engine (app/engine/) is pure: no models, services, routes, database, Remix or Shopify;
 * - models never import services or routes (data access does not call back up);
 * - the app's Shopify configuration (shopify.server.ts, app/shopify/) never imports a service,
 *   so a route that only authenticates does not load the backfill and everything behind it;
 * - production code (app/ and the server's .mjs files) never reaches scripts/, bench/ or tests/,
 *   and scripts never borrow a test helper;
 * - services and routes reach the database through models only;
 * - no import circles.
 *
 * The import graph (tests/helpers/import-graph.ts) includes static, dynamic and type-only imports
 * and `export … from`, with `~/` resolved to app/.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { type ImportEdge, type ImportGraph, buildImportGraph, importCircles, importPath } from "./helpers/import-graph";
import { ROOT } from "./helpers/server";

const GRAPH_DIRS = ["app", "scripts", "bench", "tests"];
/** Root files that run in production next to the build. */
const SERVER_FILES = ["server.mjs", "server-startup.mjs", "server/request-guard.mjs", "engine-thread.mjs", "worker-thread.mjs"];
const ROOT_FILES = [...SERVER_FILES, "vitest.config.ts", "playwright.config.ts", "prisma.config.ts", "remix.config.js"];

const isTestFile = (f: string) => f.startsWith("tests/") || /\.(test|spec)\.[cm]?[jt]sx?$/.test(f) || /\.test-helpers\.[jt]sx?$/.test(f);
/** Code that ships: everything under app/ but tests, and the server's own files. */
const isProduction = (f: string) => !isTestFile(f) && (f.startsWith("app/") || SERVER_FILES.includes(f));

const under = (dir: string) => (f: string | null) => !!f && f.startsWith(dir + "/");
const packageOf = (specifier: string) => {
  const bare = specifier.replace(/^node:/, "");
  return bare.startsWith("@") ? bare.split("/").slice(0, 2).join("/") : bare.split("/")[0];
};

interface Rule {
  name: string;
  /** Files the rule constrains. */
  applies: (file: string) => boolean;
  /** Why an edge breaks it, or null. */
  forbids: (edge: ImportEdge) => string | null;
}

const ENGINE_FORBIDDEN_FILES: [string, (f: string | null) => boolean][] = [
  ["models", under("app/models")],
  ["services", under("app/services")],
  ["routes", under("app/routes")],
  ["Shopify", (f) => under("app/shopify")(f) || f === "app/shopify.server.ts"],
  ["the database", (f) => f === "app/db.server.ts"],
  ["ingest", under("app/ingest")],
  ["server-only utilities", (f) => !!f && f.endsWith(".server.ts")],
  ["the Remix app", (f) => f === "app/entry.server.tsx" || f === "app/root.tsx"],
];
const ENGINE_FORBIDDEN_PACKAGES: [string, RegExp][] = [
  ["Prisma", /^(@prisma\/|prisma$|\.prisma\/)/],
  ["Remix", /^@remix-run\//],
  ["Shopify", /^@shopify\//],
  ["a database driver", /^(better-sqlite3|pg)$/],
  ["the network", /^(http|https|http2|net|tls|dgram|dns|graphql-request)$/],
];

const RULES: Rule[] = [
  {
    name: "the engine is pure",
    applies: (f) => f.startsWith("app/engine/") && !isTestFile(f),
    forbids: (e) => {
      if (e.to) {
        const hit = ENGINE_FORBIDDEN_FILES.find(([, match]) => match(e.to));
        return hit ? `the engine imports ${hit[0]} (${e.to})` : null;
      }
      const pkg = packageOf(e.specifier);
      const hit = ENGINE_FORBIDDEN_PACKAGES.find(([, re]) => re.test(e.specifier) || re.test(pkg));
      return hit ? `the engine imports ${hit[0]} (${e.specifier})` : null;
    },
  },
  {
    name: "models never import services or routes",
    applies: (f) => f.startsWith("app/models/") && !isTestFile(f),
    forbids: (e) =>
      under("app/services")(e.to) || under("app/routes")(e.to) || e.to === "app/shopify.server.ts" || e.to === "app/entry.server.tsx"
        ? `a model imports ${e.to}`
        : null,
  },
  {
    name: "the Shopify configuration imports no service or route",
    applies: (f) => (f === "app/shopify.server.ts" || f.startsWith("app/shopify/")) && !isTestFile(f),
    forbids: (e) => (under("app/services")(e.to) || under("app/routes")(e.to) ? `${e.to} would load with every route that authenticates` : null),
  },
  {
    name: "production code never reaches scripts, bench or tests",
    applies: isProduction,
    // The first import that leaves production code is the one to fix, so checking direct imports
    // covers every path.
    forbids: (e) =>
      e.to && (under("scripts")(e.to) || under("bench")(e.to) || isTestFile(e.to)) ? `production code imports ${e.to}` : null,
  },
  {
    name: "scripts never import tests",
    applies: (f) => f.startsWith("scripts/") && !isTestFile(f),
    forbids: (e) => (e.to && isTestFile(e.to) ? `a script imports the test file ${e.to}` : null),
  },
];

function violations(graph: ImportGraph, rules = RULES): string[] {
  const out: string[] = [];
  for (const rule of rules) {
    for (const file of graph.files) {
      if (!rule.applies(file)) continue;
      for (const edge of graph.out.get(file) ?? []) {
        const why = rule.forbids(edge);
        if (why) out.push(`${rule.name}: ${file}:${edge.line} imports "${edge.specifier}": ${why}`);
      }
    }
  }
  return out;
}

/** Prisma model delegates (`db.order`, `tx.backfillJob`), from the schema. */
function prismaDelegates(): Set<string> {
  const schema = fs.readFileSync(path.join(ROOT, "prisma", "schema.prisma"), "utf8");
  return new Set([...schema.matchAll(/^model\s+(\w+)\s*\{/gm)].map((m) => m[1][0].toLowerCase() + m[1].slice(1)));
}
const PRISMA_OPERATIONS = new Set(
  "findUnique findUniqueOrThrow findFirst findFirstOrThrow findMany create createMany createManyAndReturn update updateMany updateManyAndReturn upsert delete deleteMany count aggregate groupBy".split(" "),
);
const PRISMA_CLIENT_METHODS = new Set(["$queryRaw", "$queryRawUnsafe", "$executeRaw", "$executeRawUnsafe", "$transaction", "$runCommandRaw"]);
/** models/sql.server.ts helpers that run SQL text; a service may still open a transaction (writeTransaction). */
const RAW_SQL_HELPERS = new Set(["query", "exec"]);

/** Where a file talks to the database itself instead of through a model: "line: what". */
function directDataAccess(file: string, text: string, delegates: Set<string>): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found: string[] = [];
  const at = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  const visit = (node: ts.Node) => {
    if (ts.isPropertyAccessExpression(node)) {
      const name = node.name.text;
      if (PRISMA_CLIENT_METHODS.has(name)) found.push(`${at(node)}: ${name}`);
      else if (PRISMA_OPERATIONS.has(name) && ts.isPropertyAccessExpression(node.expression) && delegates.has(node.expression.name.text)) {
        found.push(`${at(node)}: ${node.expression.name.text}.${name}`);
      }
    }
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const spec = node.moduleSpecifier.text;
      const bindings = node.importClause?.namedBindings;
      if (/models\/sql\.server$/.test(spec) && bindings && ts.isNamedImports(bindings)) {
        for (const b of bindings.elements) {
          const imported = (b.propertyName ?? b.name).text;
          if (RAW_SQL_HELPERS.has(imported)) found.push(`${at(node)}: raw SQL helper ${imported}`);
        }
      }
      if (/^@prisma\/client/.test(spec) && !node.importClause?.isTypeOnly) found.push(`${at(node)}: imports ${spec}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const graph = buildImportGraph(ROOT, { dirs: GRAPH_DIRS, files: ROOT_FILES });

describe("layer boundaries", () => {
  it("reads the whole project", () => {
    // A graph that silently lost its files would pass every rule.
    expect(graph.files.filter((f) => f.startsWith("app/engine/")).length).toBeGreaterThan(20);
    expect(graph.files).toContain("server.mjs");
    const unresolved = graph.edges.filter((e) => !e.to && /^(\.{1,2}\/|~\/)/.test(e.specifier));
    expect(unresolved.map((e) => `${e.from}:${e.line} "${e.specifier}"`)).toEqual([]);
  });

  it.each(RULES.map((r) => [r.name, r] as const))("%s", (_name, rule) => {
    expect(violations(graph, [rule])).toEqual([]);
  });

  it("services and routes reach the database only through models", () => {
    const delegates = prismaDelegates();
    expect(delegates.has("backfillJob")).toBe(true);
    const found: string[] = [];
    for (const file of graph.files) {
      if (!/^app\/(services|routes)\//.test(file) || isTestFile(file)) continue;
      const hits = directDataAccess(file, fs.readFileSync(path.join(ROOT, file), "utf8"), delegates);
      found.push(...hits.map((h) => `${file}:${h}`));
    }
    expect(found).toEqual([]);
  });

  it("has no import circles", () => {
    expect(importCircles(graph).map((c) => c.join(" <-> ")), "import circles").toEqual([]);
  });
});

describe("the import graph", () => {
  const fixture = fs.mkdtempSync(path.join(os.tmpdir(), "attune-graph-"));
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(fixture, file)), { recursive: true });
    fs.writeFileSync(path.join(fixture, file), text);
  };
  write("app/engine/a.ts", `import { b } from "./b";\nexport type { T } from "../models/t.server";\nexport const a = () => import("~/services/s.server");\n`);
  write("app/engine/b.ts", `import type { A } from "./a";\nimport { z } from "zod";\nexport const b = 1;\n`);
  write("app/models/t.server.ts", `export * from "./u.server.js";\nimport x = require("../routes/r");\n`);
  write("app/models/u.server.ts", `export const u = 1;\n`);
  write("app/routes/r.tsx", `const lib = require("better-sqlite3");\nexport default function R() { return <div /> }\n`);
  write("app/services/s.server.ts", `import "../../scripts/tool";\nimport { helper } from "../../tests/helpers/h";\n`);
  write("scripts/tool.ts", `import { helper } from "../tests/helpers/h";\n`);
  write("tests/helpers/h.ts", `export const helper = 1;\n`);
  write("server.mjs", `import { createRequestHandler } from "@remix-run/node";\nconst build = await import(process.env.X);\n`);
  const g = buildImportGraph(fixture, { dirs: GRAPH_DIRS, files: ["server.mjs"] });
  const edge = (from: string, to: string) => g.edges.find((e) => e.from === from && e.to === to);

  it("sees static, type-only, dynamic, export-from, import-equals and require imports, and the ~/ alias", () => {
    expect(edge("app/engine/a.ts", "app/engine/b.ts")).toMatchObject({ kind: "import", typeOnly: false });
    expect(edge("app/engine/b.ts", "app/engine/a.ts")).toMatchObject({ kind: "import", typeOnly: true });
    expect(edge("app/engine/a.ts", "app/models/t.server.ts")).toMatchObject({ kind: "export", typeOnly: true });
    expect(edge("app/engine/a.ts", "app/services/s.server.ts")).toMatchObject({ kind: "dynamic", specifier: "~/services/s.server" });
    expect(edge("app/models/t.server.ts", "app/models/u.server.ts")).toMatchObject({ kind: "export" });
    expect(edge("app/models/t.server.ts", "app/routes/r.tsx")).toMatchObject({ kind: "require" });
    expect(g.edges.find((e) => e.from === "app/routes/r.tsx")).toMatchObject({ specifier: "better-sqlite3", to: null, kind: "require" });
    expect(g.edges.filter((e) => e.from === "server.mjs").map((e) => e.specifier)).toEqual(["@remix-run/node"]);
  });

  it("finds circles through type-only imports", () => {
    expect(importCircles(g)).toEqual([["app/engine/a.ts", "app/engine/b.ts"]]);
    expect(importPath(g, "app/engine/a.ts", "tests/helpers/h.ts")).toEqual(["app/engine/a.ts", "app/services/s.server.ts", "tests/helpers/h.ts"]);
  });

  it("reports each forbidden import with its rule", () => {
    const found = violations(g).map((v) => v.replace(/:\d+ imports/, " imports"));
    expect(found).toEqual([
      'the engine is pure: app/engine/a.ts imports "../models/t.server": the engine imports models (app/models/t.server.ts)',
      'the engine is pure: app/engine/a.ts imports "~/services/s.server": the engine imports services (app/services/s.server.ts)',
      'models never import services or routes: app/models/t.server.ts imports "../routes/r": a model imports app/routes/r.tsx',
      'production code never reaches scripts, bench or tests: app/services/s.server.ts imports "../../scripts/tool": production code imports scripts/tool.ts',
      'production code never reaches scripts, bench or tests: app/services/s.server.ts imports "../../tests/helpers/h": production code imports tests/helpers/h.ts',
      'scripts never import tests: scripts/tool.ts imports "../tests/helpers/h": a script imports the test file tests/helpers/h.ts',
    ]);
  });

  it("spots a service that talks to Prisma or writes SQL itself", () => {
    const text = `import { query, writeTransaction } from "../models/sql.server";\nexport async function f(db, tx) {\n  await db.backfillJob.update({});\n  await tx.$queryRawUnsafe("SELECT 1");\n  await writeTransaction(db, async () => {});\n  return db.orders.findMany();\n}\n`;
    expect(directDataAccess("app/services/x.server.ts", text, new Set(["backfillJob", "order"]))).toEqual([
      "1: raw SQL helper query",
      "3: backfillJob.update",
      "4: $queryRawUnsafe",
    ]);
  });
});
