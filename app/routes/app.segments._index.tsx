import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData, useNavigate } from "@remix-run/react";
import { Badge, BlockStack, Button, Card, EmptyState, IndexTable, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { useShell, useToast } from "~/components/AdminShell";
import { TitleBar } from "@shopify/app-bridge-react";
import { useEffect } from "react";
import { db } from "~/db.server";
import { builtInSegments } from "~/engine/segments/builtin";
import { summarizeCondition } from "~/engine/segments/summary";
import { deleteSegment, duplicateSegment, listSegments } from "~/models/segments.server";
import { adminContext } from "~/services/admin-context.server";
import { enginePort } from "~/services/engine-port.server";
import { answerWrite } from "~/services/admin-write.server";
import { invalid } from "~/utils/form-errors.server";
import { readBody } from "~/utils/request-body.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await adminContext(request);
  const [stored, config] = await Promise.all([listSegments(db(), shop), enginePort.adminConfig(shop)]);
  const currency = config?.currency ?? "USD";
  const sizes = config ? await enginePort.segmentSizes(shop) : null;
  const builtIns = builtInSegments(config ? { vipThresholdCents: config.vipThresholdCents, atRiskChurnRatio: config.atRiskChurnRatio, lapsedChurnRatio: config.lapsedChurnRatio } : undefined);
  const row = (s: { id: string; name: string; condition: Parameters<typeof summarizeCondition>[0] }, builtIn: boolean) => ({
    id: s.id,
    name: s.name,
    builtIn,
    summary: summarizeCondition(s.condition, { currency }),
    size: sizes ? (sizes.sizes[s.id] ?? null) : null,
  });
  return {
    customers: sizes?.customers ?? null,
    counting: sizes == null || sizes.stale,
    segments: stored.map((s) => row(s, false)),
    builtIns: builtIns.map((s) => row(s, true)),
  };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, actor } = await adminContext(request);
  const body = await readBody(request);
  const id = typeof body.id === "string" ? body.id : "";
  if (!id) return invalid({ id: "Choose a segment." });
  const r = body.intent === "duplicate" ? await duplicateSegment(db(), shop, actor, id) : body.intent === "delete" ? await deleteSegment(db(), shop, actor, id) : null;
  if (!r) return invalid({ intent: "Unknown action." });
  return answerWrite(shop, String(body.intent), r);
};

type Row = ReturnType<typeof useLoaderData<typeof loader>>["segments"][number];

function SegmentRows({ rows, editable }: { rows: Row[]; editable: boolean }) {
  const fetcher = useFetcher<typeof action>();
  const navigate = useNavigate();
  const toast = useToast();
  useEffect(() => {
    const d = fetcher.data as { ok: boolean; intent?: string; errors?: Record<string, string> } | undefined;
    if (fetcher.state !== "idle" || !d) return;
    if (d.ok) toast(d.intent === "delete" ? "Segment deleted" : "Segment duplicated");
    else toast(Object.values(d.errors ?? {})[0] ?? "Something went wrong", { error: true });
  }, [fetcher.state, fetcher.data, toast]);
  const submit = (intent: string, id: string) => fetcher.submit({ intent, id }, { method: "post", encType: "application/json" });
  return (
    <IndexTable
      resourceName={{ singular: "segment", plural: "segments" }}
      itemCount={rows.length}
      selectable={false}
      headings={[{ title: "Segment" }, { title: "Who" }, { title: "Customers now", alignment: "end" }, { title: "Actions" }]}
    >
      {rows.map((s, i) => (
        <IndexTable.Row id={s.id} key={s.id} position={i}>
          <IndexTable.Cell>
            {editable ? (
              <Button variant="plain" onClick={() => navigate(`/app/segments/${s.id}`)} accessibilityLabel={`Edit segment ${s.name}`}>
                {s.name}
              </Button>
            ) : (
              <InlineStack gap="100">
                <Text as="span" fontWeight="semibold">
                  {s.name}
                </Text>
                <Badge>Built-in</Badge>
              </InlineStack>
            )}
          </IndexTable.Cell>
          <IndexTable.Cell>
            <Text as="span" breakWord>
              {s.summary}
            </Text>
          </IndexTable.Cell>
          <IndexTable.Cell>
            <Text as="span" alignment="end" numeric>
              {s.size == null ? "—" : s.size.toLocaleString("en-US")}
            </Text>
          </IndexTable.Cell>
          <IndexTable.Cell>
            <InlineStack gap="200" wrap={false}>
              <Button size="slim" url={`/app/preview?segment=${encodeURIComponent(s.id)}`} accessibilityLabel={`Preview as a shopper in ${s.name}`}>
                Preview as
              </Button>
              {editable && (
                <>
                  <Button size="slim" onClick={() => submit("duplicate", s.id)} accessibilityLabel={`Duplicate ${s.name}`}>
                    Duplicate
                  </Button>
                  <Button size="slim" tone="critical" onClick={() => confirm(`Delete segment "${s.name}"?`) && submit("delete", s.id)} accessibilityLabel={`Delete ${s.name}`}>
                    Delete
                  </Button>
                </>
              )}
            </InlineStack>
          </IndexTable.Cell>
        </IndexTable.Row>
      ))}
    </IndexTable>
  );
}

export default function Segments() {
  const { segments, builtIns, customers, counting } = useLoaderData<typeof loader>();
  const navigate = useNavigate();
  const { embedded } = useShell();
  // Inside Shopify's admin the title and its action live in App Bridge's title bar; in demo mode, on the page.
  return (
    <Page title={embedded ? undefined : "Segments"} primaryAction={embedded ? undefined : { content: "Create segment", url: "/app/segments/new" }}>
      {embedded && (
      <TitleBar title="Segments">
        <button variant="primary" onClick={() => navigate("/app/segments/new")}>
          Create segment
        </button>
      </TitleBar>
      )}
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <Text as="p" tone="subdued">
              {customers == null
                ? "Counting customers in each segment: reload in a moment to see the sizes."
                : `Sizes count the ${customers.toLocaleString("en-US")} customers who match now, signed in on the home page${counting ? " (updating: reload in a moment for the latest counts)" : ""}.`}
            </Text>
            <Card padding="0">
              {segments.length === 0 ? (
                <EmptyState heading="Group your customers" action={{ content: "Create segment", url: "/app/segments/new" }} image="">
                  <Text as="p">Segments combine conditions on history and visits, such as customers in Canada who spent over $200.</Text>
                </EmptyState>
              ) : (
                <SegmentRows rows={segments} editable />
              )}
            </Card>
            <Text as="h2" variant="headingMd">
              Built-in segments
            </Text>
            <Card padding="0">
              <SegmentRows rows={builtIns} editable={false} />
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
