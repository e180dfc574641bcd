/**
 * The loyalty program's settings as one controlled form: earning, tiers with their benefits, and the
 * rewards catalogue. The parent holds the draft and the server's field errors (keys are
 * parseProgram's paths, such as `tiers.1.threshold`), so a refused save shows each message beside its field.
 */
import { Badge, BlockStack, Button, Card, Checkbox, Divider, FormLayout, InlineGrid, InlineStack, Select, Text, TextField } from "@shopify/polaris";
import type { ProgramConfig, Reward, RewardKind, Tier } from "~/engine/loyalty/types";
import { NumberField } from "./NumberField";

type Errors = Record<string, string>;
type Set = (next: ProgramConfig) => void;

const WINDOW_OPTIONS = [
  { label: "Rolling 12 months", value: "rolling12" },
  { label: "Calendar year", value: "calendar" },
  { label: "Lifetime", value: "lifetime" },
];
const BASIS_OPTIONS = [
  { label: "Spend", value: "spend" },
  { label: "Points earned", value: "points" },
];
const KIND_OPTIONS: { label: string; value: RewardKind }[] = [
  { label: "Amount off", value: "amount" },
  { label: "Percentage off", value: "percentage" },
  { label: "Free shipping", value: "free_shipping" },
];

/** A blank numeric field reaches the server as null and comes back as a field error. */
const num = (v: number | null) => v as number;

export function currencySymbolOf(currency: string): string {
  try {
    return new Intl.NumberFormat("en-US", { style: "currency", currency }).formatToParts(0).find((p) => p.type === "currency")?.value ?? "$";
  } catch {
    return "$";
  }
}

/** A short id from a name, unique among `taken` (ids are stable: a rename keeps the old one). */
export function newId(name: string, fallback: string, taken: string[]): string {
  const base = name.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_|_$/g, "").slice(0, 40) || fallback;
  let id = base;
  for (let n = 2; taken.includes(id); n++) id = `${base}_${n}`;
  return id;
}

export function LoyaltyProgramForm({ value, onChange, errors, currencySymbol }: { value: ProgramConfig; onChange: Set; errors: Errors; currencySymbol: string }) {
  return (
    <BlockStack gap="400">
      <EarningCard value={value} onChange={onChange} errors={errors} />
      <TiersCard value={value} onChange={onChange} errors={errors} currencySymbol={currencySymbol} />
      <RewardsCard value={value} onChange={onChange} errors={errors} currencySymbol={currencySymbol} />
    </BlockStack>
  );
}

function EarningCard({ value: p, onChange, errors }: { value: ProgramConfig; onChange: Set; errors: Errors }) {
  const set = <K extends keyof ProgramConfig>(k: K, v: ProgramConfig[K]) => onChange({ ...p, [k]: v });
  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            Earning
          </Text>
          {p.enabled ? <Badge tone="success">On</Badge> : <Badge>Off</Badge>}
        </InlineStack>
        <Checkbox
          label="Program is on"
          helpText="Off: shoppers see no loyalty block and nobody earns or redeems. Points already earned are kept."
          checked={p.enabled}
          onChange={(v) => set("enabled", v)}
          error={errors.enabled}
        />
        <FormLayout>
          <FormLayout.Group>
            <NumberField label="Points per currency unit" value={p.pointsPerUnit} onChange={(v) => set("pointsPerUnit", num(v))} error={errors.pointsPerUnit} helpText="On paid orders: merchandise after discounts." min={0} />
            <NumberField label="Pending days" value={p.pendingDays} onChange={(v) => set("pendingDays", num(v))} error={errors.pendingDays} helpText="Points become spendable this many days after the order (your return window). 0: at once." min={0} />
          </FormLayout.Group>
          <FormLayout.Group>
            <Checkbox label="Shipping earns points" checked={p.includeShipping} onChange={(v) => set("includeShipping", v)} error={errors.includeShipping} />
            <Checkbox label="Tax earns points" checked={p.includeTax} onChange={(v) => set("includeTax", v)} error={errors.includeTax} />
          </FormLayout.Group>
          <FormLayout.Group>
            <NumberField label="Sign-up bonus (points)" value={p.signupBonus} onChange={(v) => set("signupBonus", num(v))} error={errors.signupBonus} min={0} />
            <NumberField label="Birthday bonus (points)" value={p.birthdayBonus} onChange={(v) => set("birthdayBonus", num(v))} error={errors.birthdayBonus} helpText="Once per 12 months; shoppers enter their birthday in the loyalty block." min={0} />
          </FormLayout.Group>
          <FormLayout.Group>
            <Checkbox label="Points expire" helpText="After months without activity (an order, a redemption)." checked={p.expiryMonths != null} onChange={(v) => set("expiryMonths", v ? 12 : null)} />
            {p.expiryMonths != null ? (
              <NumberField label="Months without activity" value={p.expiryMonths} onChange={(v) => set("expiryMonths", num(v))} error={errors.expiryMonths} min={1} />
            ) : (
              <Text as="p" tone="subdued">
                Points never expire.
              </Text>
            )}
          </FormLayout.Group>
        </FormLayout>
      </BlockStack>
    </Card>
  );
}

/** A tier's or reward's heading with its Remove button (named for screen readers). */
function ItemHeader({ label, what, onRemove }: { label: string; what: string; onRemove(): void }) {
  return (
    <>
      <Divider />
      <InlineStack align="space-between" blockAlign="center">
        <Text as="h3" variant="headingSm">
          {label}
        </Text>
        <Button variant="plain" tone="critical" onClick={onRemove} accessibilityLabel={`Remove ${what} ${label}`}>
          Remove
        </Button>
      </InlineStack>
    </>
  );
}

function TiersCard({ value: p, onChange, errors, currencySymbol }: { value: ProgramConfig; onChange: Set; errors: Errors; currencySymbol: string }) {
  const setTier = (i: number, t: Partial<Tier>) => onChange({ ...p, tiers: p.tiers.map((x, j) => (j === i ? { ...x, ...t } : x)) });
  const add = () => {
    const last = p.tiers[p.tiers.length - 1];
    onChange({ ...p, tiers: [...p.tiers, { id: "", name: "", threshold: last ? last.threshold * 2 || 1 : 0, multiplier: 1, entryRewardPoints: 0, freeShipping: false, earlyAccess: false }] });
  };
  const spend = p.tierBasis === "spend";
  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          Tiers
        </Text>
        {errors.tiers ? <Text as="p" tone="critical">{errors.tiers}</Text> : null}
        <FormLayout>
          <FormLayout.Group>
            <Select label="Tiers are reached by" options={BASIS_OPTIONS} value={p.tierBasis} onChange={(v) => onChange({ ...p, tierBasis: v as ProgramConfig["tierBasis"] })} error={errors.tierBasis} />
            <Select label="Counted over" options={WINDOW_OPTIONS} value={p.tierWindow} onChange={(v) => onChange({ ...p, tierWindow: v as ProgramConfig["tierWindow"] })} error={errors.tierWindow} />
          </FormLayout.Group>
        </FormLayout>
        {p.tiers.map((t, i) => {
          const e = (k: string) => errors[`tiers.${i}.${k}`];
          const label = t.name || `Tier ${i + 1}`;
          return (
            <BlockStack key={t.id || `new-${i}`} gap="300">
              <ItemHeader label={label} what="tier" onRemove={() => onChange({ ...p, tiers: p.tiers.filter((_, j) => j !== i) })} />
              <InlineGrid columns={{ xs: 1, md: 4 }} gap="300">
                <TextField label="Name" value={t.name} onChange={(v) => setTier(i, { name: v })} error={e("name") ?? e("id")} autoComplete="off" />
                <NumberField label={spend ? "Spend from" : "Points earned from"} money={spend} currencySymbol={currencySymbol} value={t.threshold} onChange={(v) => setTier(i, { threshold: num(v) })} error={e("threshold")} min={0} />
                <NumberField label="Points multiplier" value={t.multiplier} onChange={(v) => setTier(i, { multiplier: num(v) })} error={e("multiplier")} suffix="×" min={1} />
                <NumberField label="Entry reward (points)" value={t.entryRewardPoints} onChange={(v) => setTier(i, { entryRewardPoints: num(v) })} error={e("entryRewardPoints")} min={0} />
              </InlineGrid>
              <InlineStack gap="400">
                <Checkbox label="Free shipping" checked={t.freeShipping} onChange={(v) => setTier(i, { freeShipping: v })} error={e("freeShipping")} />
                <Checkbox label="Early access" checked={t.earlyAccess} onChange={(v) => setTier(i, { earlyAccess: v })} error={e("earlyAccess")} />
              </InlineStack>
            </BlockStack>
          );
        })}
        <InlineStack>
          <Button onClick={add}>Add tier</Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}

function RewardsCard({ value: p, onChange, errors, currencySymbol }: { value: ProgramConfig; onChange: Set; errors: Errors; currencySymbol: string }) {
  const setReward = (i: number, r: Partial<Reward>) => onChange({ ...p, rewards: p.rewards.map((x, j) => (j === i ? { ...x, ...r } : x)) });
  const add = () => onChange({ ...p, rewards: [...p.rewards, { id: "", title: "", kind: "amount", value: 500, cost: 500, minOrderCents: null, active: true }] });
  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          Rewards
        </Text>
        <Text as="p" tone="subdued">
          Each reward is one discount in Shopify; a shopper who redeems gets a single-use code at once.
        </Text>
        {errors.rewards ? <Text as="p" tone="critical">{errors.rewards}</Text> : null}
        {p.rewards.map((r, i) => {
          const e = (k: string) => errors[`rewards.${i}.${k}`];
          const label = r.title || `Reward ${i + 1}`;
          return (
            <BlockStack key={r.id || `new-${i}`} gap="300">
              <ItemHeader label={label} what="reward" onRemove={() => onChange({ ...p, rewards: p.rewards.filter((_, j) => j !== i) })} />
              <InlineGrid columns={{ xs: 1, md: 3 }} gap="300">
                <TextField label="Title" value={r.title} onChange={(v) => setReward(i, { title: v })} error={e("title") ?? e("id")} autoComplete="off" />
                <Select label="Type" options={KIND_OPTIONS} value={r.kind} onChange={(v) => setReward(i, { kind: v as RewardKind, value: v === "free_shipping" ? 0 : v === "percentage" ? 10 : 500 })} error={e("kind")} />
                {r.kind === "free_shipping" ? (
                  <Text as="p" tone="subdued">
                    Free shipping on one order.
                  </Text>
                ) : (
                  <NumberField
                    label={r.kind === "percentage" ? "Percentage off" : "Amount off"}
                    money={r.kind === "amount"}
                    currencySymbol={currencySymbol}
                    suffix={r.kind === "percentage" ? "%" : undefined}
                    value={r.value}
                    onChange={(v) => setReward(i, { value: num(v) })}
                    error={e("value")}
                    min={0}
                  />
                )}
                <NumberField label="Cost (points)" value={r.cost} onChange={(v) => setReward(i, { cost: num(v) })} error={e("cost")} min={1} />
                <NumberField label="Minimum order (optional)" money currencySymbol={currencySymbol} value={r.minOrderCents} onChange={(v) => setReward(i, { minOrderCents: v })} error={e("minOrderCents")} min={0} />
                <Checkbox label="Shoppers can redeem it" checked={r.active} onChange={(v) => setReward(i, { active: v })} error={e("active")} />
              </InlineGrid>
            </BlockStack>
          );
        })}
        <InlineStack>
          <Button onClick={add}>Add reward</Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}

/** Ids for the items that have none yet (new ones), from their names, unique in the list. */
function named<T extends { id: string }>(items: T[], name: (t: T) => string, fallback: string): T[] {
  const taken = items.map((t) => t.id).filter(Boolean);
  return items.map((t, i) => {
    if (t.id) return t;
    const id = newId(name(t), `${fallback}_${i + 1}`, taken);
    taken.push(id);
    return { ...t, id };
  });
}

/** New tiers and rewards get their ids from their names when they are first saved. */
export function withIds(p: ProgramConfig): ProgramConfig {
  return { ...p, tiers: named(p.tiers, (t) => t.name, "tier"), rewards: named(p.rewards, (r) => r.title, "reward") };
}
