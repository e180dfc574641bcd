/**
 * One customer's loyalty record: balances, tier and progress, the ledger history, and a manual
 * adjustment (a required reason, recorded with the staff member in the entry and the audit log).
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, FormLayout, InlineGrid, Layout, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import { AdminPage } from "~/components/AdminPage";
import { useToast } from "~/components/AdminShell";
import { LoyaltyExportButton } from "~/components/LoyaltyExportButton";
import { LoyaltyHistory } from "~/components/LoyaltyHistory";
import type { LedgerLine, MemberSummary } from "~/engine/loyalty/types";
import { adminContext } from "~/services/admin-context.server";
import { adjustMember, memberDetail, REASON_MAX } from "~/services/loyalty-admin.server";
import { customerIdOf } from "~/utils/customer-id";
import { invalid } from "~/utils/form-errors.server";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await adminContext(request);
  const customerId = customerIdOf(params.customerId);
  if (!customerId) throw new Response("Not a customer id", { status: 404 });
  const { summary, inStore, currency } = await memberDetail(shop, customerId);
  if (!summary && !inStore) throw new Response(`No customer ${customerId} in this store`, { status: 404 });
  return { customerId, summary, inStore, currency, reasonMax: REASON_MAX };
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop, actor } = await adminContext(request);
  const form = await request.formData();
  const r = await adjustMember(shop, actor, params.customerId, { delta: form.get("delta"), reason: form.get("reason") });
  return r.ok ? { ok: true as const, balance: r.balance, delta: r.delta } : invalid(r.errors);
};

type ActionData = { ok: true; balance: number; delta: number } | { ok: false; errors: Record<string, string> };

function Stat({ label, value, help }: { label: string; value: string; help?: string }) {
  return (
    <BlockStack gap="100">
      <Text as="h3" variant="headingSm" tone="subdued">
        {label}
      </Text>
      <Text as="p" variant="headingLg">
        {value}
      </Text>
      {help ? (
        <Text as="p" tone="subdued">
          {help}
        </Text>
      ) : null}
    </BlockStack>
  );
}

function Adjust({ customerId, reasonMax }: { customerId: string; reasonMax: number }) {
  const fetcher = useFetcher<ActionData>({ key: `adjust-${customerId}` });
  const toast = useToast();
  const [delta, setDelta] = useState("");
  const [reason, setReason] = useState("");
  const errors = fetcher.data && !fetcher.data.ok ? fetcher.data.errors : {};
  useEffect(() => {
    const d = fetcher.data;
    if (fetcher.state !== "idle" || !d?.ok) return;
    toast(`${d.delta > 0 ? "Added" : "Removed"} ${Math.abs(d.delta)} points: balance ${d.balance}`);
    setDelta("");
    setReason("");
  }, [fetcher.state, fetcher.data, toast]);
  return (
    <Card>
      <fetcher.Form method="post" aria-label="Adjust points">
        <FormLayout>
          <Text as="h2" variant="headingMd">
            Adjust points
          </Text>
          {errors._form ? <Banner tone="critical">{errors._form}</Banner> : null}
          <FormLayout.Group>
            <TextField label="Points" name="delta" type="number" value={delta} onChange={setDelta} error={errors.delta} autoComplete="off" helpText="Positive to add, negative to remove. A removal never takes the balance below zero." />
            <TextField label="Reason" name="reason" value={reason} onChange={setReason} error={errors.reason} autoComplete="off" maxLength={reasonMax} helpText="Required. Kept in the history with your name; no personal data." />
          </FormLayout.Group>
          <Button submit variant="primary" loading={fetcher.state !== "idle"}>
            Record adjustment
          </Button>
        </FormLayout>
      </fetcher.Form>
    </Card>
  );
}

export default function LoyaltyMember() {
  const { customerId, summary, currency, reasonMax } = useLoaderData<typeof loader>();
  const s = summary as MemberSummary | null;
  const n = (v: number) => v.toLocaleString("en-US");
  const money = (cents: number) => (cents / 100).toLocaleString("en-US", { style: "currency", currency });
  return (
    <AdminPage title={`Customer ${customerId}`} subtitle="Loyalty points and history" backAction={{ content: "Loyalty members", url: "/app/loyalty/members" }}>
      <Layout>
        <Layout.Section>
          <Card>
            {s ? (
              <BlockStack gap="400">
                <InlineGrid columns={{ xs: 2, md: 4 }} gap="400">
                  <Stat label="Points" value={n(s.points)} help={s.owed ? `${n(s.owed)} owed: settled from future earnings` : undefined} />
                  <Stat label="Pending" value={n(s.pending)} help="Spendable after the return window" />
                  <Stat label="Tier" value={s.tier?.name ?? "None"} help={s.nextTier ? `${s.nextTier.basis === "spend" ? `${money(s.nextTier.remaining)} of spend` : `${n(s.nextTier.remaining)} points`} to ${s.nextTier.name}` : undefined} />
                  <Stat label="Earned in total" value={n(s.lifetimePoints)} help={s.nextExpiry ? `${n(s.nextExpiry.points)} expire on ${s.nextExpiry.at.slice(0, 10)}` : undefined} />
                </InlineGrid>
                <InlineGridRow birthday={Boolean(s.birthday)} customerId={customerId} />
              </BlockStack>
            ) : (
              <Text as="p">This customer has no points yet. An adjustment below makes them a member.</Text>
            )}
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Adjust customerId={customerId} reasonMax={reasonMax} />
        </Layout.Section>
        <Layout.Section>
          <Card padding="0">
            <div style={{ padding: "16px 16px 0" }}>
              <Text as="h2" variant="headingMd">
                History
              </Text>
            </div>
            <LoyaltyHistory lines={(s?.history ?? []) as LedgerLine[]} />
          </Card>
        </Layout.Section>
      </Layout>
    </AdminPage>
  );
}

function InlineGridRow({ birthday, customerId }: { birthday: boolean; customerId: string }) {
  return (
    <InlineGrid columns={2} gap="200" alignItems="center">
      <div>{birthday ? <Badge tone="info">Birthday on file</Badge> : <Badge>No birthday</Badge>}</div>
      <div style={{ justifySelf: "end" }}>
        <LoyaltyExportButton customerId={customerId} label="Export this history (CSV)" />
      </div>
    </InlineGrid>
  );
}
