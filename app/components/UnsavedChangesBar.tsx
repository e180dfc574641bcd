/**
 * The contextual save bar for a form with unsaved changes: App Bridge's SaveBar when embedded,
 * Polaris's ContextualSaveBar (inside the demo's Frame) outside Shopify.
 */
import { SaveBar } from "@shopify/app-bridge-react";
import { ContextualSaveBar } from "@shopify/polaris";
import { useShell } from "./AdminShell";

export function UnsavedChangesBar({ id, dirty, saving, onSave, onDiscard }: { id: string; dirty: boolean; saving: boolean; onSave(): void; onDiscard(): void }) {
  const { embedded } = useShell();
  if (embedded) {
    return (
      <SaveBar id={id} open={dirty}>
        <button variant="primary" onClick={onSave} disabled={saving} loading={saving ? "" : undefined}></button>
        <button onClick={onDiscard}></button>
      </SaveBar>
    );
  }
  if (!dirty) return null;
  return (
    <ContextualSaveBar
      message="Unsaved changes"
      saveAction={{ onAction: onSave, loading: saving, disabled: saving }}
      discardAction={{ onAction: onDiscard }}
    />
  );
}
