/**
 * Condition trees compiled once into closures (literals normalised, sets prebuilt), plus a plain
 * reference interpreter. The interpreter is the specification: a property test checks that the
 * compiled predicate agrees with it on random trees and subjects.
 *
 * Semantics (shared by both):
 * - strings compare case-insensitively;
 * - a missing scalar (null) satisfies no operator except `exists: false` (like SQL NULL), so
 *   "days_since_last_order < 30" is false for a non-buyer and so is "neq";
 * - a missing list is the empty list;
 * - `between` is inclusive at both ends.
 */
import type { Condition, Leaf } from "./condition";
import { FIELDS, type FieldSpec, type FieldValue, type SegmentSubject } from "./fields";

export type Predicate = (s: SegmentSubject) => boolean;

const lc = (v: unknown): string => String(v).toLowerCase();

function compileLeaf(leaf: Leaf): Predicate {
  const spec = FIELDS[leaf.field];
  if (!spec) throw new Error(`unknown field "${leaf.field}" (validate segments before compiling)`);
  const get = spec.get;
  const v = leaf.value;
  switch (leaf.op) {
    case "exists": {
      const want = v !== false;
      return (s) => (get(s) !== null) === want;
    }
    case "is_empty": {
      const want = v !== false;
      return (s) => ((get(s) as readonly string[] | null)?.length ?? 0) === 0 === want;
    }
    case "between": {
      const [lo, hi] = v as [number, number];
      return (s) => {
        const x = get(s) as number | null;
        return x !== null && x >= lo && x <= hi;
      };
    }
    case "in":
    case "not_in": {
      const set = new Set((v as string[]).map(lc));
      const want = leaf.op === "in";
      return (s) => {
        const x = get(s) as string | null;
        return x !== null && set.has(x) === want;
      };
    }
    case "contains":
    case "not_contains": {
      const needle = lc(v);
      const want = leaf.op === "contains";
      return (s) => ((get(s) as readonly string[] | null) ?? []).includes(needle) === want;
    }
    case "contains_any": {
      const set = new Set((v as string[]).map(lc));
      return (s) => ((get(s) as readonly string[] | null) ?? []).some((x) => set.has(x));
    }
    case "contains_all": {
      const wanted = [...new Set((v as string[]).map(lc))];
      return (s) => {
        const have = (get(s) as readonly string[] | null) ?? [];
        return wanted.every((w) => have.includes(w));
      };
    }
    default:
      return compileComparison(spec, leaf);
  }
}

function compileComparison(spec: FieldSpec, leaf: Leaf): Predicate {
  const get = spec.get;
  if (spec.type === "number" || spec.type === "money") {
    const n = leaf.value as number;
    switch (leaf.op) {
      case "eq": return (s) => { const x = get(s); return x !== null && x === n; };
      case "neq": return (s) => { const x = get(s); return x !== null && x !== n; };
      case "gt": return (s) => { const x = get(s) as number | null; return x !== null && x > n; };
      case "gte": return (s) => { const x = get(s) as number | null; return x !== null && x >= n; };
      case "lt": return (s) => { const x = get(s) as number | null; return x !== null && x < n; };
      case "lte": return (s) => { const x = get(s) as number | null; return x !== null && x <= n; };
    }
  }
  const want = spec.type === "boolean" ? leaf.value : lc(leaf.value);
  if (leaf.op === "eq") return (s) => { const x = get(s); return x !== null && x === want; };
  if (leaf.op === "neq") return (s) => { const x = get(s); return x !== null && x !== want; };
  throw new Error(`operator "${leaf.op}" is not valid for field "${leaf.field}"`);
}

/** Compiles a validated tree. Single-child groups collapse; short-circuit order is preserved. */
export function compileCondition(c: Condition): Predicate {
  if ("all" in c) {
    const parts = c.all.map(compileCondition);
    if (parts.length === 1) return parts[0];
    if (parts.length === 2) {
      const [a, b] = parts;
      return (s) => a(s) && b(s);
    }
    return (s) => {
      for (const p of parts) if (!p(s)) return false;
      return true;
    };
  }
  if ("any" in c) {
    const parts = c.any.map(compileCondition);
    if (parts.length === 1) return parts[0];
    return (s) => {
      for (const p of parts) if (p(s)) return true;
      return false;
    };
  }
  if ("not" in c) {
    const inner = compileCondition(c.not);
    return (s) => !inner(s);
  }
  return compileLeaf(c);
}

function leafHolds(leaf: Leaf, x: FieldValue): boolean {
  const v = leaf.value;
  const list = (Array.isArray(x) ? x : []) as string[];
  switch (leaf.op) {
    case "exists": return (x !== null) === (v !== false);
    case "is_empty": return (list.length === 0) === (v !== false);
    case "contains": return list.includes(lc(v));
    case "not_contains": return !list.includes(lc(v));
    case "contains_any": return (v as string[]).some((w) => list.includes(lc(w)));
    case "contains_all": return (v as string[]).every((w) => list.includes(lc(w)));
  }
  if (x === null) return false;
  switch (leaf.op) {
    case "between": return (x as number) >= (v as number[])[0] && (x as number) <= (v as number[])[1];
    case "in": return (v as string[]).some((w) => lc(w) === x);
    case "not_in": return !(v as string[]).some((w) => lc(w) === x);
    case "gt": return (x as number) > (v as number);
    case "gte": return (x as number) >= (v as number);
    case "lt": return (x as number) < (v as number);
    case "lte": return (x as number) <= (v as number);
  }
  const want = typeof v === "string" ? lc(v) : v;
  return leaf.op === "eq" ? x === want : x !== want;
}

/** Reference interpreter: walks the tree on every call. Use compileCondition in hot paths. */
export function evaluateCondition(c: Condition, s: SegmentSubject): boolean {
  if ("all" in c) return c.all.every((x) => evaluateCondition(x, s));
  if ("any" in c) return c.any.some((x) => evaluateCondition(x, s));
  if ("not" in c) return !evaluateCondition(c.not, s);
  return leafHolds(c, FIELDS[c.field].get(s));
}

// ---------------------------------------------------------------- explanations

export interface ExplainOptions {
  /** ISO 4217 code for money fields. Default "USD". */
  currency?: string;
}

const SYMBOL: Partial<Record<string, string>> = { eq: "=", neq: "≠", gt: ">", gte: "≥", lt: "<", lte: "≤" };

export function formatMoney(cents: number, currency = "USD"): string {
  const whole = cents % 100 === 0;
  try {
    return new Intl.NumberFormat("en-US", { style: "currency", currency, minimumFractionDigits: whole ? 0 : 2, maximumFractionDigits: 2 }).format(cents / 100);
  } catch {
    return `${(cents / 100).toFixed(whole ? 0 : 2)} ${currency}`;
  }
}

function fmt(spec: FieldSpec, v: unknown, o: ExplainOptions): string {
  if (v === null || v === undefined) return "none";
  if (Array.isArray(v)) return v.length === 0 ? "none" : v.map((x) => fmt(spec, x, o)).join(", ");
  if (typeof v === "number") return spec.type === "money" ? formatMoney(v, o.currency) : String(Math.round(v * 100) / 100);
  if (typeof v === "string") return spec.name.includes("country") || spec.name.includes("province") ? v.toUpperCase() : v;
  return v ? "yes" : "no";
}

/** "lifetime value ≥ $1,000" — the rule itself, without the shopper's value. */
export function describeLeaf(leaf: Leaf, o: ExplainOptions = {}): string {
  const spec = FIELDS[leaf.field];
  const val = fmt(spec, leaf.value, o);
  switch (leaf.op) {
    case "exists": return leaf.value === false ? `no ${spec.label}` : `has ${spec.label}`;
    case "is_empty": return leaf.value === false ? `has ${spec.label}` : `no ${spec.label}`;
    case "between": return `${spec.label} between ${fmt(spec, (leaf.value as number[])[0], o)} and ${fmt(spec, (leaf.value as number[])[1], o)}`;
    case "in": return `${spec.label} is one of ${val}`;
    case "not_in": return `${spec.label} is not one of ${val}`;
    case "contains": return `${spec.label} include ${val}`;
    case "not_contains": return `${spec.label} exclude ${val}`;
    case "contains_any": return `${spec.label} include any of ${val}`;
    case "contains_all": return `${spec.label} include all of ${val}`;
  }
  if (spec.type === "boolean") return leaf.value === (leaf.op === "eq") ? spec.label : `not ${spec.label}`;
  return `${spec.label} ${SYMBOL[leaf.op]} ${val}`;
}

/** "lifetime value $1,240 ≥ $1,000" — the rule with the shopper's actual value. */
function explainLeaf(leaf: Leaf, s: SegmentSubject, o: ExplainOptions): string {
  const spec = FIELDS[leaf.field];
  const actual = spec.get(s);
  if (spec.type === "boolean") return describeLeaf(leaf, o);
  if (SYMBOL[leaf.op]) return `${spec.label} ${fmt(spec, actual, o)} ${SYMBOL[leaf.op]} ${fmt(spec, leaf.value, o)}`;
  if (leaf.op === "exists" || leaf.op === "is_empty") return describeLeaf(leaf, o);
  return `${describeLeaf(leaf, o)} (${fmt(spec, actual, o)})`;
}

function describe(c: Condition, o: ExplainOptions): string {
  if ("all" in c) return c.all.length === 1 ? describe(c.all[0], o) : `(${c.all.map((x) => describe(x, o)).join(" and ")})`;
  if ("any" in c) return c.any.length === 1 ? describe(c.any[0], o) : `(${c.any.map((x) => describe(x, o)).join(" or ")})`;
  if ("not" in c) return `not ${describe(c.not, o)}`;
  return describeLeaf(c, o);
}

/**
 * Why a subject matches: the reasons of every conjunct, the first satisfied disjunct, and the
 * negated description for `not`. Empty when the subject does not match.
 */
export function explainCondition(c: Condition, s: SegmentSubject, o: ExplainOptions = {}): string[] {
  if (!evaluateCondition(c, s)) return [];
  const out: string[] = [];
  const walk = (n: Condition) => {
    if ("all" in n) n.all.forEach(walk);
    else if ("any" in n) walk(n.any.find((x) => evaluateCondition(x, s))!);
    else if ("not" in n) out.push(describe(n, o));
    else out.push(explainLeaf(n, s, o));
  };
  walk(c);
  return out;
}
