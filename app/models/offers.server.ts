/**
 * Offers: discount-backed codes that exist in Shopify (created there through the Admin API before
 * any shopper can see them), attached to rules (Rule.offer) and to the visitor-type offers.
 * This module owns the rows and the validation of the merchant's form; app/services/offers.server.ts
 * makes the Admin API call.
 */
import { z } from "zod";
import type { Offer as RuleOffer } from "../engine/types";
import type { FieldErrors } from "../utils/form-errors.server";
import type { Tx } from "./types";
import { describeOffer, isUsable } from "../utils/admin-shared";

export { describeOffer, isUsable };

export const OFFER_KINDS = ["percentage", "amount", "free_shipping"] as const;
export type OfferKind = (typeof OFFER_KINDS)[number];

export interface OfferRow {
  id: string;
  discountId: string | null;
  code: string;
  title: string;
  kind: OfferKind;
  value: number | null;
  minSubtotalCents: number | null;
  status: string;
  usageCount: number;
  startsAt: Date;
  endsAt: Date | null;
  error: string | null;
  createdAt: Date;
  updatedAt: Date;
}

const twoDecimalsOk = (n: number) => Math.abs(n * 100 - Math.round(n * 100)) < 1e-6;
const dollarsToCents = (label: string) =>
  z
    .string()
    .trim()
    .transform((s, ctx) => {
      if (s === "") return null;
      const n = Number(s);
      if (!Number.isFinite(n) || n < 0) {
        ctx.addIssue({ code: "custom", message: `${label} must be an amount such as 50 or 49.99` });
        return z.NEVER;
      }
      if (!twoDecimalsOk(n)) {
        ctx.addIssue({ code: "custom", message: `${label} has at most two decimals` });
        return z.NEVER;
      }
      return Math.round(n * 100);
    });

/** The offer form's fields that stand alone (string inputs, as posted). */
export const offerFormSchema = z.object({
  title: z.string().trim().min(1, "Title is required").max(120, "Title is at most 120 characters"),
  code: z
    .string()
    .trim()
    .min(3, "Code is at least 3 characters")
    .max(40, "Code is at most 40 characters")
    .regex(/^[A-Za-z0-9_-]+$/, "Code uses letters, digits, - and _ only"),
  kind: z.enum(OFFER_KINDS, { error: "Choose percentage, fixed amount or free shipping" }),
  minSubtotal: z.string().default("").pipe(dollarsToCents("Minimum subtotal")),
});

export interface OfferInput {
  title: string;
  code: string;
  kind: OfferKind;
  /** Percent (percentage) or cents (amount); null for free shipping. */
  value: number | null;
  minSubtotalCents: number | null;
  endsAt: Date | null;
}

/** The value field, which depends on the kind. */
function offerValue(kind: unknown, raw: string): { value: number | null } | { error: string } {
  const n = Number(raw);
  if (kind === "percentage") return raw === "" || !Number.isInteger(n) || n < 1 || n > 100 ? { error: "Percentage is a whole number from 1 to 100" } : { value: n };
  if (kind === "amount") return raw === "" || !Number.isFinite(n) || n <= 0 || !twoDecimalsOk(n) ? { error: "Amount off must be more than 0, such as 5 or 7.50" } : { value: Math.round(n * 100) };
  return { value: null };
}

function offerEndsAt(raw: string, now: number): { endsAt: Date | null } | { error: string } {
  if (raw === "") return { endsAt: null };
  if (!/^\d{4}-\d{2}-\d{2}$/.test(raw) || Number.isNaN(Date.parse(raw))) return { error: "End date must be a date (YYYY-MM-DD)" };
  const endsAt = new Date(`${raw}T23:59:59Z`);
  return endsAt.getTime() <= now ? { error: "End date must be in the future" } : { endsAt };
}

/** The whole form, every field checked (one message per field), as the page shows them. */
export function parseOfferForm(form: Record<string, unknown>, now = Date.now()): { ok: true; value: OfferInput } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const r = offerFormSchema.safeParse(form);
  if (!r.success) for (const i of r.error.issues) errors[String(i.path[0] ?? "_form")] ??= i.message;
  const value = offerValue(form.kind, String(form.value ?? "").trim());
  if ("error" in value) errors.value = value.error;
  const ends = offerEndsAt(String(form.endsAt ?? "").trim(), now);
  if ("error" in ends) errors.endsAt = ends.error;
  if (!r.success || "error" in value || "error" in ends) return { ok: false, errors };
  return { ok: true, value: { title: r.data.title, code: r.data.code.toUpperCase(), kind: r.data.kind, value: value.value, minSubtotalCents: r.data.minSubtotal ?? null, endsAt: ends.endsAt } };
}

const SELECT = {
  id: true,
  discountId: true,
  code: true,
  title: true,
  kind: true,
  value: true,
  minSubtotalCents: true,
  status: true,
  usageCount: true,
  startsAt: true,
  endsAt: true,
  error: true,
  createdAt: true,
  updatedAt: true,
} as const;

/** The shop's offers, newest first (the offers page and the rules page's offer picker). */
export async function listOffers(tx: Tx, shop: string): Promise<OfferRow[]> {
  return (await tx.offer.findMany({ where: { shopId: shop }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], select: SELECT })) as OfferRow[];
}

export async function getOffer(tx: Tx, shop: string, id: string): Promise<OfferRow | null> {
  return (await tx.offer.findFirst({ where: { shopId: shop, id }, select: SELECT })) as OfferRow | null;
}

export async function findOfferByCode(tx: Tx, shop: string, code: string): Promise<OfferRow | null> {
  return (await tx.offer.findFirst({ where: { shopId: shop, code: code.trim().toUpperCase() }, select: SELECT })) as OfferRow | null;
}

export async function insertOffer(tx: Tx, shop: string, row: Omit<OfferRow, "createdAt" | "updatedAt" | "usageCount" | "error"> & { usageCount?: number }) {
  await tx.offer.create({ data: { shopId: shop, ...row } });
}

export async function updateOfferStats(tx: Tx, shop: string, id: string, stats: { status: string; usageCount: number }) {
  await tx.offer.updateMany({ where: { shopId: shop, id }, data: stats });
}

/** The offer's row goes; Shopify's discount is deleted first (services/offers.server.ts). */
export async function deleteOfferRow(tx: Tx, shop: string, id: string): Promise<void> {
  await tx.offer.deleteMany({ where: { shopId: shop, id } });
}

/** A rule's `offer` (app/engine/rules/rule.ts offerSchema) for this offer: what the rules page attaches. */
export function toRuleOffer(o: Pick<OfferRow, "id" | "kind" | "title" | "code" | "value">): RuleOffer {
  if (o.kind === "free_shipping") return { id: o.id, kind: "free_shipping", title: o.title, code: o.code };
  return { id: o.id, kind: "discount_code", title: o.title, code: o.code, ...(o.kind === "percentage" && o.value ? { percentOff: o.value } : {}) };
}
