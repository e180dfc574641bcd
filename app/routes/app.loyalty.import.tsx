/**
 * Opening balances from another loyalty app (a CSV of customer id and points): a dry run shows what
 * would be imported and what is wrong on which line, and writes nothing; the import itself is
 * idempotent (each customer's opening balance is imported once, however often the file is applied).
 * And the ledger's CSV export.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, DataTable, InlineStack, Layout, List, Text } from "@shopify/polaris";
import { useEffect, useRef, useState } from "react";
import { AdminPage } from "~/components/AdminPage";
import { useToast } from "~/components/AdminShell";
import { LoyaltyExportButton } from "~/components/LoyaltyExportButton";
import { adminContext } from "~/services/admin-context.server";
import { IMPORT_MAX_BYTES, IMPORT_MAX_ROWS, importOpeningBalances, readBoundedForm, type ImportReport } from "~/services/loyalty-admin.server";
import { invalid } from "~/utils/form-errors.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await adminContext(request);
  return { maxBytes: IMPORT_MAX_BYTES, maxRows: IMPORT_MAX_ROWS };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, actor } = await adminContext(request);
  const form = await readBoundedForm(request, IMPORT_MAX_BYTES);
  if (!form) return Response.json({ ok: false, errors: { file: `The file is larger than ${IMPORT_MAX_BYTES / 1024 / 1024} MB: split it and import the parts` } }, { status: 413 });
  const intent = String(form.get("intent") ?? "");
  if (intent !== "dryRun" && intent !== "apply") return invalid({ _form: "Unknown action" });
  const file = form.get("file");
  const text = typeof file === "string" ? file : file ? await file.text() : "";
  if (!text.trim()) return invalid({ file: "Choose a CSV file" });
  return { ok: true as const, report: await importOpeningBalances(shop, actor, text, intent === "dryRun") };
};

type ActionData = { ok: true; report: ImportReport } | { ok: false; errors: Record<string, string> };

const n = (v: number) => v.toLocaleString("en-US");

function ReportView({ report }: { report: ImportReport }) {
  const verb = report.dryRun ? "would be imported" : "imported";
  return (
    <BlockStack gap="300">
      <Banner tone={report.errors.length ? "warning" : "success"} title={report.dryRun ? "Dry run: nothing was written" : "Import done"}>
        <List>
          <List.Item>{`${n(report.imported)} opening balances ${verb}`}</List.Item>
          <List.Item>{`${n(report.skipped)} customers already imported before (left as they are)`}</List.Item>
          <List.Item>{`${n(report.errors.length)} lines refused`}</List.Item>
        </List>
      </Banner>
      {report.errors.length ? (
        <DataTable
          columnContentTypes={["numeric", "text"]}
          headings={["Line", "Problem"]}
          rows={report.errors.slice(0, 200).map((e) => [e.line, e.message])}
          footerContent={report.errors.length > 200 ? `First 200 of ${n(report.errors.length)} problems` : undefined}
        />
      ) : null}
    </BlockStack>
  );
}

export default function LoyaltyImport() {
  const { maxBytes, maxRows } = useLoaderData<typeof loader>();
  const fetcher = useFetcher<ActionData>({ key: "loyalty-import" });
  const toast = useToast();
  const formRef = useRef<HTMLFormElement>(null);
  const [fileName, setFileName] = useState("");
  const [checked, setChecked] = useState(false);
  const errors = fetcher.data && !fetcher.data.ok ? fetcher.data.errors : {};
  const report = fetcher.data?.ok ? fetcher.data.report : null;
  useEffect(() => {
    if (fetcher.state !== "idle" || !fetcher.data?.ok) return;
    const r = fetcher.data.report;
    if (r.dryRun) setChecked(true);
    else toast(`Imported ${r.imported} opening balances`);
  }, [fetcher.state, fetcher.data, toast]);
  const send = (intent: "dryRun" | "apply") => {
    if (!formRef.current) return;
    const data = new FormData(formRef.current);
    data.set("intent", intent);
    fetcher.submit(data, { method: "post", encType: "multipart/form-data" });
  };
  const busy = fetcher.state !== "idle";
  return (
    <AdminPage title="Import and export" backAction={{ content: "Loyalty", url: "/app/loyalty" }} secondaryActions={[{ content: "Members", url: "/app/loyalty/members" }]}>
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="400">
              <Text as="h2" variant="headingMd">
                Import opening balances
              </Text>
              <Text as="p">
                Moving from another loyalty app? Export its balances as CSV with a header line naming a <b>customer_id</b> column (the Shopify customer id) and a <b>points</b> column. Check the file first: the dry run writes nothing. Each customer&apos;s opening balance is imported once, so importing the same file again changes nothing.
              </Text>
              <form ref={formRef} aria-label="Import opening balances" onSubmit={(e) => (e.preventDefault(), send("dryRun"))}>
                <BlockStack gap="200">
                  <label htmlFor="loyalty-import-file">
                    <Text as="span" variant="bodyMd">
                      {`CSV file (at most ${maxBytes / 1024 / 1024} MB, ${n(maxRows)} rows)`}
                    </Text>
                  </label>
                  <input
                    id="loyalty-import-file"
                    type="file"
                    name="file"
                    accept=".csv,text/csv"
                    aria-invalid={errors.file ? true : undefined}
                    aria-describedby={errors.file ? "loyalty-import-file-error" : undefined}
                    onChange={(e) => (setFileName(e.currentTarget.files?.[0]?.name ?? ""), setChecked(false))}
                  />
                  {errors.file ? (
                    <Text as="p" tone="critical" id="loyalty-import-file-error">
                      {errors.file}
                    </Text>
                  ) : null}
                  {errors._form ? <Banner tone="critical">{errors._form}</Banner> : null}
                  <InlineStack gap="200">
                    <Button submit loading={busy && fetcher.formData?.get("intent") === "dryRun"} disabled={!fileName || busy}>
                      Check file (dry run)
                    </Button>
                    <Button
                      variant="primary"
                      disabled={!checked || busy}
                      loading={busy && fetcher.formData?.get("intent") === "apply"}
                      onClick={() => send("apply")}
                    >
                      Import balances
                    </Button>
                  </InlineStack>
                </BlockStack>
              </form>
              {report ? <ReportView report={report} /> : null}
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Export the ledger
              </Text>
              <Text as="p">Every points entry of your store, oldest first, as CSV: earnings, reversals, redemptions, expiries, adjustments and imports, with the order or reason and who made it.</Text>
              <InlineStack>
                <LoyaltyExportButton label="Export ledger (CSV)" />
              </InlineStack>
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </AdminPage>
  );
}
