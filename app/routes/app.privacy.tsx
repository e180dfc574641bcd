import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Card, DataTable, EmptyState, Text } from "@shopify/polaris";
import { AdminPage } from "~/components/AdminPage";
import { db } from "~/db.server";
import { listDataRequests } from "~/models/privacy.server";
import { adminContext } from "~/services/admin-context.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await adminContext(request);
  return { requests: await listDataRequests(db(), shop) };
};

export default function PrivacyRequests() {
  const { requests } = useLoaderData<typeof loader>();
  return (
    <AdminPage title="Customer data requests" subtitle="Exports produced for customers/data_request, ready to send to the customer.">
      <Card>
        {requests.length === 0 ? (
          <EmptyState heading="No data requests yet" image="">
            <Text as="p">When a customer asks for their data, Shopify notifies Attune and the export appears here.</Text>
          </EmptyState>
        ) : (
          <DataTable
            columnContentTypes={["text", "text", "text", "text"]}
            headings={["Requested", "Customer id", "Status", "Export"]}
            rows={requests.map((r) => [
              new Date(r.requestedAt).toLocaleString("en-US"),
              r.customerId,
              r.completedAt ? "Ready" : "Preparing",
              r.completedAt ? <a href={`/app/privacy/${r.id}/export`} download>Download JSON</a> : "",
            ])}
          />
        )}
      </Card>
    </AdminPage>
  );
}
