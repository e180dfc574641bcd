/** The pieces every admin editor shares: the contextual save bar and the form-level error banner. */
import { Banner } from "@shopify/polaris";
import { SaveBar } from "@shopify/app-bridge-react";

export function EditorSaveBar({ id, open, saving, onSave, onDiscard }: { id: string; open: boolean; saving: boolean; onSave(): void; onDiscard(): void }) {
  return (
    <SaveBar id={id} open={open}>
      <button variant="primary" onClick={onSave} disabled={saving} loading={saving ? "" : undefined}>
        Save
      </button>
      <button onClick={onDiscard}>Discard</button>
    </SaveBar>
  );
}

export function FormErrorBanner({ title, error }: { title: string; error?: string }) {
  if (!error) return null;
  return (
    <Banner tone="critical" title={title}>
      <p>{error}</p>
    </Banner>
  );
}
