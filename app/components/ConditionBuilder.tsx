/**
 * The segment condition builder over the engine's field catalogue: nested groups (all / any /
 * none of), every operator the engine allows for a field's type, and value inputs typed by field
 * (money in the shop's currency, days, countries, enums, yes/no, products and collections through
 * App Bridge's resource picker). Errors come keyed by the engine's paths ("condition.all[1].value")
 * and are shown beside the row they name.
 */
import { BlockStack, Box, Button, Card, InlineGrid, InlineStack, Select, Tag, Text, TextField } from "@shopify/polaris";
import type { Condition, Leaf, LeafValue } from "~/engine/segments/condition";
import type { FieldType, Op } from "~/engine/segments/fields";
import { NumberField } from "./NumberField";
import { ResourceChooser } from "./ResourceChooser";
import { countryOptions } from "./countries";

export interface CatalogueField {
  name: string;
  type: FieldType;
  label: string;
  personal: boolean;
  ops: readonly Op[];
  values?: readonly string[];
  description: string;
}

export type Group = { mode: "all" | "any" | "none"; items: (Group | Leaf)[] };

export const OP_LABELS: Record<Op, string> = {
  eq: "is",
  neq: "is not",
  gt: "is more than",
  gte: "is at least",
  lt: "is less than",
  lte: "is at most",
  between: "is between",
  in: "is any of",
  not_in: "is none of",
  exists: "is known",
  contains: "includes",
  not_contains: "doesn't include",
  contains_any: "includes any of",
  contains_all: "includes all of",
  is_empty: "is empty",
};

const LIST_OPS: Op[] = ["in", "not_in", "contains_any", "contains_all"];
const PRODUCT_FIELDS = new Set(["purchased_product_ids", "recently_viewed_product_ids", "cart_product_ids", "viewed_product_id"]);
const COUNTRY_FIELDS = new Set(["customer_country", "country"]);
const DAY_FIELDS = new Set(["days_since_last_order", "days_until_birthday"]);

// ---- tree <-> editable groups

export function toGroup(c: Condition | null | undefined): Group {
  if (!c) return { mode: "all", items: [] };
  if ("all" in c) return { mode: "all", items: c.all.map(toItem) };
  if ("any" in c) return { mode: "any", items: c.any.map(toItem) };
  if ("not" in c) return { mode: "none", items: "any" in c.not ? c.not.any.map(toItem) : [toItem(c.not)] };
  return { mode: "all", items: [c] };
}
const toItem = (c: Condition): Group | Leaf => ("field" in c ? c : toGroup(c));

export function fromGroup(g: Group): Condition {
  const items = g.items.map((x) => ("mode" in x ? fromGroup(x) : x));
  if (g.mode === "none") return { not: { any: items } };
  return g.mode === "all" ? { all: items } : { any: items };
}

/** The engine's path of a group's children ("condition.all", "condition.not.any"). */
const childBase = (path: string, mode: Group["mode"]) => (mode === "all" ? `${path}.all` : mode === "any" ? `${path}.any` : `${path}.not.any`);

export function defaultLeaf(f: CatalogueField): Leaf {
  const op = f.ops[0];
  return { field: f.name, op, value: defaultValue(f, op) };
}

function defaultValue(f: CatalogueField, op: Op): LeafValue | undefined {
  if (op === "exists" || op === "is_empty") return true;
  if (op === "between") return f.type === "money" ? [0, 10_000] : [0, 30];
  if (LIST_OPS.includes(op)) return f.values ? [f.values[0]] : [];
  if (f.type === "boolean") return true;
  if (f.type === "number") return DAY_FIELDS.has(f.name) ? 30 : 1;
  if (f.type === "money") return 10_000;
  if (f.type === "enum") return f.values![0];
  return "";
}

// ---- value editors

interface ValueProps {
  field: CatalogueField;
  leaf: Leaf;
  onChange(v: LeafValue | undefined): void;
  error?: string;
  currency: string;
  titles: Record<string, string>;
  onTitles(t: Record<string, string>): void;
  id: string;
  label: string;
  tiers: readonly { id: string; name: string }[];
}

function ValueInput({ field, leaf, onChange, error, currency, titles, onTitles, id, label, tiers }: ValueProps) {
  const op = leaf.op;
  const money = field.type === "money";
  const symbol = new Intl.NumberFormat("en-US", { style: "currency", currency }).formatToParts(0).find((p) => p.type === "currency")?.value ?? "$";
  const suffix = DAY_FIELDS.has(field.name) ? "days" : undefined;

  if (op === "exists" || op === "is_empty") {
    return <Select label={label} labelHidden options={[{ label: "Yes", value: "true" }, { label: "No", value: "false" }]} value={String(leaf.value !== false)} onChange={(v) => onChange(v === "true")} error={error} />;
  }
  if (field.type === "boolean") {
    return <Select label={label} labelHidden options={[{ label: "Yes", value: "true" }, { label: "No", value: "false" }]} value={String(leaf.value === true)} onChange={(v) => onChange(v === "true")} error={error} />;
  }
  if (op === "between") {
    const [lo, hi] = Array.isArray(leaf.value) ? (leaf.value as number[]) : [null, null];
    return (
      <InlineGrid columns={2} gap="200">
        <NumberField label={`${label}, minimum`} labelHidden value={lo} money={money} currencySymbol={symbol} suffix={suffix} onChange={(v) => onChange([v as number, hi as number])} error={error} />
        <NumberField label={`${label}, maximum`} labelHidden value={hi} money={money} currencySymbol={symbol} suffix={suffix} onChange={(v) => onChange([lo as number, v as number])} />
      </InlineGrid>
    );
  }
  if (field.type === "number" || field.type === "money") {
    return <NumberField label={label} labelHidden value={typeof leaf.value === "number" ? leaf.value : null} money={money} currencySymbol={symbol} suffix={suffix} onChange={(v) => onChange(v ?? undefined)} error={error} />;
  }
  const many = LIST_OPS.includes(op);
  const list = Array.isArray(leaf.value) ? (leaf.value as string[]) : typeof leaf.value === "string" && leaf.value ? [leaf.value] : [];
  const set = (vals: string[]) => onChange(many ? vals : (vals[vals.length - 1] ?? ""));

  if (PRODUCT_FIELDS.has(field.name)) {
    return <ResourceChooser kind="product" label={label} values={list} multiple={many} onChange={set} titles={titles} onTitles={onTitles} error={error} />;
  }
  if (field.name === "affinity_collections") {
    return <ResourceChooser kind="collection" label={label} values={list} multiple={many} onChange={set} titles={titles} onTitles={onTitles} error={error} />;
  }
  // Tiers by name from the current program; without one (or for an id it no longer has) the id is typed.
  const tierChoices = field.name === "loyalty_tier" && tiers.length > 0 && list.every((v) => tiers.some((t) => t.id.toLowerCase() === v.toLowerCase())) ? tiers.map((t) => ({ value: t.id, label: t.name })) : null;
  const choices = COUNTRY_FIELDS.has(field.name) ? countryOptions() : tierChoices ?? (field.values ? field.values.map((v) => ({ value: v, label: v.replace(/_/g, " ") })) : null);
  if (choices) {
    const chosen = list.map((v) => (COUNTRY_FIELDS.has(field.name) ? v.toUpperCase() : v));
    if (!many) {
      return <Select label={label} labelHidden options={[{ label: "Choose…", value: "" }, ...choices]} value={chosen[0] ?? ""} onChange={(v) => onChange(v)} error={error} />;
    }
    const name = (v: string) => choices.find((c) => c.value === v)?.label ?? v;
    return (
      <BlockStack gap="100">
        <Select label={label} labelHidden options={[{ label: "Add…", value: "" }, ...choices.filter((c) => !chosen.includes(c.value))]} value="" onChange={(v) => v && set([...chosen, v])} error={error} />
        <InlineStack gap="100" wrap>
          {chosen.map((v) => (
            <Tag key={v} onRemove={() => set(chosen.filter((x) => x !== v))} accessibilityLabel={`Remove ${name(v)}`}>
              {name(v)}
            </Tag>
          ))}
        </InlineStack>
      </BlockStack>
    );
  }
  // Free text: tags, product types, vendors, traffic sources. Lists are comma-separated.
  return (
    <TextField
      id={id}
      label={label}
      labelHidden
      autoComplete="off"
      value={list.join(", ")}
      helpText={many ? "Separate values with commas" : undefined}
      onChange={(t) => onChange(many ? t.split(",").map((x) => x.trim()).filter(Boolean) : t)}
      error={error}
    />
  );
}

// ---- rows and groups

export interface ConditionBuilderProps {
  value: Group;
  onChange(g: Group): void;
  catalogue: CatalogueField[];
  errors: Record<string, string>;
  currency: string;
  titles: Record<string, string>;
  onTitles(t: Record<string, string>): void;
  /** The loyalty program's tiers, offered by name for the loyalty tier field. */
  tiers?: readonly { id: string; name: string }[];
}

const LOYALTY_FIELDS = new Set(["loyalty_tier", "loyalty_points", "loyalty_pending"]);

function errorAt(errors: Record<string, string>, path: string): string | undefined {
  return errors[`${path}.value`] ?? errors[`${path}.op`] ?? errors[`${path}.field`] ?? errors[path];
}

function LeafRow({ leaf, path, onChange, onRemove, props, n, scope }: { leaf: Leaf; path: string; onChange(l: Leaf): void; onRemove(): void; props: ConditionBuilderProps; n: number; scope: string }) {
  const name = scope ? `${scope}, condition ${n}` : `Condition ${n}`;
  const field = props.catalogue.find((f) => f.name === leaf.field) ?? props.catalogue[0];
  const option = (f: CatalogueField) => ({ label: f.label[0].toUpperCase() + f.label.slice(1), value: f.name });
  const groups = [
    { title: "Customer history", options: props.catalogue.filter((f) => f.personal && !LOYALTY_FIELDS.has(f.name)).map(option) },
    { title: "Loyalty program", options: props.catalogue.filter((f) => LOYALTY_FIELDS.has(f.name)).map(option) },
    { title: "This visit", options: props.catalogue.filter((f) => !f.personal).map(option) },
  ];
  const error = errorAt(props.errors, path);
  return (
    <Box padding="200" borderWidth="025" borderColor="border" borderRadius="200">
      <BlockStack gap="200">
        <InlineGrid columns={{ xs: 1, md: ["oneThird", "oneThird", "oneThird"] }} gap="200">
          <Select
            label={`${name}: field`}
            options={groups}
            value={field.name}
            helpText={field.description}
            onChange={(name) => onChange(defaultLeaf(props.catalogue.find((f) => f.name === name)!))}
          />
          <Select
            label={`${name}: operator`}
            options={field.ops.map((o) => ({ label: OP_LABELS[o], value: o }))}
            value={leaf.op}
            onChange={(op) => onChange({ field: field.name, op: op as Op, value: defaultValue(field, op as Op) })}
          />
          <BlockStack gap="100">
            <Text as="span" variant="bodyMd" aria-hidden>
              Value
            </Text>
            <ValueInput
              id={`v-${path}`}
              label={`${name}: value`}
              field={field}
              leaf={leaf}
              error={error}
              currency={props.currency}
              titles={props.titles}
              onTitles={props.onTitles}
              tiers={props.tiers ?? []}
              onChange={(value) => onChange(value === undefined ? { field: leaf.field, op: leaf.op } : { ...leaf, value })}
            />
          </BlockStack>
        </InlineGrid>
        <InlineStack align="end">
          <Button variant="plain" tone="critical" onClick={onRemove} accessibilityLabel={`Remove ${name.toLowerCase()}`}>
            Remove
          </Button>
        </InlineStack>
      </BlockStack>
    </Box>
  );
}

function GroupEditor({ group, path, onChange, onRemove, props, depth, label }: { group: Group; path: string; onChange(g: Group): void; onRemove?(): void; props: ConditionBuilderProps; depth: number; label: string }) {
  const base = childBase(path, group.mode);
  const setItem = (i: number, item: Group | Leaf) => onChange({ ...group, items: group.items.map((x, j) => (j === i ? item : x)) });
  const removeItem = (i: number) => onChange({ ...group, items: group.items.filter((_, j) => j !== i) });
  const groupError = props.errors[base] ?? props.errors[path];
  return (
    <BlockStack gap="200">
      <InlineStack gap="200" blockAlign="center" wrap={false}>
        <Box minWidth="220px">
          <Select
            label={`${label}: customers must match`}
            options={[
              { label: "All of these conditions", value: "all" },
              { label: "Any of these conditions", value: "any" },
              { label: "None of these conditions", value: "none" },
            ]}
            value={group.mode}
            onChange={(mode) => onChange({ ...group, mode: mode as Group["mode"] })}
          />
        </Box>
        {onRemove && (
          <Button variant="plain" tone="critical" onClick={onRemove} accessibilityLabel={`Remove ${label}`}>
            Remove group
          </Button>
        )}
      </InlineStack>
      {groupError && (
        <Text as="p" tone="critical">
          {groupError}
        </Text>
      )}
      {group.items.map((item, i) =>
        "mode" in item ? (
          <Box key={i} paddingInlineStart="400" borderInlineStartWidth="025" borderColor="border">
            <GroupEditor group={item} path={`${base}[${i}]`} depth={depth + 1} props={props} label={`${label}, group ${i + 1}`} onChange={(g) => setItem(i, g)} onRemove={() => removeItem(i)} />
          </Box>
        ) : (
          <LeafRow key={i} n={i + 1} scope={depth === 0 ? "" : label} leaf={item} path={`${base}[${i}]`} props={props} onChange={(l) => setItem(i, l)} onRemove={() => removeItem(i)} />
        ),
      )}
      <InlineStack gap="200">
        <Button onClick={() => onChange({ ...group, items: [...group.items, defaultLeaf(props.catalogue.find((f) => f.name === "lifetime_value_cents") ?? props.catalogue[0])] })}>Add condition</Button>
        {depth < 3 && <Button onClick={() => onChange({ ...group, items: [...group.items, { mode: "any", items: [] }] })}>Add group</Button>}
      </InlineStack>
    </BlockStack>
  );
}

export function ConditionBuilder(props: ConditionBuilderProps) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Conditions
        </Text>
        <GroupEditor group={props.value} path="condition" depth={0} props={props} label="Segment" onChange={props.onChange} />
      </BlockStack>
    </Card>
  );
}
