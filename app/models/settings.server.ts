/**
 * The merchant's settings (Shop.settings): what the Settings page and the Offers page's visitor-type
 * offers write. Forms are parsed here and the merged result is validated with the engine's own
 * validator (parseShopConfig) before anything is stored; errors come back per form field. Each save
 * records an audit entry and a "config" change in the same transaction. Reading for the engine stays
 * in shop-config.server.ts (loadShopConfig), which reads the same keys: one source of truth.
 */
import { parseShopConfig, DEFAULT_SHOP_CONFIG, DEFAULT_VISITOR_OFFERS, type VisitorOffersConfig } from "../engine/rules";
import type { FieldErrors } from "../utils/form-errors.server";
import { recordAudit } from "./audit.server";
import { appendChanges } from "./changes.server";
import { isUsable, listOffers } from "./offers.server";
import { parseJsonObject, type Tx } from "./types";
import { VISITOR_OFFER_KEYS, type VisitorOfferKey } from "../utils/admin-shared";

export interface SettingsForm {
  freeShippingThreshold: string;
  vipThreshold: string;
  atRiskChurnRatio: string;
  lapsedChurnRatio: string;
  repeatPurchaseProductTypes: string;
  excludeProductIds: string;
}

const dollars = (cents: number | null | undefined) => (cents == null ? "" : (cents / 100).toFixed(cents % 100 ? 2 : 0));
const list = (s: string) =>
  s
    .split(/[,\n]/)
    .map((x) => x.trim())
    .filter(Boolean);

export async function readSettings(tx: Tx, shop: string): Promise<Record<string, unknown>> {
  const row = await tx.shop.findUnique({ where: { id: shop }, select: { settings: true } });
  return parseJsonObject(row?.settings);
}

/** The Settings form's current values (strings, as the form shows them). */
export async function settingsForm(tx: Tx, shop: string): Promise<SettingsForm> {
  const s = await readSettings(tx, shop);
  const filters = (s.filters ?? {}) as { consumableProductTypes?: string[]; excludeProductIds?: string[] };
  const num = (v: unknown, d: number) => (typeof v === "number" && Number.isFinite(v) ? v : d);
  return {
    freeShippingThreshold: dollars(typeof s.freeShippingThresholdCents === "number" ? s.freeShippingThresholdCents : null),
    vipThreshold: dollars(num(s.vipThresholdCents, DEFAULT_SHOP_CONFIG.vipThresholdCents)),
    atRiskChurnRatio: String(num(s.atRiskChurnRatio, DEFAULT_SHOP_CONFIG.atRiskChurnRatio)),
    lapsedChurnRatio: String(num(s.lapsedChurnRatio, DEFAULT_SHOP_CONFIG.lapsedChurnRatio)),
    repeatPurchaseProductTypes: (filters.consumableProductTypes ?? []).join(", "),
    excludeProductIds: (filters.excludeProductIds ?? []).join(", "),
  };
}

function centsField(errors: FieldErrors, field: string, label: string, v: string, opts: { optional: boolean }): number | null {
  const t = v.trim().replace(/^\$/, "");
  if (t === "") {
    if (!opts.optional) errors[field] = `${label} is required`;
    return null;
  }
  const n = Number(t);
  if (!Number.isFinite(n)) errors[field] = `${label} must be an amount such as 50 or 49.99`;
  else if (n < 0) errors[field] = `${label} cannot be negative`;
  else if (Math.abs(n * 100 - Math.round(n * 100)) > 1e-6) errors[field] = `${label} has at most two decimals`;
  else return Math.round(n * 100);
  return null;
}

function ratioField(errors: FieldErrors, field: string, label: string, v: string): number | null {
  const n = Number(v.trim());
  if (v.trim() === "" || !Number.isFinite(n)) errors[field] = `${label} must be a number such as 1.5`;
  else if (n <= 0) errors[field] = `${label} must be above 0`;
  else if (n > 100) errors[field] = `${label} is at most 100`;
  else return n;
  return null;
}

/** Engine validator paths -> the form's fields. */
const ENGINE_FIELD: Record<string, keyof SettingsForm> = {
  vipThresholdCents: "vipThreshold",
  atRiskChurnRatio: "atRiskChurnRatio",
  lapsedChurnRatio: "lapsedChurnRatio",
};
function engineField(path: string): string {
  if (path.startsWith("filters.consumableProductTypes")) return "repeatPurchaseProductTypes";
  if (path.startsWith("filters.excludeProductIds")) return "excludeProductIds";
  return ENGINE_FIELD[path.split(/[.[]/)[0]] ?? "_form";
}

/** Validates the Settings form against the current settings: the merged settings, or field errors. */
export function validateSettings(current: Record<string, unknown>, form: Partial<SettingsForm>): { ok: true; next: Record<string, unknown> & { freeShippingThresholdCents: number | null } } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const f = (k: keyof SettingsForm) => String(form[k] ?? "");
  const freeShippingThresholdCents = centsField(errors, "freeShippingThreshold", "Free-shipping threshold", f("freeShippingThreshold"), { optional: true });
  if (freeShippingThresholdCents === 0) errors.freeShippingThreshold = "Free-shipping threshold must be above 0 (leave it empty for none)";
  const vipThresholdCents = centsField(errors, "vipThreshold", "VIP threshold", f("vipThreshold"), { optional: false });
  const atRiskChurnRatio = ratioField(errors, "atRiskChurnRatio", "At-risk ratio", f("atRiskChurnRatio"));
  const lapsedChurnRatio = ratioField(errors, "lapsedChurnRatio", "Lapsed ratio", f("lapsedChurnRatio"));
  const types = list(f("repeatPurchaseProductTypes"));
  if (types.some((t) => t.length > 255)) errors.repeatPurchaseProductTypes = "A product type is at most 255 characters";
  const excluded = list(f("excludeProductIds")).map((x) => x.replace(/^gid:\/\/shopify\/Product\//, ""));
  const badId = excluded.find((x) => !/^\d+$/.test(x));
  if (badId) errors.excludeProductIds = `"${badId}" is not a product id (numbers such as 7982301, or gid://shopify/Product/7982301)`;
  if (Object.keys(errors).length) return { ok: false, errors };

  const next = {
    ...current,
    freeShippingThresholdCents,
    vipThresholdCents,
    atRiskChurnRatio,
    lapsedChurnRatio,
    filters: { ...((current.filters as object) ?? {}), consumableProductTypes: types, excludeProductIds: [...new Set(excluded)] },
  };
  // The engine's own validator, on what the engine will read.
  const { freeShippingThresholdCents: _f, ...engineSettings } = next;
  const check = parseShopConfig(engineSettings);
  if (!check.ok) {
    for (const e of check.errors) errors[engineField(e.path)] ??= e.message;
    return { ok: false, errors };
  }
  return { ok: true, next };
}

/** Validates and stores the Settings form (audited, with a config change). */
export async function saveSettings(tx: Tx, shop: string, actor: string, form: Partial<SettingsForm>): Promise<{ ok: true } | { ok: false; errors: FieldErrors }> {
  const current = await readSettings(tx, shop);
  const v = validateSettings(current, form);
  if (!v.ok) return v;
  const { next } = v;
  await tx.shop.update({ where: { id: shop }, data: { settings: JSON.stringify(next) } });
  const changed = (Object.keys(ENGINE_FIELD) as string[]).concat("freeShippingThresholdCents").filter((k) => JSON.stringify(current[k]) !== JSON.stringify((next as Record<string, unknown>)[k]));
  await recordAudit(tx, shop, { actor, action: "update", entityType: "settings", entityId: "settings", summary: `Updated settings${changed.length ? ` (${changed.join(", ")})` : ""}` });
  await appendChanges(tx, shop, [{ kind: "config", entityId: "settings" }]);
  return { ok: true };
}

/* ---------------------------------------------------------------- visitor-type offers */

export { VISITOR_OFFER_KEYS, type VisitorOfferKey };

export async function visitorOffers(tx: Tx, shop: string): Promise<VisitorOffersConfig> {
  const s = await readSettings(tx, shop);
  const stored = (s.visitorOffers ?? {}) as Partial<VisitorOffersConfig>;
  const out = { ...DEFAULT_VISITOR_OFFERS };
  for (const k of VISITOR_OFFER_KEYS) if (stored[k]) (out as Record<string, unknown>)[k] = { ...DEFAULT_VISITOR_OFFERS[k], ...stored[k] };
  return out;
}

/**
 * One visitor-type offer from its form: enabled, message, code (one of the shop's offers, so it
 * exists in Shopify, or none), trigger, and for priority support the cart value.
 */
export async function saveVisitorOffer(tx: Tx, shop: string, actor: string, key: string, form: Record<string, string>): Promise<{ ok: true } | { ok: false; errors: FieldErrors }> {
  if (!(VISITOR_OFFER_KEYS as readonly string[]).includes(key)) return { ok: false, errors: { _form: "Unknown visitor offer" } };
  const k = key as VisitorOfferKey;
  const errors: FieldErrors = {};
  const enabled = form.enabled === "true" || form.enabled === "on";
  const code = (form.discountCode ?? "").trim().toUpperCase() || null;
  if (code) {
    const offer = (await listOffers(tx, shop)).find((o) => o.code === code);
    if (!offer) errors.discountCode = `${code} is not one of your offers: create it on this page first, so that it exists in Shopify`;
    else if (!isUsable(offer)) errors.discountCode = `${code} is ${offer.status} in Shopify: shoppers cannot use it`;
  }
  const triggerType = form.triggerType === "exit_intent" ? "exit_intent" : "delay";
  const seconds = Number(form.delaySeconds ?? "");
  const trigger = triggerType === "exit_intent" ? { type: "exit_intent" as const } : { type: "delay" as const, seconds };
  const current = await visitorOffers(tx, shop);
  const setting: Record<string, unknown> = { enabled, message: form.message ?? "", discountCode: code, trigger };
  if (k === "prioritySupport") {
    const cents = centsField(errors, "minCartValue", "Cart value", form.minCartValue ?? "", { optional: false });
    setting.minCartValueCents = cents ?? 0;
  }
  const next = { ...current, [k]: setting };
  const check = parseShopConfig({ visitorOffers: next });
  if (!check.ok) {
    for (const e of check.errors) {
      const sub = e.path.replace(/^visitorOffers\.[a-zA-Z]+\.?/, "");
      const field = sub.startsWith("trigger") ? "delaySeconds" : sub === "minCartValueCents" ? "minCartValue" : sub || "_form";
      errors[field] ??= e.message.replace(/^seconds/, "Delay").replace(/^message/, "Message").replace(/^the message/, "The message");
    }
  }
  if (enabled && (k === "welcome" || k === "winBack") && !code) errors.discountCode ??= "Choose the discount code shoppers get (create one on this page first)";
  if (Object.keys(errors).length) return { ok: false, errors };
  const s = await readSettings(tx, shop);
  await tx.shop.update({ where: { id: shop }, data: { settings: JSON.stringify({ ...s, visitorOffers: next }) } });
  await recordAudit(tx, shop, { actor, action: enabled ? "enable" : "disable", entityType: "visitor_offer", entityId: k, summary: `${enabled ? "Turned on" : "Turned off"} the ${k} visitor offer${code ? ` with code ${code}` : ""}` });
  await appendChanges(tx, shop, [{ kind: "config", entityId: `visitor_offer:${k}` }]);
  return { ok: true };
}
