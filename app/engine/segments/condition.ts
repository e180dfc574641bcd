/**
 * Merchant-defined segments: a serialisable JSON condition tree, validated with messages that
 * point at the offending node ("condition.all[2].op: ...") so the admin UI can highlight it.
 */
import { z } from "zod";
import { FIELDS, FIELD_NAMES, OPS_BY_TYPE, type FieldSpec, type Op } from "./fields";

export type LeafValue = number | string | boolean | string[] | [number, number];

export interface Leaf {
  field: string;
  op: Op;
  /** Omitted only for exists / is_empty, where it defaults to true. */
  value?: LeafValue;
}

export type Condition = { all: Condition[] } | { any: Condition[] } | { not: Condition } | Leaf;

export interface SegmentDefinition {
  id: string;
  name: string;
  description?: string | null;
  condition: Condition;
}

export interface ValidationError {
  /** "condition.all[2].op" */
  path: string;
  message: string;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: ValidationError[] };

/** Bounds keep a merchant's tree cheap to evaluate on every storefront request. */
export const MAX_DEPTH = 8;
export const MAX_LEAVES = 100;

type Path = (string | number)[];
type Issue = { path: Path; message: string };

export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out === "" ? String(p) : `.${String(p)}`;
  return out || "(root)";
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

function suggestField(name: string): string {
  let best = "";
  let bestD = Infinity;
  for (const f of FIELD_NAMES) {
    const d = f.startsWith(name) || name.startsWith(f) ? 1 : levenshtein(name, f);
    if (d < bestD) [best, bestD] = [f, d];
  }
  return bestD <= Math.max(2, name.length / 3) ? `; did you mean "${best}"?` : "";
}

const show = (v: unknown): string => (typeof v === "string" ? `"${v}"` : Array.isArray(v) ? "an array" : v === null ? "null" : typeof v === "object" ? "an object" : String(v));
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

function expectedValue(f: FieldSpec, op: Op): string {
  const unit = f.type === "money" ? "a number of cents" : "a number";
  switch (op) {
    case "exists":
    case "is_empty":
      return "true or false (or no value)";
    case "between":
      return `[min, max] (${unit}s, min ≤ max)`;
    case "in":
    case "not_in":
    case "contains_any":
    case "contains_all":
      return f.type === "enum" ? `a non-empty array of ${f.values!.join(" | ")}` : "a non-empty array of strings";
    default:
      if (f.type === "number" || f.type === "money") return unit;
      if (f.type === "boolean") return "true or false";
      if (f.type === "enum") return `one of ${f.values!.join(" | ")}`;
      return "a string";
  }
}

function valueOk(f: FieldSpec, op: Op, v: unknown): boolean {
  const enumOk = (s: unknown) => typeof s === "string" && (f.type !== "enum" || f.values!.includes(s.toLowerCase()));
  switch (op) {
    case "exists":
    case "is_empty":
      return v === undefined || typeof v === "boolean";
    case "between":
      return Array.isArray(v) && v.length === 2 && isNum(v[0]) && isNum(v[1]) && v[0] <= v[1];
    case "in":
    case "not_in":
    case "contains_any":
    case "contains_all":
      return Array.isArray(v) && v.length > 0 && v.every(enumOk);
    default:
      if (f.type === "number" || f.type === "money") return isNum(v);
      if (f.type === "boolean") return typeof v === "boolean";
      return enumOk(v) && (v as string).length > 0;
  }
}

function checkNode(node: unknown, path: Path, depth: number, counter: { leaves: number }, issues: Issue[]): void {
  if (!isObj(node)) {
    issues.push({ path, message: `expected a condition object ({all}, {any}, {not} or {field, op, value}), got ${show(node)}` });
    return;
  }
  if (depth > MAX_DEPTH) {
    issues.push({ path, message: `conditions may nest at most ${MAX_DEPTH} levels deep` });
    return;
  }
  const groupKeys = ["all", "any", "not"].filter((k) => k in node);
  if (groupKeys.length > 0) {
    const extra = Object.keys(node).filter((k) => k !== groupKeys[0]);
    if (groupKeys.length > 1 || extra.length > 0) {
      issues.push({ path, message: `a group has exactly one key (all, any or not); found ${Object.keys(node).join(", ")}` });
      return;
    }
    const key = groupKeys[0];
    const child = node[key];
    if (key === "not") return checkNode(child, [...path, "not"], depth + 1, counter, issues);
    if (!Array.isArray(child) || child.length === 0) {
      issues.push({ path: [...path, key], message: `"${key}" needs a non-empty array of conditions` });
      return;
    }
    child.forEach((c, i) => checkNode(c, [...path, key, i], depth + 1, counter, issues));
    return;
  }

  if (++counter.leaves === MAX_LEAVES + 1) issues.push({ path, message: `a segment may have at most ${MAX_LEAVES} conditions` });
  const extra = Object.keys(node).filter((k) => k !== "field" && k !== "op" && k !== "value");
  if (extra.length > 0) issues.push({ path: [...path, extra[0]], message: `unexpected key "${extra[0]}" (a condition has field, op and value)` });
  const { field, op, value } = node;
  if (typeof field !== "string") {
    issues.push({ path: [...path, "field"], message: `"field" is required and must be a string` });
    return;
  }
  const spec = FIELDS[field];
  if (!spec) {
    issues.push({ path: [...path, "field"], message: `unknown field "${field}"${suggestField(field)}` });
    return;
  }
  const allowed = OPS_BY_TYPE[spec.type];
  if (typeof op !== "string" || !allowed.includes(op as Op)) {
    issues.push({
      path: [...path, "op"],
      message: `operator ${show(op)} cannot be used with field "${field}" (${spec.type}); use one of: ${allowed.join(", ")}`,
    });
    return;
  }
  if (!valueOk(spec, op as Op, value)) {
    issues.push({
      path: [...path, "value"],
      message: `field "${field}" (${spec.type}) with "${op}" needs ${expectedValue(spec, op as Op)}, got ${value === undefined ? "nothing" : show(value)}`,
    });
  }
}

/** Issues for a condition tree, paths relative to `base`. Empty means valid. */
export function conditionIssues(node: unknown, base: Path = ["condition"]): Issue[] {
  const issues: Issue[] = [];
  checkNode(node, base, 1, { leaves: 0 }, issues);
  return issues;
}

const conditionSchema = z.unknown().superRefine((node, ctx) => {
  for (const i of conditionIssues(node, [])) ctx.addIssue({ code: "custom", message: i.message, path: i.path });
}) as unknown as z.ZodType<Condition>;

export const segmentDefinitionSchema = z.object({
  id: z.string({ error: "id must be a string" }).trim().min(1, "id is required").max(64, "id is at most 64 characters"),
  name: z.string({ error: "name must be a string" }).trim().min(1, "name is required").max(120, "name is at most 120 characters"),
  description: z.string().max(500).nullish(),
  condition: conditionSchema,
});

export function toValidationErrors(error: z.ZodError): ValidationError[] {
  return error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
}

export function validateSegment(input: unknown): Validated<SegmentDefinition> {
  const r = segmentDefinitionSchema.safeParse(input);
  return r.success ? { ok: true, value: r.data as SegmentDefinition } : { ok: false, errors: toValidationErrors(r.error) };
}

/** Shortcut for a bare condition tree (the admin UI validates as the merchant edits). */
export function validateCondition(input: unknown): Validated<Condition> {
  const issues = conditionIssues(input);
  return issues.length === 0 ? { ok: true, value: input as Condition } : { ok: false, errors: issues.map((i) => ({ path: formatPath(i.path), message: i.message })) };
}

export function isLeaf(c: Condition): c is Leaf {
  return "field" in c;
}

/** Every leaf of a tree, in document order. */
export function leavesOf(c: Condition, out: Leaf[] = []): Leaf[] {
  if ("all" in c) for (const x of c.all) leavesOf(x, out);
  else if ("any" in c) for (const x of c.any) leavesOf(x, out);
  else if ("not" in c) leavesOf(c.not, out);
  else out.push(c);
  return out;
}

/** True when any leaf reads a personal field: such segments are skipped for opted-out shoppers. */
export function usesPersonalData(c: Condition): boolean {
  return leavesOf(c).some((l) => FIELDS[l.field]?.personal !== false);
}
