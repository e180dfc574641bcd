/**
 * The theme app extension's status, read in the browser with App Bridge's `shopify.app.extensions()`
 * (Built for Shopify 4.2.3: the app home shows the app embed's status), and deep links into the
 * theme editor: `activateAppId` turns the embed on, `addAppBlockId` adds a block to its template.
 * Outside Shopify's admin (demo mode) App Bridge is absent and the status reads "Unknown".
 */
import { useEffect, useState } from "react";
import { Badge, BlockStack, Button, InlineStack, Text } from "@shopify/polaris";

export const THEME_EXTENSION_HANDLE = "attune-theme";
export const EMBED_HANDLE = "embed";
export const THEME_BLOCKS = [
  { handle: "home", name: "Picked for you", template: "index" },
  { handle: "product", name: "Bought together", template: "product" },
  { handle: "cart", name: "Cart upsell", template: "cart" },
] as const;

export type ActivationStatus = "active" | "available" | "unavailable" | "unknown";

interface ExtensionInfo {
  handle: string;
  type: string;
  activations?: { handle?: string; status?: string }[];
}

interface BridgeGlobal {
  toast?: { show(message: string, opts?: { isError?: boolean }): void };
  app?: { extensions(): Promise<ExtensionInfo[]> };
}
/** App Bridge's `shopify` global, when the page runs inside Shopify's admin. */
export const appBridge = (): BridgeGlobal | undefined => (typeof window === "undefined" ? undefined : (window as unknown as { shopify?: BridgeGlobal }).shopify);

/** Status of each block/embed handle of our theme extension, from App Bridge (exported for tests). */
export function activationStatuses(extensions: ExtensionInfo[] | null): Record<string, ActivationStatus> {
  const out: Record<string, ActivationStatus> = {};
  if (!Array.isArray(extensions)) return out;
  for (const ext of extensions) {
    if (ext.type !== "theme_app_extension") continue;
    for (const a of ext.activations ?? []) {
      if (!a.handle) continue;
      const s = a.status === "active" || a.status === "available" || a.status === "unavailable" ? a.status : "unknown";
      if (out[a.handle] !== "active") out[a.handle] = s;
    }
  }
  return out;
}

export function themeEditorLinks(shop: string, apiKey: string) {
  const base = `https://${shop}/admin/themes/current/editor`;
  return {
    embed: `${base}?context=apps&activateAppId=${apiKey}/${EMBED_HANDLE}`,
    block: (handle: string, template: string) => `${base}?template=${template}&addAppBlockId=${apiKey}/${handle}&target=newAppsSection`,
  };
}

export function useThemeStatus(embedded: boolean): { statuses: Record<string, ActivationStatus>; checked: boolean } {
  const [state, setState] = useState<{ statuses: Record<string, ActivationStatus>; checked: boolean }>({ statuses: {}, checked: false });
  useEffect(() => {
    const bridge = appBridge();
    if (!embedded || !bridge?.app?.extensions) {
      setState({ statuses: {}, checked: true });
      return;
    }
    let live = true;
    bridge.app
      .extensions()
      .then((list) => live && setState({ statuses: activationStatuses(list), checked: true }))
      .catch(() => live && setState({ statuses: {}, checked: true }));
    return () => {
      live = false;
    };
  }, [embedded]);
  return state;
}

export function StatusBadge({ status, checked }: { status: ActivationStatus | undefined; checked: boolean }) {
  if (!checked) return <Badge>Checking</Badge>;
  if (status === "active") return <Badge tone="success">On</Badge>;
  if (status === "available") return <Badge tone="attention">Off</Badge>;
  if (status === "unavailable") return <Badge tone="critical">Unavailable in this theme</Badge>;
  return <Badge>Unknown</Badge>;
}

export function ThemeSetup({ shop, apiKey, embedded, status }: { shop: string; apiKey: string; embedded: boolean; status: { statuses: Record<string, ActivationStatus>; checked: boolean } }) {
  const { statuses, checked } = status;
  const links = themeEditorLinks(shop, apiKey);
  return (
    <BlockStack gap="300">
      <InlineStack gap="200" align="space-between" blockAlign="center">
        <InlineStack gap="200" blockAlign="center">
          <Text as="span" fontWeight="semibold">
            App embed (visitor offers, product views)
          </Text>
          <StatusBadge status={statuses[EMBED_HANDLE]} checked={checked} />
        </InlineStack>
        <Button url={links.embed} target="_top" variant={statuses[EMBED_HANDLE] === "active" ? "plain" : "primary"}>
          {statuses[EMBED_HANDLE] === "active" ? "Open theme editor" : "Turn on in theme editor"}
        </Button>
      </InlineStack>
      {THEME_BLOCKS.map((b) => (
        <InlineStack key={b.handle} gap="200" align="space-between" blockAlign="center">
          <InlineStack gap="200" blockAlign="center">
            <Text as="span">{b.name} block</Text>
            <StatusBadge status={statuses[b.handle]} checked={checked} />
          </InlineStack>
          <Button url={links.block(b.handle, b.template)} target="_top" variant="plain">
            {`Add to ${b.template === "index" ? "home page" : `${b.template} page`}`}
          </Button>
        </InlineStack>
      ))}
      {!embedded ? (
        <Text as="p" tone="subdued">
          Outside Shopify&apos;s admin (demo mode) the theme&apos;s status cannot be read; the storefront preview has every block on.
        </Text>
      ) : null}
    </BlockStack>
  );
}
