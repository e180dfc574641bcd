import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData, useNavigate } from "@remix-run/react";
import { BlockStack, Card, Layout, Text, TextField } from "@shopify/polaris";
import { AdminPage } from "~/components/AdminPage";
import { useToast } from "~/components/AdminShell";
import { EditorSaveBar, FormErrorBanner } from "~/components/EditorChrome";
import { useEffect, useMemo, useState } from "react";
import { db } from "~/db.server";
import { leavesOf, type Condition } from "~/engine/segments/condition";
import { fieldCatalogue } from "~/engine/segments/fields";
import { summarizeCondition } from "~/engine/segments/summary";
import { loyaltyTiers } from "~/models/loyalty-standing.server";
import { deleteSegment, duplicateSegment, getSegment, rulesUsingSegment, saveSegment } from "~/models/segments.server";
import { adminContext } from "~/services/admin-context.server";
import { enginePort } from "~/services/engine-port.server";
import { answerWrite } from "~/services/admin-write.server";
import { invalid } from "~/utils/form-errors.server";
import { readBody } from "~/utils/request-body.server";
import { ConditionBuilder, fromGroup, toGroup, type Group } from "~/components/ConditionBuilder";

const NEW_CONDITION: Condition = { all: [{ field: "lifetime_value_cents", op: "gte", value: 20_000 }] };

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await adminContext(request);
  const id = params.id === "new" ? null : params.id!;
  const segment = id ? await getSegment(db(), shop, id) : null;
  if (id && !segment) throw new Response("Segment not found", { status: 404 });
  const engine = await enginePort.adminConfig(shop);
  const condition = segment?.condition ?? NEW_CONDITION;
  const ids = leavesOf(condition).flatMap((l) => (l.field.endsWith("product_ids") || l.field === "viewed_product_id" ? [l.value].flat().map(String) : []));
  return {
    id,
    name: segment?.name ?? "",
    description: segment?.description ?? "",
    condition,
    catalogue: fieldCatalogue(),
    currency: engine?.currency ?? "USD",
    size: engine && id ? ((await enginePort.segmentSizes(shop))?.sizes[id] ?? null) : null,
    titles: engine ? await enginePort.productTitles(shop, { ids }) : {},
    usedBy: id ? await rulesUsingSegment(db(), shop, id) : [],
    tiers: await loyaltyTiers(db(), shop),
  };
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop, actor } = await adminContext(request);
  const body = await readBody(request);
  const id = params.id === "new" ? null : params.id!;
  if (body.intent === "delete" || body.intent === "duplicate") {
    if (!id) return invalid({ _form: "Save the segment first." });
    return answerWrite(shop, body.intent, body.intent === "delete" ? await deleteSegment(db(), shop, actor, id) : await duplicateSegment(db(), shop, actor, id));
  }
  return answerWrite(shop, id ? "update" : "create", await saveSegment(db(), shop, actor, id, { name: body.name, description: body.description, condition: body.condition }));
};

type ActionData = { ok: true; intent: string; id: string } | { ok: false; errors: Record<string, string> };

export default function SegmentEditor() {
  const data = useLoaderData<typeof loader>();
  const toast = useToast();
  const navigate = useNavigate();
  const fetcher = useFetcher<ActionData>();
  const initial = useMemo(() => JSON.stringify({ name: data.name, description: data.description, condition: data.condition }), [data]);
  const [name, setName] = useState(data.name);
  const [description, setDescription] = useState(data.description);
  const [group, setGroup] = useState<Group>(() => toGroup(data.condition as Condition));
  const [titles, setTitles] = useState<Record<string, string>>(data.titles);
  useEffect(() => {
    setName(data.name);
    setDescription(data.description);
    setGroup(toGroup(data.condition as Condition));
    // Only when what was loaded changed (another record, or a save): a refused save revalidates the
    // loader with the same content, and the merchant's edits must survive it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [initial]);

  const condition = fromGroup(group);
  const current = JSON.stringify({ name, description, condition });
  const dirty = current !== initial;
  const errors = fetcher.data && !fetcher.data.ok ? fetcher.data.errors : {};
  let summary = "";
  try {
    summary = summarizeCondition(condition, { currency: data.currency, productTitle: (id) => titles[id], tierName: (id) => data.tiers.find((t) => t.id.toLowerCase() === id.toLowerCase())?.name });
  } catch {
    summary = "Finish the conditions to see who this segment is.";
  }

  useEffect(() => {
    const d = fetcher.data;
    if (fetcher.state !== "idle" || !d) return;
    if (!d.ok) return void toast("Please fix the highlighted fields", { error: true });
    if (d.intent === "delete") {
      toast("Segment deleted");
      navigate("/app/segments");
    } else if (d.intent === "duplicate") {
      toast("Segment duplicated");
      navigate(`/app/segments/${d.id}`);
    } else {
      toast(d.intent === "create" ? "Segment created" : "Segment saved");
      if (d.intent === "create") navigate(`/app/segments/${d.id}`);
    }
  }, [fetcher.state, fetcher.data, toast, navigate]);

  const save = () => fetcher.submit({ intent: "save", name, description, condition } as never, { method: "post", encType: "application/json" });
  const discard = () => {
    setName(data.name);
    setDescription(data.description);
    setGroup(toGroup(data.condition as Condition));
  };
  const saving = fetcher.state !== "idle";

  return (
    <AdminPage
      title={data.id ? data.name || "Segment" : "New segment"}
      backAction={{ content: "Segments", url: "/app/segments" }}
      secondaryActions={
        data.id
          ? [
              { content: "Preview as", url: `/app/preview?segment=${encodeURIComponent(data.id)}` },
              { content: "Duplicate", onAction: () => fetcher.submit({ intent: "duplicate" }, { method: "post", encType: "application/json" }) },
              { content: "Delete", destructive: true, onAction: () => confirm("Delete this segment?") && fetcher.submit({ intent: "delete" }, { method: "post", encType: "application/json" }) },
            ]
          : []
      }
    >
      <EditorSaveBar id="segment-save-bar" open={dirty} saving={saving} onSave={save} onDiscard={discard} />
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <FormErrorBanner title="This segment could not be saved" error={errors._form} />
            <Card>
              <BlockStack gap="300">
                <TextField label="Name" value={name} onChange={setName} autoComplete="off" error={errors.name ?? errors.id} maxLength={120} />
                <TextField label="Description" value={description ?? ""} onChange={setDescription} autoComplete="off" multiline={2} error={errors.description} helpText="For your team; shoppers never see it." />
              </BlockStack>
            </Card>
            <ConditionBuilder value={group} onChange={setGroup} catalogue={data.catalogue as never} errors={errors} currency={data.currency} titles={titles} onTitles={(t) => setTitles((x) => ({ ...x, ...t }))} tiers={data.tiers} />
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Who's in it
                </Text>
                <Text as="p" aria-live="polite">
                  {summary}
                </Text>
                {data.size != null && !dirty && (
                  <Text as="p" tone="subdued">
                    {data.size.toLocaleString("en-US")} customers match now
                  </Text>
                )}
              </BlockStack>
            </Card>
            {data.usedBy.length > 0 && (
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">
                    Used by rules
                  </Text>
                  {data.usedBy.map((r) => (
                    <Text as="p" key={r.id}>
                      {r.name}
                    </Text>
                  ))}
                </BlockStack>
              </Card>
            )}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </AdminPage>
  );
}
