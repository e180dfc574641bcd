/**
 * Creating an offer: the code discount is created in Shopify first (discountCodeBasicCreate or
 * discountCodeFreeShippingCreate, buyers chosen with `context`), and only then stored, with the
 * audit record and the change-feed entry in one transaction. Shopify's userErrors come back as
 * field errors for the form. A code never reaches a shopper unless Shopify has it.
 *
 * Deactivating (discountCodeDeactivate) and deleting (discountCodeDelete) go the same way: refused
 * while a rule or an enabled visitor offer still shows the code (the merchant detaches it first, so
 * no shopper is promised a dead code), then Shopify, then the row with its audit record and change.
 */
import crypto from "node:crypto";
import { db } from "../db.server";
import { recordAudit } from "../models/audit.server";
import { appendChanges } from "../models/changes.server";
import { deleteOfferRow, describeOffer, findOfferByCode, getOffer, insertOffer, listOffers, updateOfferStats, type OfferInput, type OfferRow } from "../models/offers.server";
import { listRules } from "../models/rules.server";
import { visitorOffers } from "../models/settings.server";
import type { Tx } from "../models/types";
import { VISITOR_OFFER_KEYS } from "../utils/admin-shared";
import { createAdminClient, type AdminClient } from "../shopify/admin-api/client.server";
import {
  DISCOUNT_CODE_BASIC_CREATE,
  DISCOUNT_CODE_DEACTIVATE,
  DISCOUNT_CODE_DELETE,
  DISCOUNT_CODE_FREE_SHIPPING_CREATE,
  DISCOUNT_NODES_BATCH,
  DISCOUNT_NODES_QUERY,
  type CodeDiscountNode,
  type DiscountUserError,
} from "../shopify/admin-api/documents";
import type { FieldErrors } from "../utils/form-errors.server";
import { writeTransaction } from "../models/sql.server";
import { offlineAccessToken } from "../models/shop.server";

/** The Admin API client for a shop, with its offline access token (stored at install). */
export async function adminClientFor(shop: string): Promise<AdminClient> {
  const token = await offlineAccessToken(db(), shop);
  if (!token) throw new Error(`no offline session for ${shop}: reinstall the app`);
  return createAdminClient(shop, token);
}

const decimal = (cents: number) => (cents / 100).toFixed(2);

/** The discount's input (exported for tests): everyone may use it (`context: { all: ALL }`). */
export function discountInput(input: OfferInput, startsAt: Date) {
  const common = {
    title: input.title,
    code: input.code,
    startsAt: startsAt.toISOString(),
    endsAt: input.endsAt ? input.endsAt.toISOString() : null,
    context: { all: "ALL" },
    combinesWith: { orderDiscounts: false, productDiscounts: true, shippingDiscounts: true },
    ...(input.minSubtotalCents ? { minimumRequirement: { subtotal: { greaterThanOrEqualToSubtotal: decimal(input.minSubtotalCents) } } } : {}),
  };
  if (input.kind === "free_shipping") {
    return { document: DISCOUNT_CODE_FREE_SHIPPING_CREATE, root: "discountCodeFreeShippingCreate" as const, variables: { freeShippingCodeDiscount: { ...common, destination: { all: true } } } };
  }
  const value = input.kind === "percentage" ? { percentage: (input.value ?? 0) / 100 } : { discountAmount: { amount: decimal(input.value ?? 0), appliesOnEachItem: false } };
  return {
    document: DISCOUNT_CODE_BASIC_CREATE,
    root: "discountCodeBasicCreate" as const,
    variables: { basicCodeDiscount: { ...common, appliesOncePerCustomer: true, customerGets: { value, items: { all: true } } } },
  };
}

type CreatePayload = { codeDiscountNode: CodeDiscountNode | null; userErrors: DiscountUserError[] };

/** Shopify's userErrors -> the form's field names. */
function userErrorsToFields(errors: DiscountUserError[]): FieldErrors {
  const out: FieldErrors = {};
  for (const e of errors) {
    const f = e.field?.[e.field.length - 1] ?? "";
    const key = f === "code" ? "code" : f === "title" ? "title" : f === "endsAt" ? "endsAt" : f === "customerGets" || f === "percentage" || f === "amount" ? "value" : f === "minimumRequirement" || f === "greaterThanOrEqualToSubtotal" ? "minSubtotal" : "_form";
    out[key] ??= `Shopify: ${e.message}`;
  }
  return out;
}

const statusOf = (s: string | undefined) => (s ?? "ACTIVE").toLowerCase();

export async function createOffer(
  shop: string,
  actor: string,
  input: OfferInput,
  opts: { client?: AdminClient; now?: Date } = {},
): Promise<{ ok: true; offer: OfferRow } | { ok: false; errors: FieldErrors }> {
  const database = db();
  if (await findOfferByCode(database, shop, input.code)) return { ok: false, errors: { code: `Code ${input.code} is already one of your offers` } };
  const startsAt = opts.now ?? new Date();
  const { document, root, variables } = discountInput(input, startsAt);
  const client = opts.client ?? (await adminClientFor(shop));
  let payload: CreatePayload;
  try {
    payload = (await client.request<Record<string, CreatePayload>>(document, variables))[root];
  } catch (e) {
    return { ok: false, errors: { _form: `Shopify did not create the discount: ${(e as Error).message}` } };
  }
  if (payload.userErrors.length || !payload.codeDiscountNode) return { ok: false, errors: userErrorsToFields(payload.userErrors.length ? payload.userErrors : [{ field: null, code: null, message: "no discount returned" }]) };
  const node = payload.codeDiscountNode;
  const id = `off_${crypto.randomBytes(6).toString("hex")}`;
  const row = {
    id,
    discountId: node.id,
    code: input.code,
    title: input.title,
    kind: input.kind,
    value: input.value,
    minSubtotalCents: input.minSubtotalCents,
    status: statusOf(node.codeDiscount.status),
    startsAt,
    endsAt: input.endsAt,
  };
  await writeTransaction(database, async (tx) => {
    await insertOffer(tx, shop, row);
    await recordAudit(tx, shop, { actor, action: "create", entityType: "offer", entityId: id, summary: `Created offer "${input.title}" (code ${input.code}: ${describeOffer(row)}) in Shopify` });
    await appendChanges(tx, shop, [{ kind: "config", entityId: `offer:${id}` }]);
  });
  return { ok: true, offer: (await findOfferByCode(database, shop, input.code))! };
}

/**
 * Status and usage from Shopify for the shop's offers (the offers page). Best effort: on an Admin
 * API failure the stored values stay and the error is returned for a banner.
 */
export async function refreshOfferStats(shop: string, opts: { client?: AdminClient } = {}): Promise<{ updated: number; error: string | null }> {
  const database = db();
  const offers = (await listOffers(database, shop)).filter((o) => o.discountId);
  if (!offers.length) return { updated: 0, error: null };
  try {
    const client = opts.client ?? (await adminClientFor(shop));
    let updated = 0;
    for (let i = 0; i < offers.length; i += DISCOUNT_NODES_BATCH) {
      const batch = offers.slice(i, i + DISCOUNT_NODES_BATCH);
      const { nodes } = await client.request<{ nodes: (CodeDiscountNode | null)[] }>(DISCOUNT_NODES_QUERY, { ids: batch.map((o) => o.discountId) });
      for (const [j, node] of nodes.entries()) {
        const o = batch[j];
        const status = node ? statusOf(node.codeDiscount?.status) : "deleted";
        const usageCount = node?.codeDiscount?.asyncUsageCount ?? o.usageCount;
        if (status !== o.status || usageCount !== o.usageCount) {
          await updateOfferStats(database, shop, o.id, { status, usageCount });
          updated++;
        }
      }
    }
    return { updated, error: null };
  } catch (e) {
    return { updated: 0, error: (e as Error).message };
  }
}

/** What still shows this code to shoppers: every rule naming it (enabled or not) and each enabled visitor offer. */
export async function offerUsers(tx: Tx, shop: string, code: string): Promise<string[]> {
  const upper = code.toUpperCase();
  const [rules, visitor] = await Promise.all([listRules(tx, shop), visitorOffers(tx, shop)]);
  const users = rules.filter((r) => r.offer?.code?.trim().toUpperCase() === upper).map((r) => `rule "${r.name}"`);
  for (const k of VISITOR_OFFER_KEYS) {
    const v = visitor[k];
    if (v.enabled && v.discountCode?.trim().toUpperCase() === upper) users.push(`the ${VISITOR_OFFER_NAMES[k]} visitor offer`);
  }
  return users;
}

const VISITOR_OFFER_NAMES: Record<(typeof VISITOR_OFFER_KEYS)[number], string> = {
  welcome: "first-time visitors",
  freeShippingReminder: "returning visitors",
  prioritySupport: "high-value carts",
  earlyAccess: "loyal customers",
  winBack: "lapsed customers",
};

type OfferChange = "deactivate" | "delete";

/**
 * Deactivates or deletes an offer in Shopify, then here (audit record and config change in one
 * transaction). Field errors: `id` when the offer is unknown or still in use, `_form` for Shopify.
 */
export async function changeOffer(
  shop: string,
  actor: string,
  id: string,
  change: OfferChange,
  opts: { client?: AdminClient } = {},
): Promise<{ ok: true; offer: OfferRow } | { ok: false; errors: FieldErrors }> {
  const database = db();
  const offer = await getOffer(database, shop, id);
  if (!offer) return { ok: false, errors: { id: "This offer no longer exists" } };
  const users = await offerUsers(database, shop, offer.code);
  if (users.length) {
    const verb = change === "delete" ? "delete" : "deactivate";
    return { ok: false, errors: { id: `${offer.code} is still used by ${users.join(", ")}: choose another code there (or turn it off) before you ${verb} it` } };
  }
  let status = offer.status;
  if (offer.discountId) {
    const client = opts.client ?? (await adminClientFor(shop));
    try {
      if (change === "deactivate") {
        const r = (await client.request<{ discountCodeDeactivate: CreatePayload }>(DISCOUNT_CODE_DEACTIVATE, { id: offer.discountId })).discountCodeDeactivate;
        if (r.userErrors.length) return { ok: false, errors: { _form: `Shopify: ${r.userErrors[0].message}` } };
        status = statusOf(r.codeDiscountNode?.codeDiscount.status ?? "EXPIRED");
      } else {
        const r = (await client.request<{ discountCodeDelete: { deletedCodeDiscountId: string | null; userErrors: DiscountUserError[] } }>(DISCOUNT_CODE_DELETE, { id: offer.discountId })).discountCodeDelete;
        if (r.userErrors.length) return { ok: false, errors: { _form: `Shopify: ${r.userErrors[0].message}` } };
      }
    } catch (e) {
      return { ok: false, errors: { _form: `Shopify did not ${change} the discount: ${(e as Error).message}` } };
    }
  } else if (change === "deactivate") status = "expired";
  await writeTransaction(database, async (tx) => {
    if (change === "delete") await deleteOfferRow(tx, shop, id);
    else await updateOfferStats(tx, shop, id, { status, usageCount: offer.usageCount });
    await recordAudit(tx, shop, {
      actor,
      action: change,
      entityType: "offer",
      entityId: id,
      summary: `${change === "delete" ? "Deleted" : "Deactivated"} offer "${offer.title}" (code ${offer.code}) in Shopify`,
    });
    await appendChanges(tx, shop, [{ kind: "config", entityId: `offer:${id}` }]);
  });
  return { ok: true, offer: { ...offer, status: change === "delete" ? "deleted" : status } };
}
