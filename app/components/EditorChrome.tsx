/** The pieces every admin editor shares: the contextual save bar and the form-level error banner. */
import { Banner } from "@shopify/polaris";
import { UnsavedChangesBar } from "./UnsavedChangesBar";

/** App Bridge's save bar inside Shopify's admin, Polaris's contextual save bar in demo mode. */
export function EditorSaveBar({ id, open, saving, onSave, onDiscard }: { id: string; open: boolean; saving: boolean; onSave(): void; onDiscard(): void }) {
  return <UnsavedChangesBar id={id} dirty={open} saving={saving} onSave={onSave} onDiscard={onDiscard} />;
}

export function FormErrorBanner({ title, error }: { title: string; error?: string }) {
  if (!error) return null;
  return (
    <Banner tone="critical" title={title}>
      <p>{error}</p>
    </Banner>
  );
}
