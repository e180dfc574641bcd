/**
 * The effect of a program change before it applies: how many members change tier and in which
 * direction, and each tier's size before and after. The merchant applies the change from here.
 */
import { Banner, BlockStack, Button, Card, DataTable, InlineStack, Text } from "@shopify/polaris";
import type { ProgramPreview } from "~/engine/loyalty/types";

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

/** "312 members change tier, 41 move down" (what the issue asks the admin to say). */
export function previewHeadline(p: ProgramPreview): string {
  if (p.changeTier === 0) return `No member changes tier (${plural(p.members, "member")} in the program)`;
  const parts = [`${plural(p.changeTier, "member")} ${p.changeTier === 1 ? "changes" : "change"} tier`];
  if (p.moveUp) parts.push(`${p.moveUp.toLocaleString("en-US")} move${p.moveUp === 1 ? "s" : ""} up`);
  if (p.moveDown) parts.push(`${p.moveDown.toLocaleString("en-US")} move${p.moveDown === 1 ? "s" : ""} down`);
  return parts.join(", ");
}

export function LoyaltyPreview({ preview, saving, onApply, onCancel, version }: { preview: ProgramPreview; saving: boolean; onApply(): void; onCancel(): void; version: number }) {
  const rows = preview.byTier.map((t) => {
    const delta = t.after - t.before;
    return [t.name, t.before.toLocaleString("en-US"), t.after.toLocaleString("en-US"), delta === 0 ? "0" : delta > 0 ? `+${delta.toLocaleString("en-US")}` : delta.toLocaleString("en-US")];
  });
  return (
    <Card>
      <section aria-label="Effect of this change">
        <BlockStack gap="400">
          <Text as="h2" variant="headingMd">
            Before you save: the effect of this change
          </Text>
          <Banner tone={preview.moveDown ? "warning" : "info"} title={previewHeadline(preview)}>
            <p>Tiers are recomputed for every member under the new settings. Points already earned keep the rate they were earned at.</p>
          </Banner>
          <DataTable columnContentTypes={["text", "numeric", "numeric", "numeric"]} headings={["Tier", "Members now", "After this change", "Change"]} rows={rows} />
          <InlineStack gap="200">
            <Button variant="primary" onClick={onApply} loading={saving}>
              {`Apply as version ${version}`}
            </Button>
            <Button onClick={onCancel} disabled={saving}>
              Keep editing
            </Button>
          </InlineStack>
        </BlockStack>
      </section>
    </Card>
  );
}
