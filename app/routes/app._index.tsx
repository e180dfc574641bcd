import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Card, DataTable, InlineGrid, Layout, Page, Text } from "@shopify/polaris";
import { storeOverview } from "~/models/overview.server";
import { authenticate } from "~/shopify.server";
import { db } from "~/db.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return storeOverview(db(), session.shop);
};

function Stat({ label, value }: { label: string; value: string | number }) {
  return (
    <Card>
      <BlockStack gap="100">
        <Text as="h3" variant="headingSm" tone="subdued">
          {label}
        </Text>
        <Text as="p" variant="heading2xl">
          {typeof value === "number" ? value.toLocaleString("en-US") : value}
        </Text>
      </BlockStack>
    </Card>
  );
}

export default function Overview() {
  const o = useLoaderData<typeof loader>();
  return (
    <Page title="Attune">
      <Layout>
        <Layout.Section>
          <InlineGrid columns={{ xs: 1, sm: 2, md: 4 }} gap="400">
            <Stat label="Products" value={o.products} />
            <Stat label="Customers" value={o.customers} />
            <Stat label="Orders" value={o.orders} />
            <Stat label="Store history" value={o.backfill ? `${o.backfill.stage === "done" ? "Loaded" : `Loading ${o.backfill.stage}`}` : "Not started"} />
          </InlineGrid>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                Recent webhook deliveries
              </Text>
              <DataTable
                columnContentTypes={["text", "text", "text", "text"]}
                headings={["Received", "Topic", "Status", "Outcome"]}
                rows={o.recentDeliveries.map((d) => [new Date(d.receivedAt).toLocaleString("en-US"), d.topic, d.status, d.outcome ?? ""])}
              />
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
