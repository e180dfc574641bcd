import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData, useNavigate } from "@remix-run/react";
import { Banner, BlockStack, Card, Checkbox, ChoiceList, InlineGrid, InlineStack, Layout, Select, Tag, Text, TextField } from "@shopify/polaris";
import { AdminPage } from "~/components/AdminPage";
import { useToast } from "~/components/AdminShell";
import { EditorSaveBar, FormErrorBanner } from "~/components/EditorChrome";
import { useEffect, useMemo, useState } from "react";
import { db } from "~/db.server";
import { ruleFromTemplate, ruleTemplate } from "~/engine/rules/templates";
import { ruleIssues, STRATEGY_NAMES, type Rule } from "~/engine/rules/rule";
import { STRATEGY_DESCRIPTIONS } from "~/engine/rules/strategies";
import { builtInSegments } from "~/engine/segments/builtin";
import { PLACEMENTS, type Offer, type Placement, type StrategyName } from "~/engine/types";
import { getRule, saveRule, deleteRule, duplicateRule, shopTimezone } from "~/models/rules.server";
import { fieldErrors, listSegments } from "~/models/segments.server";
import { adminContext } from "~/services/admin-context.server";
import { answerWrite } from "~/services/admin-write.server";
import { personaFor, storefrontPreviewUrl } from "~/services/admin-insights.server";
import { enginePort } from "~/services/engine-port.server";
import { isUsable, listOffers, toRuleOffer } from "~/models/offers.server";
import { invalid, type FieldErrors } from "~/utils/form-errors.server";
import { readBody } from "~/utils/request-body.server";
import { epochToZoned, zonedToEpoch } from "~/utils/timezone";
import { NumberField } from "~/components/NumberField";
import { ResourceChooser } from "~/components/ResourceChooser";
import { countryOptions } from "~/components/countries";
import { DEVICE_SEGMENTS, PLACEMENT_LABELS, SOURCE_SEGMENTS } from "~/components/labels";

type Draft = Omit<Rule, "id" | "startsAt" | "endsAt" | "createdAt">;

const BLANK: Draft = { name: "", segmentIds: [], placements: ["home"], strategy: "picked_for_you", content: { heading: "", message: "" }, offer: null, filters: null, priority: 0, enabled: true };

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await adminContext(request);
  const id = params.id === "new" ? null : params.id!;
  const templateId = id ? null : new URL(request.url).searchParams.get("template");
  const [stored, segments, tz, engine] = await Promise.all([id ? getRule(db(), shop, id) : null, listSegments(db(), shop), shopTimezone(db(), shop), enginePort.adminConfig(shop)]);
  if (id && !stored) throw new Response("Rule not found", { status: 404 });
  const template = templateId ? ruleFromTemplate(templateId) : null;
  if (templateId && !template) throw new Response("Template not found", { status: 404 });
  const source = stored ?? template?.rule ?? null;
  const { id: _i, startsAt, endsAt, createdAt: _c, ...draft } = (source ?? { ...BLANK, id: "", startsAt: null, endsAt: null }) as Rule;
  const have = new Set(segments.map((s) => s.id));
  const pinned = [...(draft.filters?.pinnedProductIds ?? []), ...(draft.filters?.excludeProductIds ?? [])];
  return {
    id,
    template: templateId,
    templateName: templateId ? ruleTemplate(templateId)!.name : null,
    /** Segments the template brings that the shop does not have yet: created on save. */
    newSegments: (template?.segments ?? []).filter((s) => !have.has(s.id)).map((s) => ({ id: s.id, name: s.name })),
    draft: { ...BLANK, ...draft, content: { heading: "", message: "", bannerImageUrl: "", linkUrl: "", ...draft.content } },
    schedule: { startsAt: epochToZoned(startsAt, tz), endsAt: epochToZoned(endsAt, tz) },
    timezone: tz,
    segments: [...builtInSegments().map((s) => ({ id: s.id, name: s.name })), ...segments.map((s) => ({ id: s.id, name: s.name })), ...(template?.segments ?? []).filter((s) => !have.has(s.id)).map((s) => ({ id: s.id, name: `${s.name} (new)` }))],
    currency: engine?.currency ?? "USD",
    titles: engine ? await enginePort.productTitles(shop, { ids: pinned }) : {},
    // The shop's usable offers (they exist in Shopify): a rule's discount code must be one of them.
    offers: (await listOffers(db(), shop)).filter(isUsable).map(toRuleOffer) as Offer[],
    storefrontPreview: storefrontPreviewUrl(personaFor(draft.segmentIds)),
  };
};

function parseSchedule(schedule: unknown, tz: string): { startsAt: number | null; endsAt: number | null; errors: FieldErrors } {
  const s = (schedule && typeof schedule === "object" ? schedule : {}) as Record<string, unknown>;
  const errors: FieldErrors = {};
  const one = (key: "startsAt" | "endsAt") => {
    const raw = typeof s[key] === "string" ? (s[key] as string).trim() : "";
    if (!raw) return null;
    const t = zonedToEpoch(raw, tz);
    if (t == null) errors[key] = "Enter a date and time";
    return t;
  };
  return { startsAt: one("startsAt"), endsAt: one("endsAt"), errors };
}

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop, actor } = await adminContext(request);
  const body = await readBody(request);
  const id = params.id === "new" ? null : params.id!;
  if (body.intent === "delete" || body.intent === "duplicate") {
    if (!id) return invalid({ _form: "Save the rule first." });
    return answerWrite(shop, body.intent, body.intent === "delete" ? await deleteRule(db(), shop, actor, id) : await duplicateRule(db(), shop, actor, id));
  }
  const rule = body.rule && typeof body.rule === "object" ? { ...(body.rule as Record<string, unknown>) } : {};
  // Blank content fields mean "none" (the form keeps them as empty strings).
  if (rule.content && typeof rule.content === "object") {
    rule.content = Object.fromEntries(Object.entries(rule.content as Record<string, unknown>).map(([k, v]) => [k, typeof v === "string" && !v.trim() ? null : v]));
  }
  const schedule = parseSchedule(body.schedule, await shopTimezone(db(), shop));
  if (Object.keys(schedule.errors).length) {
    // Nothing is written: the rest of the form's problems come with the schedule's.
    return invalid({ ...fieldErrors(ruleIssues({ ...rule, id: id ?? "new", startsAt: null, endsAt: null })), ...schedule.errors });
  }
  const template = !id && typeof body.template === "string" ? ruleFromTemplate(body.template) : null;
  const r = await saveRule(db(), shop, actor, id, { ...rule, startsAt: schedule.startsAt, endsAt: schedule.endsAt }, { createSegments: template?.segments });
  return answerWrite(shop, id ? "update" : "create", r);
};

type ActionData = { ok: true; intent: string; id: string } | { ok: false; errors: Record<string, string> };

/** The first error at a field or under it ("segmentIds" also shows "segmentIds[1]"). */
function errorFor(errors: Record<string, string>, key: string): string | undefined {
  if (errors[key]) return errors[key];
  const k = Object.keys(errors).find((e) => e.startsWith(`${key}[`) || e.startsWith(`${key}.`));
  return k ? errors[k] : undefined;
}

export default function RuleEditor() {
  const data = useLoaderData<typeof loader>();
  const toast = useToast();
  const navigate = useNavigate();
  const fetcher = useFetcher<ActionData>();
  const initial = useMemo(() => JSON.stringify({ draft: data.draft, schedule: data.schedule }), [data]);
  const [draft, setDraft] = useState<Draft>(data.draft as Draft);
  const [schedule, setSchedule] = useState(data.schedule);
  const [titles, setTitles] = useState<Record<string, string>>(data.titles);
  useEffect(() => {
    setDraft(data.draft as Draft);
    setSchedule(data.schedule);
    // Only when what was loaded changed (another record, or a save): a refused save revalidates the
    // loader with the same content, and the merchant's edits must survive it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [initial]);
  // A template pre-fills a rule that is not saved yet: the save bar shows from the start.
  const dirty = !!data.template || JSON.stringify({ draft, schedule }) !== initial;
  const errors = fetcher.data && !fetcher.data.ok ? fetcher.data.errors : {};
  const saving = fetcher.state !== "idle";

  useEffect(() => {
    const d = fetcher.data;
    if (fetcher.state !== "idle" || !d) return;
    if (!d.ok) return void toast("Please fix the highlighted fields", { error: true });
    const msg = { create: "Rule created", update: "Rule saved", delete: "Rule deleted", duplicate: "Rule duplicated (off until you turn it on)" }[d.intent] ?? "Saved";
    toast(msg);
    if (d.intent === "delete") navigate("/app/rules");
    else if (d.intent !== "update") navigate(`/app/rules/${d.id}`);
  }, [fetcher.state, fetcher.data, toast, navigate]);

  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setDraft((d) => ({ ...d, [k]: v }));
  const content = draft.content;
  const filters = draft.filters ?? {};
  const setFilter = (k: keyof NonNullable<Draft["filters"]>, v: unknown) => setDraft((d) => ({ ...d, filters: { ...(d.filters ?? {}), [k]: v ?? undefined } }));
  const offer = draft.offer;
  const setOffer = (patch: Partial<Offer>) => set("offer", { ...(offer ?? { id: "offer", kind: "message", title: "" }), ...patch } as Offer);

  const save = () => {
    const blank = (s: string | null | undefined) => (s && s.trim() ? s.trim() : null);
    const rule = {
      ...draft,
      content: { heading: blank(content.heading), message: blank(content.message), bannerImageUrl: blank(content.bannerImageUrl), linkUrl: blank(content.linkUrl) },
      offer: offer ? { ...offer, id: offer.id || "offer", code: blank(offer.code), percentOff: offer.percentOff ?? null } : null,
      filters: draft.filters && Object.values(draft.filters).some((v) => v != null && (!Array.isArray(v) || v.length)) ? draft.filters : null,
    };
    fetcher.submit({ intent: "save", rule, schedule, template: data.template } as never, { method: "post", encType: "application/json" });
  };
  const discard = () => {
    setDraft(data.draft as Draft);
    setSchedule(data.schedule);
  };

  const audience = [
    { title: "Built-in and your segments", choices: data.segments.map((s) => ({ label: s.name, value: s.id })) },
    { title: "Traffic source and device", choices: [...SOURCE_SEGMENTS, ...DEVICE_SEGMENTS].map((s) => ({ label: s.name, value: s.id })) },
  ];
  const countries = draft.segmentIds.filter((id) => id.startsWith("country:"));
  const listed = new Set(audience.flatMap((g) => g.choices.map((c) => c.value)));
  const countryName = (id: string) => countryOptions().find((c) => c.value === id.slice(8).toUpperCase())?.label ?? id.slice(8).toUpperCase();

  return (
    <AdminPage
      title={data.id ? draft.name || "Rule" : data.templateName ? `New rule: ${data.templateName}` : "New rule"}
      backAction={{ content: "Rules", url: "/app/rules" }}
      secondaryActions={[
        ...(data.id ? [{ content: "Preview as", url: `/app/preview?rule=${encodeURIComponent(data.id)}` }] : []),
        ...(data.storefrontPreview ? [{ content: "Open storefront preview", url: data.storefrontPreview, external: true }] : []),
        ...(data.id
          ? [
              { content: "Duplicate", onAction: () => fetcher.submit({ intent: "duplicate" }, { method: "post", encType: "application/json" }) },
              { content: "Delete", destructive: true, onAction: () => confirm("Delete this rule?") && fetcher.submit({ intent: "delete" }, { method: "post", encType: "application/json" }) },
            ]
          : []),
      ]}
    >
      <EditorSaveBar id="rule-save-bar" open={dirty} saving={saving} onSave={save} onDiscard={discard} />
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <FormErrorBanner title="This rule could not be saved" error={errors._form} />
            {data.newSegments.length > 0 && (
              <Banner tone="info" title="This template adds a segment">
                <p>Saving also creates {data.newSegments.map((s) => `"${s.name}"`).join(", ")}.</p>
              </Banner>
            )}
            <Card>
              <BlockStack gap="300">
                <TextField label="Rule name" value={draft.name} onChange={(v) => set("name", v)} autoComplete="off" error={errors.name} maxLength={120} />
                <Checkbox label="Rule is on" checked={draft.enabled} onChange={(v) => set("enabled", v)} helpText="Turned-off rules are kept but never applied." />
                <NumberField label="Priority" value={draft.priority} onChange={(v) => set("priority", v as number)} error={errors.priority} helpText="Higher wins when several rules apply to a shopper. You can also reorder rules in the list." />
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Who
                </Text>
                {audience.map((g) => (
                  <ChoiceList
                    key={g.title}
                    title={g.title}
                    allowMultiple
                    choices={g.choices}
                    selected={draft.segmentIds.filter((id) => g.choices.some((c) => c.value === id))}
                    onChange={(sel) => set("segmentIds", [...draft.segmentIds.filter((id) => !g.choices.some((c) => c.value === id)), ...sel])}
                    error={g === audience[0] ? errorFor(errors, "segmentIds") : undefined}
                  />
                ))}
                <Select
                  label="Visitors from a country"
                  options={[{ label: "Add a country…", value: "" }, ...countryOptions().filter((c) => !countries.includes(`country:${c.value.toLowerCase()}`))]}
                  value=""
                  onChange={(v) => v && set("segmentIds", [...draft.segmentIds, `country:${v.toLowerCase()}`])}
                />
                <InlineStack gap="100" wrap>
                  {draft.segmentIds.filter((id) => !listed.has(id)).map((id) => (
                    <Tag key={id} onRemove={() => set("segmentIds", draft.segmentIds.filter((x) => x !== id))} accessibilityLabel={`Remove ${id}`}>
                      {id.startsWith("country:") ? `Visitors from ${countryName(id)}` : id}
                    </Tag>
                  ))}
                </InlineStack>
                <Text as="p" tone="subdued">
                  A shopper in any of these gets the rule. Choose none to show it to everyone.
                </Text>
              </BlockStack>
            </Card>
            <Card>
              <ChoiceList
                title="Where"
                allowMultiple
                choices={PLACEMENTS.map((p) => ({ label: PLACEMENT_LABELS[p], value: p }))}
                selected={draft.placements}
                onChange={(v) => set("placements", v as Placement[])}
                error={errorFor(errors, "placements")}
              />
            </Card>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Schedule
                </Text>
                <InlineGrid columns={{ xs: 1, sm: 2 }} gap="300">
                  <TextField label="Starts" type="datetime-local" value={schedule.startsAt} onChange={(v) => setSchedule((s) => ({ ...s, startsAt: v }))} autoComplete="off" error={errors.startsAt} helpText="Leave empty to start now." />
                  <TextField label="Ends" type="datetime-local" value={schedule.endsAt} onChange={(v) => setSchedule((s) => ({ ...s, endsAt: v }))} autoComplete="off" error={errors.endsAt} helpText="Leave empty to run until turned off." />
                </InlineGrid>
                <Text as="p" tone="subdued">
                  Times are in the shop's time zone ({data.timezone}).
                </Text>
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Content
                </Text>
                <TextField label="Heading" value={content.heading ?? ""} onChange={(v) => set("content", { ...content, heading: v })} autoComplete="off" error={errors["content.heading"]} maxLength={120} />
                <TextField label="Message" value={content.message ?? ""} onChange={(v) => set("content", { ...content, message: v })} autoComplete="off" multiline={3} error={errors["content.message"]} />
                <TextField label="Banner image URL" value={content.bannerImageUrl ?? ""} onChange={(v) => set("content", { ...content, bannerImageUrl: v })} autoComplete="off" error={errors["content.bannerImageUrl"]} helpText="An https:// image, e.g. from Settings › Files." />
                <TextField label="Banner link" value={content.linkUrl ?? ""} onChange={(v) => set("content", { ...content, linkUrl: v })} autoComplete="off" error={errors["content.linkUrl"]} helpText="A storefront path such as /collections/sale, or an https:// URL." />
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="300">
                <ChoiceList
                  title="Products to show"
                  choices={STRATEGY_NAMES.map((s) => ({ label: STRATEGY_DESCRIPTIONS[s].label, value: s, helpText: STRATEGY_DESCRIPTIONS[s].description }))}
                  selected={[draft.strategy]}
                  onChange={(v) => set("strategy", v[0] as StrategyName)}
                  error={errors.strategy}
                />
                <InlineGrid columns={{ xs: 1, sm: 2 }} gap="300">
                  <NumberField label="Price ceiling" money value={filters.maxPriceCents ?? null} onChange={(v) => setFilter("maxPriceCents", v)} error={errorFor(errors, "filters.maxPriceCents")} helpText="Only products at or under this price." />
                  <NumberField label="Most products of one type" value={filters.maxPerProductType ?? null} onChange={(v) => setFilter("maxPerProductType", v)} error={errorFor(errors, "filters.maxPerProductType")} helpText="Keeps a row varied." />
                </InlineGrid>
                <ResourceChooser kind="product" label="Pinned products" values={filters.pinnedProductIds ?? []} onChange={(v) => setFilter("pinnedProductIds", v)} titles={titles} onTitles={(t) => setTitles((x) => ({ ...x, ...t }))} error={errorFor(errors, "filters.pinnedProductIds")} helpText="Shown first whenever they can be bought." />
                <ResourceChooser kind="product" label="Excluded products" values={filters.excludeProductIds ?? []} onChange={(v) => setFilter("excludeProductIds", v)} titles={titles} onTitles={(t) => setTitles((x) => ({ ...x, ...t }))} error={errorFor(errors, "filters.excludeProductIds")} />
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="300">
                <Checkbox label="Include an offer" checked={offer != null} onChange={(v) => set("offer", v ? { id: "offer", kind: "message", title: "" } : null)} />
                {offer && (
                  <>
                    {data.offers.length > 0 && (
                      <Select
                        label="Offer"
                        options={[{ label: "Custom offer", value: "" }, ...data.offers.map((o) => ({ label: o.title, value: o.id }))]}
                        value={data.offers.some((o) => o.id === offer.id) ? offer.id : ""}
                        onChange={(v) => {
                          const o = data.offers.find((x) => x.id === v);
                          if (o) set("offer", o);
                        }}
                      />
                    )}
                    <InlineGrid columns={{ xs: 1, sm: 2 }} gap="300">
                      <Select
                        label="Offer type"
                        options={[
                          { label: "Discount code", value: "discount_code" },
                          { label: "Free shipping", value: "free_shipping" },
                          { label: "Message", value: "message" },
                        ]}
                        value={offer.kind}
                        onChange={(v) => setOffer({ kind: v as Offer["kind"] })}
                        error={errors["offer.kind"]}
                      />
                      <TextField label="Offer title" value={offer.title} onChange={(v) => setOffer({ title: v })} autoComplete="off" error={errors["offer.title"]} />
                    </InlineGrid>
                    {offer.kind === "discount_code" && (
                      <InlineGrid columns={{ xs: 1, sm: 2 }} gap="300">
                        <TextField label="Discount code" value={offer.code ?? ""} onChange={(v) => setOffer({ code: v })} autoComplete="off" error={errors["offer.code"]} helpText="The Shopify discount code shoppers apply." />
                        <NumberField label="Percent off" value={offer.percentOff ?? null} onChange={(v) => setOffer({ percentOff: v })} suffix="%" error={errors["offer.percentOff"]} />
                      </InlineGrid>
                    )}
                  </>
                )}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </AdminPage>
  );
}
