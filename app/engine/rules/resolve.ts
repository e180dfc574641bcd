/**
 * Which rule governs a placement for this shopper, and why.
 *
 * Eligible = enabled, on this placement, inside its schedule (start inclusive, end exclusive) and
 * the shopper is in any of its segments (no segments = everyone). The highest priority wins; ties
 * go to the older rule, then the smaller id, so the outcome never depends on storage order.
 * Nothing eligible → the placement's default strategy.
 */
import type { Content, Offer, Placement, StrategyName } from "../types";
import type { MatchedSegment } from "../segments/builtin";
import type { Rule } from "./rule";

/** Placement defaults when no rule applies. app_embed shows offers, never products. */
export const DEFAULT_PLACEMENT_STRATEGY: Readonly<Record<Placement, StrategyName | null>> = {
  home: "picked_for_you",
  product: "bought_together",
  cart: "cart_complements",
  checkout: "cart_complements",
  thank_you: "also_bought",
  app_embed: null,
};

/**
 * With no matching rule there is no merchant content: the storefront blocks show their own
 * localized, merchant-editable headings (a default heading here was rendered twice, as a banner
 * above a row with the same title).
 */
export const DEFAULT_PLACEMENT_CONTENT: Readonly<Record<Placement, Content>> = {
  home: {},
  product: {},
  cart: {},
  checkout: {},
  thank_you: {},
  app_embed: {},
};

export interface SkippedRule {
  id: string;
  name: string;
  priority: number;
  reason: string;
}

export interface RuleResolution {
  placement: Placement;
  rule: Rule | null;
  strategy: StrategyName | null;
  content: Content;
  offer: Offer | null;
  /** The winning rule's segments the shopper is in (empty for everyone-rules and defaults). */
  matchedSegments: MatchedSegment[];
  /** Rules for this placement ranked above the winner that did not apply. */
  skipped: SkippedRule[];
  explanation: string[];
}

export interface ResolveInput {
  placement: Placement;
  now: number;
  segments: readonly MatchedSegment[];
  /** Display names for segments the shopper is not in (for "not in VIP" explanations). */
  segmentName?: (id: string) => string | undefined;
}

function compareIds(a: string, b: string): number {
  // Decimal ids compare numerically without Number(): length first, then digits.
  if (/^\d+$/.test(a) && /^\d+$/.test(b) && a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Deterministic precedence: priority desc, createdAt asc, id asc. */
export function compareRules(a: Rule, b: Rule): number {
  return b.priority - a.priority || (a.createdAt ?? 0) - (b.createdAt ?? 0) || compareIds(a.id, b.id);
}

/** Sort once per config so resolveRule can skip sorting per request. */
export function sortRules(rules: readonly Rule[]): Rule[] {
  return [...rules].sort(compareRules);
}

const iso = (t: number) => new Date(t).toISOString().replace(/:\d\d\.\d{3}Z$/, "Z");

function ineligibility(rule: Rule, input: ResolveInput, inSegment: Map<string, MatchedSegment>): string | null {
  if (!rule.enabled) return "disabled";
  if (rule.startsAt != null && input.now < rule.startsAt) return `starts ${iso(rule.startsAt)}`;
  if (rule.endsAt != null && input.now >= rule.endsAt) return `ended ${iso(rule.endsAt)}`;
  if (rule.segmentIds.length > 0 && !rule.segmentIds.some((id) => inSegment.has(id))) {
    const names = rule.segmentIds.map((id) => input.segmentName?.(id) ?? id);
    return `shopper is not in ${names.length === 1 ? "segment" : "any of segments"} ${names.join(", ")}`;
  }
  return null;
}

function isSortedRules(rules: readonly Rule[]): boolean {
  for (let i = 1; i < rules.length; i++) if (compareRules(rules[i - 1], rules[i]) > 0) return false;
  return true;
}

/**
 * Rules for other placements are ignored and never reported. Callers on the hot path pass a list
 * already ordered by sortRules (decide() caches one per config); anything else is sorted here.
 */
export function resolveRule(rules: readonly Rule[], input: ResolveInput): RuleResolution {
  const sortedRules = isSortedRules(rules) ? rules : sortRules(rules);
  const inSegment = new Map(input.segments.map((s) => [s.id, s]));
  const skipped: SkippedRule[] = [];
  let winner: Rule | null = null;
  for (const rule of sortedRules) {
    if (!rule.placements.includes(input.placement)) continue;
    const why = ineligibility(rule, input, inSegment);
    if (why === null) {
      winner = rule;
      break;
    }
    skipped.push({ id: rule.id, name: rule.name, priority: rule.priority, reason: why });
  }

  const explanation: string[] = [];
  let matchedSegments: MatchedSegment[] = [];
  if (winner) {
    matchedSegments = winner.segmentIds.flatMap((id) => inSegment.get(id) ?? []);
    explanation.push(
      matchedSegments.length === 0
        ? `rule "${winner.name}" (priority ${winner.priority}) applies to everyone`
        : `rule "${winner.name}" (priority ${winner.priority}) matched`,
    );
    for (const s of matchedSegments) explanation.push(`segment ${s.name}: ${s.reasons.join("; ")}`);
  } else {
    const d = DEFAULT_PLACEMENT_STRATEGY[input.placement];
    explanation.push(`no rule matched on ${input.placement}: default ${d ? `strategy ${d}` : "(no products)"}`);
  }
  for (const s of skipped) explanation.push(`skipped rule "${s.name}" (priority ${s.priority}): ${s.reason}`);

  return {
    placement: input.placement,
    rule: winner,
    strategy: winner ? winner.strategy : DEFAULT_PLACEMENT_STRATEGY[input.placement],
    content: winner ? winner.content : DEFAULT_PLACEMENT_CONTENT[input.placement],
    offer: winner?.offer ?? null,
    matchedSegments,
    skipped,
    explanation,
  };
}
