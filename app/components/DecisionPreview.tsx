/**
 * What the engine would decide for one shopper: the rule that matched, the rules skipped and why,
 * the segments the shopper is in (with reasons), the content and offer, and each product with the
 * reason it was chosen. Takes the plain result of admin-insights' previewDecision.
 */
import { Badge, BlockStack, Card, InlineStack, List, Text } from "@shopify/polaris";
import type { PreviewResult } from "~/services/admin-insights.server";

export function DecisionPreview({ result, currency }: { result: PreviewResult; currency: string }) {
  const money = (c: number) => new Intl.NumberFormat("en-US", { style: "currency", currency }).format(c / 100);
  return (
    <BlockStack gap="400">
      <Card>
        <BlockStack gap="200">
          <Text as="h2" variant="headingMd">
            Rule
          </Text>
          {result.rule ? (
            <InlineStack gap="200" blockAlign="center">
              <Badge tone="success">Matched</Badge>
              <Text as="p" fontWeight="semibold">
                {result.rule.name}
              </Text>
            </InlineStack>
          ) : (
            <Text as="p">No rule matched: the {result.placement.replace("_", " ")} placement's default applies.</Text>
          )}
          <Text as="p" tone="subdued">
            Strategy: {result.strategy ?? "none (offers only)"}
            {result.personalized ? "" : " · customer opted out of personalization"}
          </Text>
          {(result.content.heading || result.content.message) && (
            <Text as="p">
              {result.content.heading && <strong>{result.content.heading}</strong>} {result.content.message}
            </Text>
          )}
          {result.offer && <Text as="p">Offer: {result.offer.title}{result.offer.code ? ` (code ${result.offer.code})` : ""}</Text>}
          {result.visitorOffer && <Text as="p">Visitor offer: {result.visitorOffer.message} ({result.visitorOffer.reason})</Text>}
        </BlockStack>
      </Card>
      <ListCard title="Skipped rules" empty="No higher-priority rule was skipped." items={result.skipped.map((s) => ({ key: s.id, strong: s.name, rest: ` (priority ${s.priority}): ${s.reason}` }))} />
      <ListCard title="Segments" empty="In no segment." items={result.segments.map((s) => ({ key: s.id, strong: s.name, rest: s.reasons.length ? `: ${s.reasons.join("; ")}` : "" }))} />
      <ListCard
        title="Products"
        numbered
        empty="No products for this placement."
        items={result.products.map((p) => ({ key: p.id, strong: p.title, rest: ` · ${money(p.priceCents)} · ${p.reason} (${p.strategy})` }))}
      />
      <ListCard title="How the engine decided" empty="" items={result.explanation.map((line, i) => ({ key: String(i), rest: line }))} />
    </BlockStack>
  );
}

function ListCard({ title, empty, items, numbered }: { title: string; empty: string; items: { key: string; strong?: string; rest: string }[]; numbered?: boolean }) {
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          {title}
        </Text>
        {items.length === 0 ? (
          <Text as="p" tone="subdued">
            {empty}
          </Text>
        ) : (
          <List type={numbered ? "number" : "bullet"}>
            {items.map((i) => (
              <List.Item key={i.key}>
                {i.strong && <strong>{i.strong}</strong>}
                {i.rest}
              </List.Item>
            ))}
          </List>
        )}
      </BlockStack>
    </Card>
  );
}
