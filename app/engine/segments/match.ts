/**
 * Compiling a shop's segment set once and matching a shopper against it per request.
 */
import type { Condition, SegmentDefinition, ValidationError } from "./condition";
import { usesPersonalData, validateSegment } from "./condition";
import { compileCondition, explainCondition, type ExplainOptions, type Predicate } from "./compile";
import { builtInSegments, dimensionSegments, isReservedSegmentId, type MatchedSegment, type SegmentSettings } from "./builtin";
import type { SegmentSubject } from "./fields";

export interface CompiledSegment {
  id: string;
  name: string;
  builtIn: boolean;
  personal: boolean;
  condition: Condition;
  test: Predicate;
}

export interface CompiledSegmentSet {
  segments: CompiledSegment[];
  /** Merchant segments that failed validation; they are left out rather than failing the storefront. */
  rejected: { id: string; errors: ValidationError[] }[];
}

function compileOne(def: SegmentDefinition, builtIn: boolean): CompiledSegment {
  return { id: def.id, name: def.name, builtIn, personal: usesPersonalData(def.condition), condition: def.condition, test: compileCondition(def.condition) };
}

/**
 * Built-ins first, then the merchant's segments in their order. Merchant segments are validated
 * again here because stored config may predate a catalogue change; duplicates and reserved ids
 * are rejected so a rule's segment id always means one thing.
 */
export function compileSegments(merchant: readonly unknown[], settings?: SegmentSettings): CompiledSegmentSet {
  const segments = builtInSegments(settings).map((d) => compileOne(d, true));
  const rejected: CompiledSegmentSet["rejected"] = [];
  const seen = new Set(segments.map((s) => s.id));
  merchant.forEach((raw, i) => {
    const r = validateSegment(raw);
    const id = typeof (raw as { id?: unknown })?.id === "string" ? (raw as { id: string }).id : `#${i}`;
    if (!r.ok) return void rejected.push({ id, errors: r.errors });
    if (isReservedSegmentId(r.value.id)) return void rejected.push({ id, errors: [{ path: "id", message: `"${r.value.id}" is reserved for a built-in segment` }] });
    if (seen.has(r.value.id)) return void rejected.push({ id, errors: [{ path: "id", message: `duplicate segment id "${r.value.id}"` }] });
    seen.add(r.value.id);
    segments.push(compileOne(r.value, false));
  });
  return { segments, rejected };
}

export interface MatchOptions extends ExplainOptions {
  /** false for shoppers who opted out: segments reading personal fields are not evaluated. */
  allowPersonal: boolean;
  /** false: skip the human-readable reasons (the storefront does not send them; they cost ~5% of a decision). */
  explain?: boolean;
}

/** Every segment the subject is in, with reasons, followed by its dimension segments. */
export function matchSegments(set: CompiledSegmentSet, subject: SegmentSubject, opts: MatchOptions): MatchedSegment[] {
  const out: MatchedSegment[] = [];
  for (const seg of set.segments) {
    if (seg.personal && !opts.allowPersonal) continue;
    if (!seg.test(subject)) continue;
    const reasons = opts.explain === false ? [] : explainCondition(seg.condition, subject, opts);
    out.push({ id: seg.id, name: seg.name, reasons, personal: seg.personal });
  }
  for (const d of dimensionSegments(subject.context)) out.push(d);
  return out;
}
