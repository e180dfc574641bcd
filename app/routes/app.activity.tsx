/** Activity: the audit log, who changed what in Attune's admin and when (newest first). */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useSearchParams } from "@remix-run/react";
import { Card, DataTable, EmptyState, Pagination, Text } from "@shopify/polaris";
import { AdminPage } from "~/components/AdminPage";
import { db } from "~/db.server";
import { listAudit } from "~/models/audit.server";
import { adminContext } from "~/services/admin-context.server";

const PAGE = 50;

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await adminContext(request);
  const before = Number(new URL(request.url).searchParams.get("before")) || undefined;
  const entries = await listAudit(db(), shop, { limit: PAGE + 1, before });
  return { entries: entries.slice(0, PAGE), more: entries.length > PAGE };
};

export default function Activity() {
  const { entries, more } = useLoaderData<typeof loader>();
  const [params, setParams] = useSearchParams();
  return (
    <AdminPage title="Activity" subtitle="Every change made in Attune's admin: who made it and when.">
      <Card>
        {entries.length === 0 ? (
          <EmptyState heading="No changes yet" image="">
            <Text as="p">Saving settings, offers, segments or rules adds an entry here.</Text>
          </EmptyState>
        ) : (
          <>
            <DataTable
              columnContentTypes={["text", "text", "text", "text"]}
              headings={["When", "Who", "What", "Change"]}
              rows={entries.map((e) => [new Date(e.createdAt).toLocaleString("en-US", { timeZone: "UTC" }) + " UTC", e.actor === "demo" ? "Demo" : `Staff ${e.actor}`, `${e.entityType} ${e.action}`, e.summary])}
            />
            <Pagination
              hasPrevious={params.has("before")}
              onPrevious={() => setParams({})}
              hasNext={more}
              onNext={() => setParams({ before: String(entries[entries.length - 1].id) })}
            />
          </>
        )}
      </Card>
    </AdminPage>
  );
}
