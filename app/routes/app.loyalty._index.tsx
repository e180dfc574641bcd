/**
 * Loyalty program settings. A fresh install shows the example program, off. Saving first shows the
 * change's effect on members' tiers (programPreview); the merchant then applies it as a new version
 * (earlier entries keep the version they were earned under), recorded with the staff member.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { Banner, Layout } from "@shopify/polaris";
import { useEffect, useMemo, useState } from "react";
import { AdminPage } from "~/components/AdminPage";
import { useToast } from "~/components/AdminShell";
import { currencySymbolOf, LoyaltyProgramForm, withIds } from "~/components/LoyaltyProgramForm";
import { LoyaltyPreview } from "~/components/LoyaltyPreview";
import { UnsavedChangesBar } from "~/components/UnsavedChangesBar";
import type { ProgramConfig, ProgramPreview } from "~/engine/loyalty/types";
import { adminContext } from "~/services/admin-context.server";
import { loyaltySettings, previewProgramInput, saveProgramInput } from "~/services/loyalty-admin.server";
import { invalid } from "~/utils/form-errors.server";
import { readBody } from "~/utils/request-body.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await adminContext(request);
  return loyaltySettings(shop);
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, actor } = await adminContext(request);
  const body = await readBody(request);
  if (body.intent === "preview") {
    const r = await previewProgramInput(shop, body.config);
    return r.ok ? { ok: true as const, intent: "preview", preview: r.preview } : invalid(r.errors);
  }
  if (body.intent === "save") {
    const r = await saveProgramInput(shop, actor, body.config);
    return r.ok ? { ok: true as const, intent: "save", version: r.version, preview: r.preview } : invalid(r.errors);
  }
  return invalid({ _form: "Unknown action" });
};

type ActionData = { ok: true; intent: "preview" | "save"; preview: ProgramPreview; version?: number } | { ok: false; errors: Record<string, string> };

export default function LoyaltyProgram() {
  const data = useLoaderData<typeof loader>();
  const stored = data.config as ProgramConfig;
  const storedJson = useMemo(() => JSON.stringify(stored), [stored]);
  const [draft, setDraft] = useState<ProgramConfig>(stored);
  const [review, setReview] = useState<ProgramPreview | null>(null);
  const fetcher = useFetcher<ActionData>({ key: "loyalty-program" });
  const toast = useToast();
  // A fresh install has nothing stored: the example program is a draft to save.
  const dirty = data.version === 0 || JSON.stringify(draft) !== storedJson;
  const busy = fetcher.state !== "idle";
  const errors = fetcher.data && !fetcher.data.ok ? fetcher.data.errors : {};

  useEffect(() => {
    setDraft(JSON.parse(storedJson) as ProgramConfig);
    setReview(null);
  }, [storedJson]);
  useEffect(() => {
    const d = fetcher.data;
    if (fetcher.state !== "idle" || !d) return;
    if (!d.ok) {
      setReview(null);
      toast("Please fix the highlighted fields", { error: true });
    } else if (d.intent === "preview") setReview(d.preview);
    else {
      setReview(null);
      toast(`Loyalty program saved (version ${d.version})`);
    }
  }, [fetcher.state, fetcher.data, toast]);
  // An edit after the review invalidates it.
  const edit = (next: ProgramConfig) => {
    setReview(null);
    setDraft(next);
  };
  const submit = (intent: "preview" | "save") => fetcher.submit({ intent, config: withIds(draft) } as never, { method: "post", encType: "application/json" });

  return (
    <AdminPage
      title="Loyalty"
      subtitle={data.version ? `Program version ${data.version}, saved ${new Date(data.savedAt!).toLocaleString("en-US", { timeZone: "UTC" })} UTC by ${data.savedBy}` : "Not set up yet: the example program below is off until you save it turned on."}
      secondaryActions={[
        { content: "Members", url: "/app/loyalty/members" },
        { content: "Import and export", url: "/app/loyalty/import" },
      ]}
    >
      <UnsavedChangesBar id="loyalty-save-bar" dirty={dirty && !review} saving={busy} onSave={() => submit("preview")} onDiscard={() => edit(stored)} />
      <Layout>
        {errors._form ? (
          <Layout.Section>
            <Banner tone="critical" title="The program was not saved">
              <p>{errors._form}</p>
            </Banner>
          </Layout.Section>
        ) : null}
        {review ? (
          <Layout.Section>
            <LoyaltyPreview preview={review} version={data.version + 1} saving={busy} onApply={() => submit("save")} onCancel={() => setReview(null)} />
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <LoyaltyProgramForm value={draft} onChange={edit} errors={errors} currencySymbol={currencySymbolOf(data.currency)} />
        </Layout.Section>
      </Layout>
    </AdminPage>
  );
}
