import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData, useNavigate } from "@remix-run/react";
import { Badge, BlockStack, Box, Button, Card, EmptyState, InlineGrid, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { useShell, useToast } from "~/components/AdminShell";
import { TitleBar } from "@shopify/app-bridge-react";
import { useEffect } from "react";
import { db } from "~/db.server";
import { RULE_TEMPLATES } from "~/engine/rules/templates";
import { STRATEGY_DESCRIPTIONS } from "~/engine/rules/strategies";
import { builtInSegments } from "~/engine/segments/builtin";
import { PLACEMENTS, type Placement } from "~/engine/types";
import { deleteRule, duplicateRule, listRules, reorderRules, setRuleEnabled, shopTimezone } from "~/models/rules.server";
import { listSegments } from "~/models/segments.server";
import { adminContext } from "~/services/admin-context.server";
import { answerWrite } from "~/services/admin-write.server";
import { invalid } from "~/utils/form-errors.server";
import { readBody } from "~/utils/request-body.server";
import { formatInZone } from "~/utils/timezone";
import { PLACEMENT_LABELS } from "~/components/labels";


export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await adminContext(request);
  const [rules, segments, tz] = await Promise.all([listRules(db(), shop), listSegments(db(), shop), shopTimezone(db(), shop)]);
  const names = new Map([...builtInSegments(), ...segments].map((s) => [s.id, s.name]));
  const now = Date.now();
  const view = rules.map((r) => ({
    id: r.id,
    name: r.name,
    enabled: r.enabled,
    priority: r.priority,
    placements: r.placements,
    strategy: STRATEGY_DESCRIPTIONS[r.strategy]?.label ?? r.strategy,
    segments: r.segmentIds.map((id) => names.get(id) ?? id.replace(/^country:/, "Country ").replace(/^source:/, "From ").replace(/^device:/, "Device ")),
    status: !r.enabled ? "Off" : r.startsAt != null && now < r.startsAt ? "Scheduled" : r.endsAt != null && now >= r.endsAt ? "Ended" : "Active",
    schedule: r.startsAt != null || r.endsAt != null ? `${r.startsAt != null ? formatInZone(r.startsAt, tz) : "now"} – ${r.endsAt != null ? formatInZone(r.endsAt, tz) : "no end"}` : null,
    offer: r.offer?.title ?? null,
    problem: r.problem,
  }));
  return {
    groups: PLACEMENTS.map((p) => ({ placement: p, label: PLACEMENT_LABELS[p], rules: view.filter((r) => r.placements.includes(p)) })),
    count: rules.length,
    templates: RULE_TEMPLATES.map(({ id, name, description, stage }) => ({ id, name, description, stage })),
  };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, actor } = await adminContext(request);
  const body = await readBody(request);
  const id = typeof body.id === "string" ? body.id : "";
  let r;
  switch (body.intent) {
    case "toggle":
      if (!id) return invalid({ id: "Choose a rule." });
      r = await setRuleEnabled(db(), shop, actor, id, body.enabled === true || body.enabled === "true");
      break;
    case "duplicate":
      if (!id) return invalid({ id: "Choose a rule." });
      r = await duplicateRule(db(), shop, actor, id);
      break;
    case "delete":
      if (!id) return invalid({ id: "Choose a rule." });
      r = await deleteRule(db(), shop, actor, id);
      break;
    case "reorder": {
      const ids = Array.isArray(body.ids) ? body.ids.filter((x): x is string => typeof x === "string") : [];
      if (ids.length < 2) return invalid({ order: "List the rules in their new order." });
      const placement = (PLACEMENTS as readonly string[]).includes(String(body.placement)) ? (body.placement as Placement) : undefined;
      r = await reorderRules(db(), shop, actor, ids, placement);
      break;
    }
    default:
      return invalid({ intent: "Unknown action." });
  }
  return answerWrite(shop, String(body.intent), r);
};

type Data = ReturnType<typeof useLoaderData<typeof loader>>;
const TOASTS: Record<string, string> = { toggle: "Rule updated", duplicate: "Rule duplicated (off until you turn it on)", delete: "Rule deleted", reorder: "Priority updated" };

function PlacementRules({ group }: { group: Data["groups"][number] }) {
  const fetcher = useFetcher<{ ok: boolean; intent?: string; errors?: Record<string, string> }>();
  const toast = useToast();
  const navigate = useNavigate();
  useEffect(() => {
    const d = fetcher.data;
    if (fetcher.state !== "idle" || !d) return;
    toast(d.ok ? (TOASTS[d.intent ?? ""] ?? "Saved") : (Object.values(d.errors ?? {})[0] ?? "Something went wrong"), { error: !d.ok });
  }, [fetcher.state, fetcher.data, toast]);
  const send = (body: Record<string, unknown>) => fetcher.submit(body as never, { method: "post", encType: "application/json" });
  const move = (i: number, by: -1 | 1) => {
    const ids = group.rules.map((r) => r.id);
    [ids[i], ids[i + by]] = [ids[i + by], ids[i]];
    send({ intent: "reorder", placement: group.placement, ids });
  };
  return (
    <Card>
      <BlockStack gap="300">
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            {group.label}
          </Text>
          <Text as="p" tone="subdued">
            The first rule that applies to a shopper wins; the placement's default shows when none does.
          </Text>
        </BlockStack>
        <ol aria-label={`${group.label} rules, highest priority first`} style={{ listStyle: "none", margin: 0, padding: 0 }}>
          {group.rules.map((r, i) => (
            <li key={r.id}>
              <Box paddingBlock="300" borderBlockStartWidth={i === 0 ? "0" : "025"} borderColor="border">
                <InlineStack align="space-between" blockAlign="center" gap="200">
                  <BlockStack gap="100">
                    <InlineStack gap="200" blockAlign="center">
                      <Text as="span" fontWeight="semibold">
                        {i + 1}.
                      </Text>
                      <Button variant="plain" onClick={() => navigate(`/app/rules/${r.id}`)} accessibilityLabel={`Edit rule ${r.name}`}>
                        {r.name}
                      </Button>
                      <Badge tone={r.status === "Active" ? "success" : r.status === "Scheduled" ? "info" : undefined}>{r.status}</Badge>
                      {r.problem && <Badge tone="critical">Invalid</Badge>}
                    </InlineStack>
                    <Text as="p" tone="subdued">
                      {r.segments.length ? r.segments.join(", ") : "Everyone"} · {r.strategy}
                      {r.offer ? ` · Offer: ${r.offer}` : ""}
                      {r.schedule ? ` · ${r.schedule}` : ""}
                    </Text>
                  </BlockStack>
                  <InlineStack gap="100" wrap={false}>
                    <Button size="slim" disabled={i === 0} onClick={() => move(i, -1)} accessibilityLabel={`Move ${r.name} up in ${group.label}`}>
                      ↑
                    </Button>
                    <Button size="slim" disabled={i === group.rules.length - 1} onClick={() => move(i, 1)} accessibilityLabel={`Move ${r.name} down in ${group.label}`}>
                      ↓
                    </Button>
                    <Button size="slim" onClick={() => send({ intent: "toggle", id: r.id, enabled: !r.enabled })} accessibilityLabel={`${r.enabled ? "Turn off" : "Turn on"} ${r.name}`}>
                      {r.enabled ? "Turn off" : "Turn on"}
                    </Button>
                    <Button size="slim" url={`/app/preview?rule=${encodeURIComponent(r.id)}&placement=${group.placement}`} accessibilityLabel={`Preview ${r.name}`}>
                      Preview
                    </Button>
                    <Button size="slim" onClick={() => send({ intent: "duplicate", id: r.id })} accessibilityLabel={`Duplicate ${r.name}`}>
                      Duplicate
                    </Button>
                    <Button size="slim" tone="critical" onClick={() => confirm(`Delete rule "${r.name}"?`) && send({ intent: "delete", id: r.id })} accessibilityLabel={`Delete ${r.name}`}>
                      Delete
                    </Button>
                  </InlineStack>
                </InlineStack>
              </Box>
            </li>
          ))}
        </ol>
      </BlockStack>
    </Card>
  );
}

export default function Rules() {
  const { groups, count, templates } = useLoaderData<typeof loader>();
  const navigate = useNavigate();
  const { embedded } = useShell();
  // Inside Shopify's admin the title and its action live in App Bridge's title bar; in demo mode, on the page.
  return (
    <Page title={embedded ? undefined : "Personalization rules"} primaryAction={embedded ? undefined : { content: "Create rule", url: "/app/rules/new" }}>
      {embedded && (
      <TitleBar title="Personalization rules">
        <button variant="primary" onClick={() => navigate("/app/rules/new")}>
          Create rule
        </button>
      </TitleBar>
      )}
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {count === 0 ? (
              <Card>
                <EmptyState heading="Decide what each shopper sees" action={{ content: "Create rule", url: "/app/rules/new" }} image="">
                  <Text as="p">Rules choose the products, message and offer for a segment on a page. Start from a template below.</Text>
                </EmptyState>
              </Card>
            ) : (
              groups.filter((g) => g.rules.length > 0).map((g) => <PlacementRules key={g.placement} group={g} />)
            )}
            <Text as="h2" variant="headingLg">
              Templates
            </Text>
            <InlineGrid columns={{ xs: 1, sm: 2, lg: 3 }} gap="300">
              {templates.map((t) => (
                <Card key={t.id}>
                  <BlockStack gap="200">
                    <Badge>{t.stage}</Badge>
                    <Text as="h3" variant="headingSm">
                      {t.name}
                    </Text>
                    <Text as="p" tone="subdued">
                      {t.description}
                    </Text>
                    <InlineStack>
                      <Button url={`/app/rules/new?template=${t.id}`} accessibilityLabel={`Use template ${t.name}`}>
                        Use template
                      </Button>
                    </InlineStack>
                  </BlockStack>
                </Card>
              ))}
            </InlineGrid>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
