import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData, useNavigation } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, Checkbox, InlineGrid, Layout, Select, Text, TextField } from "@shopify/polaris";
import { AdminPage } from "~/components/AdminPage";
import { useState } from "react";
import { db } from "~/db.server";
import { PLACEMENTS, type Device, type Placement } from "~/engine/types";
import { getRule } from "~/models/rules.server";
import { getSegment } from "~/models/segments.server";
import { adminContext } from "~/services/admin-context.server";
import { personaFor, storefrontPreviewUrl, type PreviewInput } from "~/services/admin-insights.server";
import { enginePort } from "~/services/engine-port.server";
import { DecisionPreview } from "~/components/DecisionPreview";
import { PLACEMENT_LABELS } from "~/components/labels";
import { countryOptions } from "~/components/countries";

const DEVICES: Device[] = ["mobile", "tablet", "desktop"];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await adminContext(request);
  const q = new URL(request.url).searchParams;
  const config = await enginePort.adminConfig(shop);
  if (!config) return { ready: false as const };
  const placementParam = q.get("placement");
  const placement = (PLACEMENTS as readonly string[]).includes(placementParam ?? "") ? (placementParam as Placement) : null;

  let from: { kind: "rule" | "segment" | "customer" | "shopper"; id: string; name: string } = { kind: "shopper", id: "", name: "a shopper" };
  let segmentIds: string[] = [];
  let base: Omit<PreviewInput, "now" | "limit">;
  const ruleId = q.get("rule");
  const segmentId = q.get("segment");
  if (ruleId) {
    const rule = await getRule(db(), shop, ruleId);
    if (!rule) throw new Response("Rule not found", { status: 404 });
    from = { kind: "rule", id: rule.id, name: rule.name };
    segmentIds = rule.segmentIds;
    base = (await enginePort.shopperFor(shop, { segmentIds, placement: placement ?? rule.placements[0] }))!;
  } else if (segmentId) {
    const seg = (await getSegment(db(), shop, segmentId)) ?? config.segments.find((s) => s.id === segmentId) ?? null;
    const builtIn = seg ? null : (["new_visitor", "returning_visitor", "first_time_buyer", "repeat_buyer", "vip", "at_risk", "lapsed"].includes(segmentId) ? segmentId : null);
    if (!seg && !builtIn) throw new Response("Segment not found", { status: 404 });
    from = { kind: "segment", id: segmentId, name: seg?.name ?? segmentId };
    segmentIds = [segmentId];
    base = (await enginePort.shopperFor(shop, { segmentIds, placement: placement ?? "home" }))!;
  } else {
    base = { placement: placement ?? "home", customerId: null, returningVisitor: false };
  }
  // Explicit fields (the form below) override what the rule or segment suggested.
  const str = (k: string) => (q.has(k) ? (q.get(k) ?? "").trim() : undefined);
  const customer = str("customer");
  if (customer !== undefined) {
    base.customerId = customer || null;
    if (customer) from = from.kind === "shopper" ? { kind: "customer", id: customer, name: `customer ${customer}` } : from;
  }
  const country = str("country");
  if (country !== undefined) base.country = country || null;
  const source = str("source");
  if (source !== undefined) base.trafficSource = source || null;
  const device = str("device");
  if (device !== undefined) base.device = DEVICES.includes(device as Device) ? (device as Device) : null;
  if (q.has("returning")) base.returningVisitor = q.get("returning") === "on" || q.get("returning") === "true";
  const cart = str("cart");
  if (cart !== undefined) base.cartValueCents = cart && Number.isFinite(Number(cart)) ? Math.round(Number(cart) * 100) : null;
  if (placement) base.placement = placement;

  const result = await enginePort.previewDecision(shop, base);
  if (!result) return { ready: false as const };
  return {
    ready: true as const,
    from,
    input: { ...base, customerId: base.customerId ?? "", country: base.country ?? "", trafficSource: base.trafficSource ?? "", device: base.device ?? "", cart: base.cartValueCents ? String(base.cartValueCents / 100) : "" },
    result,
    currency: config.currency,
    storefrontPreview: storefrontPreviewUrl(personaFor(segmentIds.length ? segmentIds : base.customerId ? ["returning_visitor"] : [])),
  };
};

export default function Preview() {
  const data = useLoaderData<typeof loader>();
  const nav = useNavigation();
  const [f, setF] = useState(data.ready ? data.input : null);
  const [returning, setReturning] = useState(data.ready ? data.input.returningVisitor === true : false);
  const [seen, setSeen] = useState(data);
  if (seen !== data) {
    // New loader data (a submitted preview): the form shows what was previewed.
    setSeen(data);
    setF(data.ready ? data.input : null);
    setReturning(data.ready ? data.input.returningVisitor === true : false);
  }
  const field = (k: "placement" | "customerId" | "country" | "trafficSource" | "device" | "cart") => (v: string) => setF((x) => (x ? { ...x, [k]: v } : x));
  if (!data.ready) {
    return (
      <AdminPage title="Preview as">
        <Banner tone="info" title="The store's data is still loading">
          <p>Previews appear once Attune has loaded the catalog and orders.</p>
        </Banner>
      </AdminPage>
    );
  }
  const { result, from } = data;
  const input = f ?? data.input;
  return (
    <AdminPage title="Preview as" backAction={from.kind === "rule" ? { content: "Rule", url: `/app/rules/${from.id}` } : from.kind === "segment" ? { content: "Segments", url: "/app/segments" } : undefined}>
      <Layout>
        <Layout.Section variant="oneThird">
          <Card>
            <Form method="get">
              {from.kind === "rule" && <input type="hidden" name="rule" value={from.id} />}
              {from.kind === "segment" && <input type="hidden" name="segment" value={from.id} />}
              <input type="hidden" name="returning" value={returning ? "true" : "false"} />
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Shopper
                </Text>
                <Text as="p" tone="subdued">
                  Previewing {from.kind === "shopper" ? "a guest" : `as ${from.kind === "customer" ? from.name : `a shopper for ${from.kind} "${from.name}"`}`}.
                </Text>
                <Select label="Placement" name="placement" options={PLACEMENTS.map((p) => ({ label: PLACEMENT_LABELS[p], value: p }))} value={input.placement} onChange={field("placement")} />
                <TextField label="Customer id" name="customer" autoComplete="off" value={input.customerId} onChange={field("customerId")} helpText="A Shopify customer id; empty for a guest." />
                <Select label="Visitor country" name="country" options={[{ label: "Unknown", value: "" }, ...countryOptions()]} value={input.country.toUpperCase()} onChange={field("country")} />
                <TextField label="Traffic source" name="source" autoComplete="off" value={input.trafficSource} onChange={field("trafficSource")} helpText="pinterest, instagram, google, email…" />
                <Select label="Device" name="device" options={[{ label: "Unknown", value: "" }, ...DEVICES.map((d) => ({ label: d, value: d }))]} value={input.device} onChange={field("device")} />
                <TextField label="Cart value" name="cart" type="number" autoComplete="off" value={input.cart} onChange={field("cart")} prefix="$" />
                <Checkbox label="Returning visitor" checked={returning} onChange={setReturning} />
                <Button submit variant="primary" loading={nav.state !== "idle"}>
                  Preview
                </Button>
                {data.storefrontPreview && (
                  <Button url={data.storefrontPreview} external>
                    Open the storefront preview as this persona
                  </Button>
                )}
              </BlockStack>
            </Form>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <DecisionPreview result={result} currency={data.currency} />
        </Layout.Section>
      </Layout>
    </AdminPage>
  );
}
