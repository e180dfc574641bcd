/** Customers: find a customer by Shopify id and turn personalization off (or back on) for them. */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useFetcher, useLoaderData, useSearchParams } from "@remix-run/react";
import { Badge, BlockStack, Button, Card, Checkbox, DataTable, EmptyState, InlineStack, Text, TextField } from "@shopify/polaris";
import { useEffect, useState } from "react";
import { AdminPage } from "~/components/AdminPage";
import { useToast } from "~/components/AdminShell";
import { db } from "~/db.server";
import { listCustomersForAdmin, setPersonalizationOptOut } from "~/models/opt-out.server";
import { adminContext } from "~/services/admin-context.server";
import { invalid } from "~/utils/form-errors.server";
import { writeTransaction } from "~/models/sql.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await adminContext(request);
  const url = new URL(request.url);
  const query = url.searchParams.get("q") ?? "";
  const optedOutOnly = url.searchParams.get("optedOut") === "1";
  return { customers: await listCustomersForAdmin(db(), shop, { query, optedOutOnly }), query, optedOutOnly };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, actor } = await adminContext(request);
  const form = await request.formData();
  const customerId = String(form.get("customerId") ?? "").trim();
  const optOut = String(form.get("optOut") ?? "");
  if (!/^\d{1,20}$/.test(customerId)) return invalid({ customerId: "Customer id is a number" });
  if (optOut !== "true" && optOut !== "false") return invalid({ optOut: "optOut is true or false" });
  const done = await writeTransaction(db(), (tx) => setPersonalizationOptOut(tx, shop, customerId, optOut === "true", { actor, source: "admin" }));
  if (!done) return invalid({ customerId: `No customer ${customerId} in this store` });
  return { ok: true, customerId, optOut: optOut === "true" };
};

function Toggle({ id, optedOut }: { id: string; optedOut: boolean }) {
  const fetcher = useFetcher<{ ok: boolean; optOut?: boolean; errors?: Record<string, string> }>({ key: `optout-${id}` });
  const toast = useToast();
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data?.ok) toast(fetcher.data.optOut ? `Personalization off for ${id}` : `Personalization on for ${id}`);
  }, [fetcher.state, fetcher.data, id, toast]);
  const next = !optedOut;
  return (
    <fetcher.Form method="post">
      <input type="hidden" name="customerId" value={id} />
      <input type="hidden" name="optOut" value={String(next)} />
      <Button submit size="slim" loading={fetcher.state !== "idle"} accessibilityLabel={`${next ? "Turn off" : "Turn on"} personalization for customer ${id}`}>
        {next ? "Turn off personalization" : "Turn on personalization"}
      </Button>
    </fetcher.Form>
  );
}

export default function Customers() {
  const { customers, query, optedOutOnly } = useLoaderData<typeof loader>();
  const [q, setQ] = useState(query);
  const [, setParams] = useSearchParams();
  return (
    <AdminPage title="Customers" subtitle="Customers can opt out of personalization on your storefront; you can also do it for them here.">
      <Card>
        <BlockStack gap="300">
          <Form method="get">
            <InlineStack gap="200" blockAlign="end">
              <div style={{ flex: 1 }}>
                <TextField label="Customer id" name="q" value={q} onChange={setQ} autoComplete="off" placeholder="Shopify customer id, such as 7123456789" />
              </div>
              <Button submit>Search</Button>
            </InlineStack>
          </Form>
          <Checkbox
            label="Only customers who opted out"
            checked={optedOutOnly}
            onChange={(v) => setParams((p) => {
              if (v) p.set("optedOut", "1");
              else p.delete("optedOut");
              return p;
            })}
          />
          {customers.length === 0 ? (
            <EmptyState heading="No customers match" image="">
              <Text as="p">Customers arrive with your store history and new orders.</Text>
            </EmptyState>
          ) : (
            <DataTable
              columnContentTypes={["text", "text", "text", "text"]}
              headings={["Customer id", "Country", "Personalization", ""]}
              rows={customers.map((c) => [c.id, c.countryCode ?? "", c.personalizationOptOut ? <Badge key="b">Off (opted out)</Badge> : <Badge key="b" tone="success">On</Badge>, <Toggle key="t" id={c.id} optedOut={c.personalizationOptOut} />])}
            />
          )}
        </BlockStack>
      </Card>
    </AdminPage>
  );
}
