/**
 * Offers: discount codes created in Shopify (Admin API), their status and usage, and the
 * visitor-type offers (first-time, returning, high-value cart, loyal, lapsed), each off until the
 * merchant turns it on with a real code.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useFetchers, useLoaderData } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, Checkbox, DataTable, EmptyState, FormLayout, InlineError, InlineStack, Layout, Select, Text, TextField } from "@shopify/polaris";
import { useCallback, useEffect, useMemo, useState } from "react";
import { AdminPage } from "~/components/AdminPage";
import { useToast } from "~/components/AdminShell";
import { UnsavedChangesBar } from "~/components/UnsavedChangesBar";
import { db } from "~/db.server";
import { listOffers, parseOfferForm, type OfferRow } from "~/models/offers.server";
import { saveVisitorOffer, visitorOffers } from "~/models/settings.server";
import { describeOffer, isUsable, VISITOR_OFFER_KEYS, type VisitorOfferKey } from "~/utils/admin-shared";
import { adminContext } from "~/services/admin-context.server";
import { changeOffer, createOffer, refreshOfferStats } from "~/services/offers.server";
import { invalid } from "~/utils/form-errors.server";
import { writeTransaction } from "~/models/sql.server";
import { getShop } from "~/models/shop.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await adminContext(request);
  const refreshed = await refreshOfferStats(shop);
  const database = db();
  const [offers, visitor, shopRow] = await Promise.all([listOffers(database, shop), visitorOffers(database, shop), getShop(database, shop)]);
  return { offers, visitor, currency: shopRow?.currency ?? "USD", refreshError: refreshed.error };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, actor } = await adminContext(request);
  const form = Object.fromEntries([...(await request.formData()).entries()].map(([k, v]) => [k, String(v)]));
  if (form.intent === "create") {
    const parsed = parseOfferForm(form);
    if (!parsed.ok) return invalid(parsed.errors);
    const r = await createOffer(shop, actor, parsed.value);
    if (!r.ok) return invalid(r.errors);
    return { ok: true, code: r.offer.code };
  }
  if (form.intent === "visitorOffer") {
    const r = await writeTransaction(db(), (tx) => saveVisitorOffer(tx, shop, actor, form.key ?? "", form));
    if (!r.ok) return invalid(r.errors);
    return { ok: true, key: form.key };
  }
  if (form.intent === "deactivate" || form.intent === "delete") {
    const r = await changeOffer(shop, actor, form.id ?? "", form.intent);
    if (!r.ok) return invalid(r.errors);
    return { ok: true, code: r.offer.code, intent: form.intent };
  }
  return invalid({ intent: "Unknown action" });
};

type ActionData = { ok: boolean; errors?: Record<string, string>; code?: string; intent?: string };

const KIND_OPTIONS = [
  { label: "Percentage off", value: "percentage" },
  { label: "Amount off", value: "amount" },
  { label: "Free shipping", value: "free_shipping" },
];

function CreateOfferForm() {
  const fetcher = useFetcher<ActionData>({ key: "create-offer" });
  const toast = useToast();
  const empty = { title: "", code: "", kind: "percentage", value: "10", minSubtotal: "", endsAt: "" };
  const [f, setF] = useState(empty);
  const errors = fetcher.data && !fetcher.data.ok ? (fetcher.data.errors ?? {}) : {};
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data?.ok) {
      toast(`Offer ${fetcher.data.code} created in Shopify`);
      setF(empty);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [fetcher.state, fetcher.data]);
  const set = (k: keyof typeof f) => (v: string) => setF((s) => ({ ...s, [k]: v }));
  return (
    <Card>
      <fetcher.Form method="post" aria-label="Create an offer">
        <input type="hidden" name="intent" value="create" />
        <FormLayout>
          <Text as="h2" variant="headingMd">
            Create an offer
          </Text>
          {errors._form ? <Banner tone="critical">{errors._form}</Banner> : null}
          <FormLayout.Group>
            <TextField label="Title" name="title" value={f.title} onChange={set("title")} error={errors.title} autoComplete="off" helpText="Shown in Shopify's discounts list" />
            <TextField label="Discount code" name="code" value={f.code} onChange={set("code")} error={errors.code} autoComplete="off" helpText="What shoppers type at checkout, such as WELCOME10" />
          </FormLayout.Group>
          <FormLayout.Group>
            <Select label="Type" name="kind" options={KIND_OPTIONS} value={f.kind} onChange={set("kind")} error={errors.kind} />
            {f.kind !== "free_shipping" ? (
              <TextField
                label={f.kind === "percentage" ? "Percentage off" : "Amount off"}
                name="value"
                type="number"
                value={f.value}
                onChange={set("value")}
                error={errors.value}
                autoComplete="off"
                suffix={f.kind === "percentage" ? "%" : undefined}
                prefix={f.kind === "amount" ? "$" : undefined}
              />
            ) : (
              <input type="hidden" name="value" value="" />
            )}
          </FormLayout.Group>
          <FormLayout.Group>
            <TextField label="Minimum subtotal (optional)" name="minSubtotal" type="number" prefix="$" value={f.minSubtotal} onChange={set("minSubtotal")} error={errors.minSubtotal} autoComplete="off" />
            <TextField label="End date (optional)" name="endsAt" type="date" value={f.endsAt} onChange={set("endsAt")} error={errors.endsAt} autoComplete="off" />
          </FormLayout.Group>
          <Button submit variant="primary" loading={fetcher.state !== "idle"}>
            Create in Shopify
          </Button>
        </FormLayout>
      </fetcher.Form>
    </Card>
  );
}

function statusBadge(status: string) {
  const tone = status === "active" ? "success" : status === "scheduled" ? "info" : status === "failed" || status === "deleted" ? "critical" : undefined;
  return <Badge tone={tone}>{status[0].toUpperCase() + status.slice(1)}</Badge>;
}

/** Deactivate / delete one offer; refused (with the reason beside the buttons) while a rule or visitor offer uses it. */
function OfferActions({ o }: { o: OfferRow }) {
  const fetcher = useFetcher<ActionData>({ key: `offer-${o.id}` });
  const toast = useToast();
  const error = fetcher.data && !fetcher.data.ok ? (fetcher.data.errors?.id ?? fetcher.data.errors?._form) : undefined;
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data?.ok) toast(`Offer ${fetcher.data.code} ${fetcher.data.intent === "delete" ? "deleted" : "deactivated"}`);
  }, [fetcher.state, fetcher.data, toast]);
  const busy = fetcher.state !== "idle";
  const submit = (intent: "deactivate" | "delete") => {
    if (intent === "delete" && !window.confirm(`Delete ${o.code} in Shopify? Shoppers can no longer use it.`)) return;
    fetcher.submit({ intent, id: o.id }, { method: "post" });
  };
  return (
    <BlockStack gap="100">
      <InlineStack gap="200" wrap={false}>
        {isUsable(o) ? (
          <Button size="slim" onClick={() => submit("deactivate")} loading={busy && fetcher.formData?.get("intent") === "deactivate"} accessibilityLabel={`Deactivate ${o.code}`}>
            Deactivate
          </Button>
        ) : null}
        <Button size="slim" tone="critical" onClick={() => submit("delete")} loading={busy && fetcher.formData?.get("intent") === "delete"} accessibilityLabel={`Delete ${o.code}`}>
          Delete
        </Button>
      </InlineStack>
      {error ? <InlineError message={error} fieldID={`offer-${o.id}`} /> : null}
    </BlockStack>
  );
}

const VISITOR_LABELS: Record<VisitorOfferKey, { title: string; who: string }> = {
  welcome: { title: "First-time visitors", who: "A visitor we have not seen before" },
  freeShippingReminder: { title: "Returning visitors", who: "A visitor back again, or signed in" },
  prioritySupport: { title: "High-value carts", who: "A cart worth at least the amount below" },
  earlyAccess: { title: "Loyal customers", who: "Repeat buyers and VIPs" },
  winBack: { title: "Lapsed customers", who: "Customers long past their usual reorder gap" },
};

type VisitorSetting = { enabled: boolean; message: string; discountCode?: string | null; trigger: { type: "exit_intent" } | { type: "delay"; seconds: number }; minCartValueCents?: number };

function visitorFormState(setting: VisitorSetting) {
  return {
    enabled: setting.enabled,
    message: setting.message,
    discountCode: setting.discountCode ?? "",
    triggerType: setting.trigger.type,
    delaySeconds: setting.trigger.type === "delay" ? String(setting.trigger.seconds) : "8",
    minCartValue: setting.minCartValueCents != null ? String(setting.minCartValueCents / 100) : "",
  };
}

/**
 * One visitor offer's form. The page's one contextual save bar (VisitorOffers) saves every changed
 * form (`saveSignal`) or puts them back (`discardSignal`); each form reports whether it differs from
 * what is stored.
 */
function VisitorOfferForm({ k, setting, codes, saveSignal, discardSignal, onDirty }: { k: VisitorOfferKey; setting: VisitorSetting; codes: string[]; saveSignal: number; discardSignal: number; onDirty(k: VisitorOfferKey, dirty: boolean): void }) {
  const fetcher = useFetcher<ActionData>({ key: `visitor-${k}` });
  const toast = useToast();
  // By value: a revalidation after another form's save keeps this form's unsaved edits.
  const storedJson = JSON.stringify(visitorFormState(setting));
  const stored = useMemo(() => JSON.parse(storedJson) as ReturnType<typeof visitorFormState>, [storedJson]);
  const [f, setF] = useState(stored);
  const dirty = JSON.stringify(f) !== storedJson;
  useEffect(() => setF(stored), [stored, discardSignal]);
  useEffect(() => onDirty(k, dirty), [k, dirty, onDirty]);
  const submit = () => {
    const values: Record<string, string> = { intent: "visitorOffer", key: k, enabled: String(f.enabled), message: f.message, discountCode: f.discountCode, triggerType: f.triggerType };
    if (f.triggerType === "delay") values.delaySeconds = f.delaySeconds;
    if (k === "prioritySupport") values.minCartValue = f.minCartValue;
    fetcher.submit(values, { method: "post" });
  };
  useEffect(() => {
    if (saveSignal && dirty) submit();
    // Only a new save signal submits (not every edit).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [saveSignal]);
  const errors = fetcher.data && !fetcher.data.ok ? (fetcher.data.errors ?? {}) : {};
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data?.ok) toast("Visitor offer saved");
  }, [fetcher.state, fetcher.data, toast]);
  const label = VISITOR_LABELS[k];
  const codeOptions = [{ label: "No code", value: "" }, ...[...new Set([...codes, ...(f.discountCode ? [f.discountCode] : [])])].map((c) => ({ label: c, value: c }))];
  return (
    <Card>
      <fetcher.Form method="post" aria-label={label.title}>
        <input type="hidden" name="intent" value="visitorOffer" />
        <input type="hidden" name="key" value={k} />
        <input type="hidden" name="enabled" value={String(f.enabled)} />
        <FormLayout>
          <InlineStack align="space-between" blockAlign="center">
            <BlockStack gap="050">
              <Text as="h3" variant="headingSm">
                {label.title}
              </Text>
              <Text as="p" tone="subdued">
                {label.who}
              </Text>
            </BlockStack>
            {setting.enabled ? <Badge tone="success">On</Badge> : <Badge>Off</Badge>}
          </InlineStack>
          <Checkbox label="Show this offer" checked={f.enabled} onChange={(v) => setF((s) => ({ ...s, enabled: v }))} />
          <TextField label="Message" name="message" value={f.message} onChange={(v) => setF((s) => ({ ...s, message: v }))} error={errors.message} autoComplete="off" helpText="{code} is replaced with the discount code" />
          <FormLayout.Group>
            <Select label="Discount code" name="discountCode" options={codeOptions} value={f.discountCode} onChange={(v) => setF((s) => ({ ...s, discountCode: v }))} error={errors.discountCode} />
            <Select
              label="When"
              name="triggerType"
              options={[
                { label: "After a delay", value: "delay" },
                { label: "When the visitor is about to leave", value: "exit_intent" },
              ]}
              value={f.triggerType}
              onChange={(v) => setF((s) => ({ ...s, triggerType: v as "delay" | "exit_intent" }))}
            />
            {f.triggerType === "delay" ? (
              <TextField label="Delay (seconds)" name="delaySeconds" type="number" value={f.delaySeconds} onChange={(v) => setF((s) => ({ ...s, delaySeconds: v }))} error={errors.delaySeconds} autoComplete="off" />
            ) : null}
          </FormLayout.Group>
          {k === "prioritySupport" ? (
            <TextField label="Cart value from" name="minCartValue" type="number" prefix="$" value={f.minCartValue} onChange={(v) => setF((s) => ({ ...s, minCartValue: v }))} error={errors.minCartValue} autoComplete="off" />
          ) : null}
          {errors._form ? <Banner tone="critical">{errors._form}</Banner> : null}
          <Button submit loading={fetcher.state !== "idle"}>
            Save
          </Button>
        </FormLayout>
      </fetcher.Form>
    </Card>
  );
}

/** The visitor-offer forms under one contextual save bar: Save submits each changed form, Discard restores them. */
function VisitorOffers({ visitor, codes }: { visitor: Record<VisitorOfferKey, VisitorSetting>; codes: string[] }) {
  const [dirty, setDirty] = useState<Partial<Record<VisitorOfferKey, boolean>>>({});
  const [saveSignal, setSaveSignal] = useState(0);
  const [discardSignal, setDiscardSignal] = useState(0);
  const onDirty = useCallback((k: VisitorOfferKey, d: boolean) => setDirty((s) => (s[k] === d ? s : { ...s, [k]: d })), []);
  const saving = useFetchers().some((f) => f.key.startsWith("visitor-") && f.state !== "idle");
  return (
    <>
      <UnsavedChangesBar id="visitor-offers-save-bar" dirty={Object.values(dirty).some(Boolean)} saving={saving} onSave={() => setSaveSignal((n) => n + 1)} onDiscard={() => setDiscardSignal((n) => n + 1)} />
      {VISITOR_OFFER_KEYS.map((k) => (
        <VisitorOfferForm key={k} k={k} setting={visitor[k]} codes={codes} saveSignal={saveSignal} discardSignal={discardSignal} onDirty={onDirty} />
      ))}
    </>
  );
}

export default function Offers() {
  const { offers, visitor, currency, refreshError } = useLoaderData<typeof loader>();
  const rows = offers as unknown as OfferRow[];
  const usableCodes = rows.filter(isUsable).map((o) => o.code);
  return (
    <AdminPage title="Offers" subtitle="Discount codes created in Shopify, shown to shoppers by your rules and visitor offers.">
      <Layout>
        {refreshError ? (
          <Layout.Section>
            <Banner tone="warning" title="Status and usage could not be refreshed from Shopify">
              {refreshError}
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card>
            {rows.length === 0 ? (
              <EmptyState heading="No offers yet" image="">
                <p>Create a discount below: Attune creates it in Shopify, then your rules and visitor offers can show it.</p>
              </EmptyState>
            ) : (
              <DataTable
                columnContentTypes={["text", "text", "text", "text", "numeric", "text"]}
                headings={["Offer", "Code", "Discount", "Status", "Used", "Actions"]}
                rows={rows.map((o) => [o.title, o.code, describeOffer(o, currency), statusBadge(o.status), o.usageCount, <OfferActions key={o.id} o={o} />])}
              />
            )}
          </Card>
        </Layout.Section>
        <Layout.Section>
          <CreateOfferForm />
        </Layout.Section>
        <Layout.Section>
          <BlockStack gap="300">
            <Text as="h2" variant="headingMd">
              Visitor offers
            </Text>
            <Text as="p" tone="subdued">
              The app embed shows one of these per visit, the most specific first. Each stays off until you turn it on.
            </Text>
            <VisitorOffers visitor={visitor as unknown as Record<VisitorOfferKey, VisitorSetting>} codes={usableCodes} />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </AdminPage>
  );
}
