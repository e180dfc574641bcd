/**
 * Home: the setup checklist, read from real state (store history import with its progress and
 * failure, the theme's app embed and blocks, a first offer, a first rule) and what Attune is doing now.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { Badge, Banner, BlockStack, Box, Button, Card, DataTable, InlineGrid, InlineStack, Layout, ProgressBar, Text } from "@shopify/polaris";
import { useEffect } from "react";
import { AdminPage } from "~/components/AdminPage";
import { useShell, useToast } from "~/components/AdminShell";
import { EMBED_HANDLE, ThemeSetup, useThemeStatus } from "~/components/ThemeSetup";
import { db } from "~/db.server";
import { recordAudit } from "~/models/audit.server";
import { storeOverview } from "~/models/overview.server";
import { IMPORT_STAGES, type ImportProgress } from "~/utils/admin-shared";
import { adminContext } from "~/services/admin-context.server";
import { startBackfill } from "~/services/backfill.server";
import { enginePort } from "~/services/engine-port.server";
import { invalid } from "~/utils/form-errors.server";
import { getBackfillJob, retryBackfill } from "~/models/backfill-jobs.server";
import { offlineAccessToken } from "~/models/shop.server";
import { writeTransaction } from "~/models/sql.server";
import { env } from "~/utils/env.server";

/** The rule template the checklist suggests (the rules page, from wt/segrules, reads ?template=). */
export const FIRST_RULE_TEMPLATE = "welcome_first_visit";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await adminContext(request);
  const [overview, decisionsToday] = await Promise.all([storeOverview(db(), shop), enginePort.decisionsToday(shop)]);
  return { ...overview, decisionsToday, apiKey: env().SHOPIFY_API_KEY };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, actor } = await adminContext(request);
  const form = await request.formData();
  if (form.get("intent") !== "retryImport") return invalid({ intent: "Unknown action" });
  const database = db();
  const job = await getBackfillJob(database, shop);
  if (job?.status !== "failed") return invalid({ _form: job ? `The import is ${job.status}, not failed` : "There is no import to retry" });
  const token = await offlineAccessToken(database, shop);
  if (!token) return invalid({ _form: "No offline access token: reinstall Attune to import your history" });
  await writeTransaction(database, async (tx) => {
    await retryBackfill(tx, shop);
    await recordAudit(tx, shop, { actor, action: "retry", entityType: "import", entityId: "backfill", summary: `Retried the store history import from the ${job.stage} stage` });
  });
  void startBackfill(shop, token);
  return { ok: true };
};

function ImportStatus({ p }: { p: ImportProgress }) {
  const fetcher = useFetcher<{ ok: boolean; errors?: Record<string, string> }>();
  const toast = useToast();
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data?.ok) toast("Import restarted");
  }, [fetcher.state, fetcher.data, toast]);
  const label =
    p.status === "done" ? "Store history imported" : p.status === "failed" ? `Import failed at the ${p.stage} stage` : p.status === "not_started" ? "Import not started" : `Importing ${p.stage}`;
  return (
    <BlockStack gap="200">
      <InlineStack align="space-between" blockAlign="center">
        <Text as="span" fontWeight="semibold">
          {label}
        </Text>
        <Text as="span" tone="subdued">{`${p.percent}%`}</Text>
      </InlineStack>
      <ProgressBar progress={p.percent} tone={p.status === "failed" ? "critical" : p.status === "done" ? "success" : "highlight"} size="small" ariaLabelledBy="import-progress-label" />
      <span id="import-progress-label" hidden>
        Store history import progress
      </span>
      <InlineStack gap="400">
        {IMPORT_STAGES.map((s) => (
          <Text key={s} as="span" tone="subdued">{`${s[0].toUpperCase()}${s.slice(1)}: ${p.counts[s].toLocaleString("en-US")}`}</Text>
        ))}
      </InlineStack>
      {p.status === "failed" ? (
        <Banner tone="critical" title="The import stopped">
          <BlockStack gap="200">
            <p>{p.error ?? "No reason was recorded."}</p>
            {fetcher.data?.errors?._form ? <p>{fetcher.data.errors._form}</p> : null}
            <fetcher.Form method="post">
              <input type="hidden" name="intent" value="retryImport" />
              <Button submit loading={fetcher.state !== "idle"}>
                Retry import
              </Button>
            </fetcher.Form>
          </BlockStack>
        </Banner>
      ) : null}
    </BlockStack>
  );
}

function Step({ done, title, children }: { done: boolean; title: string; children?: React.ReactNode }) {
  return (
    <Box paddingBlock="200" borderBlockEndWidth="025" borderColor="border-secondary">
      <BlockStack gap="200">
        <InlineStack gap="200" blockAlign="center">
          {done ? <Badge tone="success">Done</Badge> : <Badge tone="attention">To do</Badge>}
          <Text as="h3" variant="headingSm">
            {title}
          </Text>
        </InlineStack>
        {children}
      </BlockStack>
    </Box>
  );
}

function Stat({ label, value }: { label: string; value: string | number }) {
  return (
    <Card>
      <BlockStack gap="100">
        <Text as="h3" variant="headingSm" tone="subdued">
          {label}
        </Text>
        <Text as="p" variant="headingXl">
          {typeof value === "number" ? value.toLocaleString("en-US") : value}
        </Text>
      </BlockStack>
    </Card>
  );
}

export default function Home() {
  const o = useLoaderData<typeof loader>();
  const { shop, embedded } = useShell();
  const p = o.import as unknown as ImportProgress;
  // The app embed's status comes from App Bridge in the browser (unknown outside Shopify's admin).
  const theme = useThemeStatus(embedded);
  const embedOn = theme.statuses[EMBED_HANDLE] === "active";
  const steps = [p.status === "done", embedOn, o.offers > 0, o.rules > 0];
  return (
    <AdminPage title="Attune">
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <InlineStack align="space-between">
                <Text as="h2" variant="headingMd">
                  Set up Attune
                </Text>
                <Text as="span" tone="subdued">{`${steps.filter(Boolean).length} of ${steps.length} done`}</Text>
              </InlineStack>
              <Step done={p.status === "done"} title="Import your store history">
                <ImportStatus p={p} />
              </Step>
              <Step done={embedOn} title="Turn on the app embed and add the blocks to your theme">
                <ThemeSetup shop={shop} apiKey={o.apiKey} embedded={embedded} status={theme} />
              </Step>
              <Step done={o.offers > 0} title="Create an offer">
                <InlineStack align="space-between" blockAlign="center">
                  <Text as="p">A discount code created in Shopify, for rules and visitor offers.</Text>
                  <Button url="/app/offers">{o.offers > 0 ? "Manage offers" : "Create an offer"}</Button>
                </InlineStack>
              </Step>
              <Step done={o.rules > 0} title="Create your first rule">
                <InlineStack align="space-between" blockAlign="center">
                  <Text as="p">Start from a template: welcome new visitors with picks for them.</Text>
                  <Button url={o.rules > 0 ? "/app/rules" : `/app/rules/new?template=${FIRST_RULE_TEMPLATE}`}>{o.rules > 0 ? "See rules" : "Start from a template"}</Button>
                </InlineStack>
              </Step>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <BlockStack gap="200">
            <Text as="h2" variant="headingMd">
              What Attune is doing now
            </Text>
            <InlineGrid columns={{ xs: 1, sm: 2, md: 5 }} gap="400">
              <Stat label="Rules active" value={o.activeRules} />
              <Stat label="Storefront decisions today" value={o.decisionsToday} />
              <Stat label="Offers live" value={o.offers} />
              <Stat label="Product views today" value={o.viewsToday} />
              <Stat label="Customers opted out" value={o.optedOut} />
            </InlineGrid>
            <InlineGrid columns={{ xs: 1, sm: 3 }} gap="400">
              <Stat label="Products" value={o.products} />
              <Stat label="Customers" value={o.customers} />
              <Stat label="Orders" value={o.orders} />
            </InlineGrid>
          </BlockStack>
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
    </AdminPage>
  );
}
