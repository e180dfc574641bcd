/**
 * Settings: free-shipping threshold (the one value the cart block and the API read), VIP threshold,
 * at-risk and lapsed ratios, repeat-purchase product types, exclusions; and the stored configuration
 * the engine had to skip, with the reasons.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Card, FormLayout, Layout, List, Text, TextField } from "@shopify/polaris";
import { useEffect, useMemo, useState } from "react";
import { AdminPage } from "~/components/AdminPage";
import { useToast } from "~/components/AdminShell";
import { UnsavedChangesBar } from "~/components/UnsavedChangesBar";
import { db } from "~/db.server";
import { settingsForm, type SettingsForm } from "~/models/settings.server";
import { loadShopConfig } from "~/models/shop-config.server";
import { adminContext } from "~/services/admin-context.server";
import { saveSettingsPage } from "~/services/settings.server";
import { invalid } from "~/utils/form-errors.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await adminContext(request);
  const [form, loaded] = await Promise.all([settingsForm(db(), shop), loadShopConfig(db(), shop)]);
  return { form, problems: loaded?.problems ?? [] };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, actor } = await adminContext(request);
  const form = Object.fromEntries([...(await request.formData()).entries()].map(([k, v]) => [k, String(v)]));
  const r = await saveSettingsPage(shop, actor, form);
  if (!r.ok) return invalid(r.errors);
  return { ok: true };
};

const FIELDS: { key: keyof SettingsForm; label: string; help: string; prefix?: string; multiline?: boolean }[] = [
  { key: "freeShippingThreshold", label: "Free-shipping threshold", prefix: "$", help: "The cart bar and the storefront API show progress towards this amount. Empty: no free-shipping bar." },
  { key: "vipThreshold", label: "VIP threshold", prefix: "$", help: "Lifetime spend (net of refunds) from which a customer is a VIP." },
  { key: "atRiskChurnRatio", label: "At-risk ratio", help: "A customer is at risk when the time since their last order reaches this many times their usual gap between orders." },
  { key: "lapsedChurnRatio", label: "Lapsed ratio", help: "Lapsed from this many times the usual gap (must be above the at-risk ratio)." },
  { key: "repeatPurchaseProductTypes", label: "Repeat-purchase product types", help: "Optional. Attune learns from your orders which products shoppers buy again and suggests them when they run out; list product types here (comma-separated) to always treat them as re-bought, e.g. a new line with no orders yet.", multiline: true },
  { key: "excludeProductIds", label: "Never recommend these products", help: "Product ids, comma-separated (the number at the end of the product's admin URL).", multiline: true },
];

export default function Settings() {
  const { form, problems } = useLoaderData<typeof loader>();
  const fetcher = useFetcher<{ ok: boolean; errors?: Record<string, string> }>({ key: "settings" });
  const toast = useToast();
  const [values, setValues] = useState<SettingsForm>(form);
  useEffect(() => setValues(form), [form]);
  const dirty = useMemo(() => JSON.stringify(values) !== JSON.stringify(form), [values, form]);
  const errors = fetcher.data && !fetcher.data.ok ? (fetcher.data.errors ?? {}) : {};
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data?.ok) toast("Settings saved");
  }, [fetcher.state, fetcher.data, toast]);
  const save = () => fetcher.submit(values as unknown as Record<string, string>, { method: "post" });
  return (
    <AdminPage title="Settings">
      <UnsavedChangesBar id="settings-save-bar" dirty={dirty} saving={fetcher.state !== "idle"} onSave={save} onDiscard={() => setValues(form)} />
      <Layout>
        {problems.length ? (
          <Layout.Section>
            <Banner tone="warning" title={`${problems.length} stored ${problems.length === 1 ? "entry is" : "entries are"} invalid and skipped by the storefront`}>
              <List>
                {problems.map((p) => (
                  <List.Item key={p}>{p}</List.Item>
                ))}
              </List>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Card>
            <form
              onSubmit={(e) => {
                e.preventDefault();
                save();
              }}
            >
              <BlockStack gap="400">
                <Text as="h2" variant="headingMd">
                  Storefront and segments
                </Text>
                {errors._form ? <Banner tone="critical">{errors._form}</Banner> : null}
                <FormLayout>
                  {FIELDS.map((f) => (
                    <TextField
                      key={f.key}
                      label={f.label}
                      name={f.key}
                      value={values[f.key]}
                      onChange={(v) => setValues((s) => ({ ...s, [f.key]: v }))}
                      error={errors[f.key]}
                      helpText={f.help}
                      prefix={f.prefix}
                      multiline={f.multiline ? 2 : undefined}
                      autoComplete="off"
                    />
                  ))}
                  <button type="submit" hidden aria-hidden="true" tabIndex={-1} />
                </FormLayout>
              </BlockStack>
            </form>
          </Card>
        </Layout.Section>
      </Layout>
    </AdminPage>
  );
}
