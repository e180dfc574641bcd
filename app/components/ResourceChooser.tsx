/**
 * Products or collections chosen with App Bridge's resource picker, shown as removable tags.
 * Products are kept as numeric ids (the engine's ids), collections as handles.
 */
import { BlockStack, Button, InlineStack, Tag, Text } from "@shopify/polaris";
import { useShell } from "./AdminShell";

export interface ResourceChooserProps {
  kind: "product" | "collection";
  label: string;
  values: string[];
  onChange(values: string[]): void;
  /** Display names for known values (product titles, collection titles). */
  titles?: Record<string, string>;
  onTitles?(titles: Record<string, string>): void;
  multiple?: boolean;
  error?: string | false;
  helpText?: string;
}

const numericId = (gid: string) => gid.split("/").pop() ?? gid;

export function ResourceChooser({ kind, label, values, onChange, titles = {}, onTitles, multiple = true, error, helpText }: ResourceChooserProps) {
  const { embedded } = useShell();
  const choose = async () => {
    // App Bridge's picker exists only inside Shopify's admin; in demo mode the button is disabled.
    const picker = (window as unknown as { shopify?: { resourcePicker?: (o: object) => Promise<unknown> } }).shopify?.resourcePicker;
    if (!picker) return;
    const selected = await picker({
      type: kind,
      action: "select",
      multiple,
      selectionIds: kind === "product" ? values.map((v) => ({ id: `gid://shopify/Product/${v}` })) : [],
    });
    if (!selected) return;
    const picked = (selected as unknown as { id: string; title?: string; handle?: string }[]).map((r) => ({
      value: kind === "product" ? numericId(r.id) : (r.handle ?? numericId(r.id)),
      title: r.title ?? "",
    }));
    onTitles?.(Object.fromEntries(picked.map((p) => [p.value, p.title])));
    const next = multiple ? [...new Set([...values, ...picked.map((p) => p.value)])] : picked.slice(0, 1).map((p) => p.value);
    onChange(next);
  };
  return (
    <BlockStack gap="100">
      <Text as="span" variant="bodyMd">
        {label}
      </Text>
      <InlineStack gap="200" blockAlign="center" wrap>
        {values.map((v) => (
          <Tag key={v} onRemove={() => onChange(values.filter((x) => x !== v))} accessibilityLabel={`Remove ${titles[v] || v}`}>
            {titles[v] || (kind === "product" ? `Product ${v}` : v)}
          </Tag>
        ))}
        <Button onClick={choose} disabled={!embedded} accessibilityLabel={`${values.length ? "Change" : "Choose"} ${kind === "product" ? "products" : "collections"} for ${label}`}>
          {values.length ? "Change" : `Choose ${kind === "product" ? (multiple ? "products" : "a product") : "collections"}`}
        </Button>
      </InlineStack>
      {helpText && (
        <Text as="p" tone="subdued" variant="bodySm">
          {helpText}
        </Text>
      )}
      {error && (
        <Text as="p" tone="critical" variant="bodySm">
          {error}
        </Text>
      )}
    </BlockStack>
  );
}
