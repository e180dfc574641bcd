/**
 * A condition tree in plain language for the admin: "Customers in Canada who ordered in the last
 * 90 days and spent over $200". Pure and total: every valid tree gets a sentence (fields without a
 * dedicated wording fall back to their catalogue label), so the summary never lies by omission.
 */
import type { Condition, Leaf } from "./condition";
import { usesPersonalData } from "./condition";
import { FIELDS, type FieldSpec } from "./fields";
import { formatMoney } from "./compile";
import { countryName as regionName } from "../region";

export interface SummaryOptions {
  /** ISO 4217 for money fields. Default "USD". */
  currency?: string;
  /** Product titles for id lists ("bought Linen Shirt"); ids are counted otherwise. */
  productTitle?: (id: string) => string | undefined;
  /** Loyalty tier names by tier id ("Gold" for "gold"); the id is shown otherwise. */
  tierName?: (id: string) => string | undefined;
}

/** One condition as words: `prep` reads after the subject ("in Canada"), `clause` after "who". */
interface Phrase {
  prep?: string;
  clause: string;
}

/** "Canada", "the United States": a country code as it reads in a sentence. */
export function countryName(code: string): string {
  const name = regionName(code.toUpperCase());
  return /^(United |Netherlands$|Philippines$|Czech Republic$|Bahamas$|Maldives$)/.test(name) ? `the ${name}` : name;
}

const SOURCES: Record<string, string> = { pinterest: "Pinterest", instagram: "Instagram", facebook: "Facebook", tiktok: "TikTok", google: "Google", email: "email", direct: "direct visits", referral: "referral links" };

function list(items: string[], word: "and" | "or"): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} ${word} ${items[items.length - 1]}`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

const NEGATE: Partial<Record<Leaf["op"], Leaf["op"]>> = { eq: "neq", neq: "eq", in: "not_in", not_in: "in", contains: "not_contains", not_contains: "contains", gt: "lte", lte: "gt", gte: "lt", lt: "gte" };

/** The negation of a leaf as another leaf, when one exists (missing values aside). */
function negated(leaf: Leaf): Leaf | null {
  const spec = FIELDS[leaf.field];
  if (leaf.op === "exists" || leaf.op === "is_empty") return { ...leaf, value: leaf.value === false };
  if (spec?.type === "boolean" && leaf.op === "eq") return { ...leaf, value: !leaf.value };
  const op = NEGATE[leaf.op];
  return op ? { ...leaf, op } : null;
}

function comparison(leaf: Leaf, show: (v: number) => string): string {
  const v = leaf.value;
  switch (leaf.op) {
    case "eq": return `exactly ${show(v as number)}`;
    case "neq": return `other than ${show(v as number)}`;
    case "gt": return `over ${show(v as number)}`;
    case "gte": return `at least ${show(v as number)}`;
    case "lt": return `under ${show(v as number)}`;
    case "lte": return `at most ${show(v as number)}`;
    case "between": return `between ${show((v as number[])[0])} and ${show((v as number[])[1])}`;
    default: return "";
  }
}

function values(spec: FieldSpec, leaf: Leaf, o: SummaryOptions, word: "and" | "or" = "or"): string {
  const raw = Array.isArray(leaf.value) ? (leaf.value as string[]) : [String(leaf.value)];
  if (spec.name.endsWith("product_ids")) {
    const titles = raw.map((id) => o.productTitle?.(id));
    if (titles.every(Boolean)) return list(titles as string[], word);
    return raw.length === 1 ? "a chosen product" : `${word === "or" ? "any" : "all"} of ${plural(raw.length, "chosen product")}`;
  }
  if (spec.name.includes("country")) return list(raw.map(countryName), word);
  if (spec.name.includes("province")) return list(raw.map((x) => x.toUpperCase()), word);
  if (spec.name === "traffic_source") return list(raw.map((x) => SOURCES[x.toLowerCase()] ?? x), word);
  if (spec.name === "loyalty_tier") return list(raw.map((x) => o.tierName?.(x) ?? o.tierName?.(x.toLowerCase()) ?? x), word);
  return list(raw.map((x) => x.replace(/_/g, " ")), word);
}

function leafPhrase(leaf: Leaf, o: SummaryOptions): Phrase {
  const spec = FIELDS[leaf.field];
  if (!spec) return { clause: `match ${leaf.field}` };
  const money = (c: number) => formatMoney(c, o.currency);
  const num = (n: number) => String(Math.round(n * 100) / 100);
  const op = leaf.op;
  const isIn = op === "eq" || op === "in";
  const notIn = op === "neq" || op === "not_in";
  const days = (n: number) => plural(n, "day");

  switch (leaf.field) {
    case "customer_country":
    case "country": {
      const where = values(spec, leaf, o);
      const verb = leaf.field === "country" ? "browsing from" : "in";
      if (isIn) return { prep: `${verb} ${where}`, clause: leaf.field === "country" ? `are browsing from ${where}` : `are in ${where}` };
      if (notIn) return { prep: leaf.field === "country" ? `browsing from outside ${where}` : `outside ${where}`, clause: `are not in ${where}` };
      break;
    }
    case "days_since_last_order": {
      const v = leaf.value as number;
      if (op === "lt") return { clause: `ordered in the last ${days(v)}` };
      if (op === "lte") return { clause: `ordered in the last ${days(v + 1)}` };
      if (op === "gt") return { clause: `haven't ordered in ${days(v + 1)}` };
      if (op === "gte") return { clause: `haven't ordered in ${days(v)}` };
      if (op === "between") return { clause: `last ordered between ${num((leaf.value as number[])[0])} and ${days((leaf.value as number[])[1])} ago` };
      if (op === "exists") return { clause: leaf.value === false ? "have never ordered" : "have ordered before" };
      break;
    }
    case "lifetime_value_cents":
    case "monetary_cents": {
      const when = leaf.field === "monetary_cents" ? " in the last year" : "";
      if (op === "exists") break;
      return { clause: `spent ${comparison(leaf, money)}${when}` };
    }
    case "orders_count":
    case "frequency": {
      const when = leaf.field === "frequency" ? " in the last year" : "";
      const v = leaf.value as number;
      if (op === "eq" && v === 0) return { clause: `have no orders${when}` };
      if (op === "exists") break;
      if (op === "between") return { clause: `placed between ${(leaf.value as number[])[0]} and ${plural((leaf.value as number[])[1], "order")}${when}` };
      return { clause: `placed ${comparison(leaf, (n) => plural(n, "order"))}${when}` };
    }
    case "average_order_value_cents":
    case "cart_value_cents": {
      if (op === "exists") break;
      const what = leaf.field === "cart_value_cents" ? "have a cart worth" : "spend on average";
      return { clause: `${what} ${comparison(leaf, money)}` };
    }
    case "cart_item_count":
      if (op !== "exists") return { clause: `have ${comparison(leaf, num)} items in their cart` };
      break;
    case "traffic_source":
      if (isIn) return { prep: `coming from ${values(spec, leaf, o)}`, clause: `came from ${values(spec, leaf, o)}` };
      if (notIn) return { clause: `didn't come from ${values(spec, leaf, o)}` };
      break;
    case "device":
      if (isIn) return { prep: `on ${values(spec, leaf, o)}`, clause: `are on ${values(spec, leaf, o)}` };
      if (notIn) return { clause: `are not on ${values(spec, leaf, o)}` };
      break;
    case "buyer_type":
    case "churn_level":
    case "price_band":
      if (isIn) return { clause: `are ${values(spec, leaf, o)} ${spec.label === "buyer type" ? "buyers" : spec.label === "price band" ? "shoppers" : ""}`.trimEnd() };
      if (notIn) return { clause: `are not ${values(spec, leaf, o)} ${spec.label === "buyer type" ? "buyers" : spec.label === "price band" ? "shoppers" : ""}`.trimEnd() };
      break;
    case "customer_tags":
      if (op === "contains" || op === "contains_any") return { clause: `are tagged ${values(spec, leaf, o)}` };
      if (op === "contains_all") return { clause: `are tagged ${values(spec, leaf, o, "and")}` };
      if (op === "not_contains") return { clause: `are not tagged ${values(spec, leaf, o)}` };
      break;
    case "purchased_product_ids":
      if (op === "contains" || op === "contains_any") return { clause: `bought ${values(spec, leaf, o)}` };
      if (op === "contains_all") return { clause: `bought ${values(spec, leaf, o, "and")}` };
      if (op === "not_contains") return { clause: `never bought ${values(spec, leaf, o)}` };
      if (op === "is_empty") return { clause: leaf.value === false ? "have bought something" : "have bought nothing" };
      break;
    case "recently_viewed_product_ids":
      if (op === "contains" || op === "contains_any") return { clause: `recently viewed ${values(spec, leaf, o)}` };
      break;
    case "logged_in":
      return { clause: leaf.value === true ? "are logged in" : "are not logged in" };
    case "returning_visitor":
      return { clause: leaf.value === true ? "have visited before" : "are visiting for the first time" };
    case "birthday_soon":
      return { clause: leaf.value === true ? "have a birthday coming up" : "don't have a birthday coming up" };
    case "days_until_birthday":
      if (op === "lte" || op === "lt") return { clause: `have a birthday within ${days((leaf.value as number) - (op === "lt" ? 1 : 0))}` };
      break;
    case "loyalty_tier":
      if (isIn) return { clause: `are in the ${values(spec, leaf, o)} loyalty tier` };
      if (notIn) return { clause: `are not in the ${values(spec, leaf, o)} loyalty tier` };
      if (op === "exists") return { clause: leaf.value === false ? "have no loyalty tier" : "have a loyalty tier" };
      break;
    case "loyalty_points":
    case "loyalty_pending": {
      const what = leaf.field === "loyalty_points" ? "points" : "pending points";
      if (op === "exists") return { clause: leaf.value === false ? "are not loyalty members" : "are loyalty members" };
      if (op === "between") return { clause: `have between ${num((leaf.value as number[])[0])} and ${num((leaf.value as number[])[1])} ${what}` };
      return { clause: `have ${comparison(leaf, num)} ${what}` };
    }
    case "placement":
      if (isIn) return { prep: `on the ${values(spec, leaf, o).replace(/_/g, " ")} page`, clause: `are on the ${values(spec, leaf, o)} page` };
      break;
  }
  return { clause: generic(spec, leaf, o) };
}

/** "whose favourite vendors include acme": every field and operator, in catalogue wording. */
function generic(spec: FieldSpec, leaf: Leaf, o: SummaryOptions): string {
  const show = spec.type === "money" ? (c: number) => formatMoney(c, o.currency) : (n: number) => String(Math.round(n * 100) / 100);
  switch (leaf.op) {
    case "exists": return leaf.value === false ? `have no ${spec.label}` : `have a ${spec.label}`;
    case "is_empty": return leaf.value === false ? `have ${spec.label}` : `have no ${spec.label}`;
    case "in":
    case "eq":
      if (spec.type === "boolean") return leaf.value ? `are ${spec.label}` : `are not ${spec.label}`;
      if (spec.type === "number" || spec.type === "money") return `have a ${spec.label} of ${comparison(leaf, show)}`;
      return `have ${spec.label} ${values(spec, leaf, o)}`;
    case "neq":
    case "not_in":
      if (spec.type === "number" || spec.type === "money") return `have a ${spec.label} ${comparison(leaf, show)}`;
      return `don't have ${spec.label} ${values(spec, leaf, o)}`;
    case "contains":
    case "contains_any": return `have ${spec.label} including ${values(spec, leaf, o)}`;
    case "contains_all": return `have ${spec.label} including ${values(spec, leaf, o, "and")}`;
    case "not_contains": return `have ${spec.label} without ${values(spec, leaf, o)}`;
    default: return `have a ${spec.label} of ${comparison(leaf, show)}`;
  }
}

/** not(x) rewritten without `not` (De Morgan down to negatable leaves), or null. */
function pushNot(c: Condition): Condition | null {
  if ("not" in c) return c.not;
  if ("all" in c || "any" in c) {
    const kids = ("all" in c ? c.all : c.any).map(pushNot);
    if (kids.some((k) => k === null)) return null;
    return "all" in c ? { any: kids as Condition[] } : { all: kids as Condition[] };
  }
  return negated(c);
}

function groupClause(c: Condition, o: SummaryOptions, nested: boolean): string {
  if ("all" in c) {
    const parts = c.all.map((x) => groupClause(x, o, true));
    return parts.length > 1 && nested ? `both ${list(parts, "and")}` : list(parts, "and");
  }
  if ("any" in c) {
    const parts = c.any.map((x) => groupClause(x, o, true));
    return parts.length > 1 && nested ? `either ${list(parts, "or")}` : list(parts, "or");
  }
  if ("not" in c) {
    const pushed = pushNot(c.not);
    if (pushed) return groupClause(pushed, o, nested);
    return `are not among those who ${groupClause(c.not, o, true)}`;
  }
  return leafPhrase(c, o).clause;
}

/** "Customers in Canada who ordered in the last 90 days and spent over $200". */
export function summarizeCondition(c: Condition, o: SummaryOptions = {}): string {
  const subject = usesPersonalData(c) ? "Customers" : "Visitors";
  const conjuncts: Condition[] = "all" in c ? c.all : [c];
  const preps: string[] = [];
  const clauses: string[] = [];
  for (const x of conjuncts) {
    if ("field" in x) {
      const p = leafPhrase(x, o);
      if (p.prep) preps.push(p.prep);
      else clauses.push(p.clause);
    } else {
      clauses.push(groupClause(x, o, conjuncts.length > 1));
    }
  }
  let out = subject;
  if (preps.length) out += ` ${preps.join(" ")}`;
  if (clauses.length) out += ` who ${list(clauses, "and")}`;
  return out;
}
