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
      if (Math.round(n * 100) !== Math.round(n * 100 * 1000) / 1000) {
        ctx.addIssue({ code: "custom", message: `${label} has at most two decimals` });
        return z.NEVER;
      }
      return Math.round(n * 100);
    });

/** The offer form (string inputs, as posted). */
export const offerFormSchema = z
  .object({
    title: z.string().trim().min(1, "Title is required").max(120, "Title is at most 120 characters"),
    code: z
      .string()
      .trim()
      .min(3, "Code is at least 3 characters")
      .max(40, "Code is at most 40 characters")
      .regex(/^[A-Za-z0-9_-]+$/, "Code uses letters, digits, - and _ only"),
    kind: z.enum(OFFER_KINDS, { error: "Choose percentage, fixed amount or free shipping" }),
    value: z.string().trim().default(""),
    minSubtotal: z.string().default("").pipe(dollarsToCents("Minimum subtotal")),
    endsAt: z
      .string()
      .trim()
      .default("")
      .refine((s) => s === "" || (/^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s))), "End date must be a date (YYYY-MM-DD)"),
  })
  .transform((f, ctx) => {
    let value: number | null = null;
    if (f.kind === "percentage") {
      const n = Number(f.value);
      if (f.value === "" || !Number.isInteger(n) || n < 1 || n > 100) ctx.addIssue({ code: "custom", path: ["value"], message: "Percentage is a whole number from 1 to 100" });
      else value = n;
    } else if (f.kind === "amount") {
      const n = Number(f.value);
      if (f.value === "" || !Number.isFinite(n) || n <= 0 || Math.round(n * 100) !== Math.round(n * 100 * 1000) / 1000) ctx.addIssue({ code: "custom", path: ["value"], message: "Amount off must be more than 0, such as 5 or 7.50" });
      else value = Math.round(n * 100);
    }
    const endsAt = f.endsAt ? new Date(`${f.endsAt}T23:59:59Z`) : null;
    if (endsAt && endsAt.getTime() <= Date.now()) ctx.addIssue({ code: "custom", path: ["endsAt"], message: "End date must be in the future" });
    return { title: f.title, code: f.code.toUpperCase(), kind: f.kind, value, minSubtotalCents: f.minSubtotal ?? null, endsAt };
  });

export type OfferInput = z.output<typeof offerFormSchema>;

export function parseOfferForm(form: Record<string, unknown>): { ok: true; value: OfferInput } | { ok: false; errors: FieldErrors } {
  const r = offerFormSchema.safeParse(form);
  if (r.success) return { ok: true, value: r.data };
  const errors: FieldErrors = {};
  for (const i of r.error.issues) errors[String(i.path[0] ?? "_form")] ??= i.message;
  return { ok: false, errors };
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

/** Offers shoppers may be shown: created in Shopify and not expired. */
export function isUsable(o: Pick<OfferRow, "discountId" | "status">): boolean {
  return Boolean(o.discountId) && (o.status === "active" || o.status === "scheduled");
}

export async function insertOffer(tx: Tx, shop: string, row: Omit<OfferRow, "createdAt" | "updatedAt" | "usageCount" | "error"> & { usageCount?: number }) {
  await tx.offer.create({ data: { shopId: shop, ...row } });
}

export async function updateOfferStats(tx: Tx, shop: string, id: string, stats: { status: string; usageCount: number }) {
  await tx.offer.updateMany({ where: { shopId: shop, id }, data: stats });
}

/** A rule's `offer` (app/engine/rules/rule.ts offerSchema) for this offer: what the rules page attaches. */
export function toRuleOffer(o: Pick<OfferRow, "id" | "kind" | "title" | "code" | "value">): RuleOffer {
  if (o.kind === "free_shipping") return { id: o.id, kind: "free_shipping", title: o.title, code: o.code };
  return { id: o.id, kind: "discount_code", title: o.title, code: o.code, ...(o.kind === "percentage" && o.value ? { percentOff: o.value } : {}) };
}

export function describeOffer(o: Pick<OfferRow, "kind" | "value" | "minSubtotalCents">, currency = "USD"): string {
  const money = (c: number) => new Intl.NumberFormat("en-US", { style: "currency", currency }).format(c / 100);
  const what = o.kind === "percentage" ? `${o.value}% off` : o.kind === "amount" ? `${money(o.value ?? 0)} off` : "Free shipping";
  return o.minSubtotalCents ? `${what} orders over ${money(o.minSubtotalCents)}` : `${what} the whole order`;
}
